// Concrete values: a contiguous, row-major buffer (owned, or a view) with a
// shape and a dtype, and its conversions from and to DLPack tensors at the
// boundary.
#pragma once

#include <tensorplug/plugin.hpp>

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "shape.hpp"

namespace tptk {

/**
 * A contiguous, row-major value with a shape and a dtype. Usually it owns its
 * bytes; `borrow` makes a view of memory the caller keeps alive (a caller's
 * DLPack input during one call). Copying always copies the data into a new
 * owned buffer, so a copy never aliases a view.
 */
class Array {
 public:
  Array() = default;
  /** Zero-filled. Throws TP_ERROR_INVALID_ARGUMENT on an invalid shape. */
  Array(Shape shape, DLDataType dtype);
  /** Uninitialised storage, for kernels that write every element. */
  static Array uninitialized(Shape shape, DLDataType dtype);
  /** A view of `data` (contiguous, row-major); nothing is copied or freed. */
  static Array borrow(Shape shape, DLDataType dtype, void* data);
  /**
   * Takes a buffer someone else allocated (a framework's tensor: its
   * deleter frees it) as this array's own, without a copy. `storage` holds
   * at least the shape's bytes, contiguous and row-major, and nobody writes
   * it after this call.
   */
  static Array adopt(Shape shape, DLDataType dtype,
                     std::shared_ptr<std::byte[]> storage);

  Array(const Array& other);
  /**
   * The same value without a copy when this array owns its buffer (buffers
   * are never written once their Array is complete), else a copy.
   */
  Array share() const;
  Array& operator=(const Array& other);
  Array(Array&&) noexcept = default;
  Array& operator=(Array&&) noexcept = default;

  const Shape& shape() const noexcept { return shape_; }
  DLDataType dtype() const noexcept { return dtype_; }
  /** Number of elements. */
  std::size_t size() const noexcept { return size_; }
  std::size_t nbytes() const noexcept { return nbytes_; }
  /** True when the bytes belong to someone else (see `borrow`). */
  bool borrowed() const noexcept { return data_ != nullptr && !storage_; }
  /**
   * The owning buffer (shared with DLPack tensors handed out without a copy);
   * null for a view or an empty array.
   */
  const std::shared_ptr<std::byte[]>& storage() const noexcept {
    return storage_;
  }
  /**
   * True when this Array is the only holder of its buffer besides the
   * memory plan (buffer_pool.hpp) it came from: then the buffer may be
   * handed on without a copy.
   */
  bool sole_owner() const noexcept {
    return storage_ && storage_.use_count() == (pooled_ ? 2 : 1);
  }

  std::byte* bytes() noexcept { return data_; }
  const std::byte* bytes() const noexcept { return data_; }
  template <class T>
  T* data() noexcept {
    return reinterpret_cast<T*>(data_);
  }
  template <class T>
  const T* data() const noexcept {
    return reinterpret_cast<const T*>(data_);
  }

 private:
  void allocate(bool zero);

  Shape shape_;
  DLDataType dtype_{kDLFloat, 32, 1};
  std::size_t size_ = 0;
  std::size_t nbytes_ = 0;
  std::shared_ptr<std::byte[]> storage_;
  /** The buffer came from a BufferPool, which holds it too. */
  bool pooled_ = false;
  std::byte* data_ = nullptr;
};

/**
 * Checks that `t` is a readable CPU tensor: not NULL, CPU device, a valid
 * shape, a non-zero element size, data present. Throws
 * TP_ERROR_INVALID_ARGUMENT (or TP_ERROR_DTYPE) as "<entry>: <what> ...".
 */
void check_dltensor(const DLTensor* t, std::string_view entry,
                    std::string_view what);

/** The shape of a (checked) DLTensor. */
Shape shape_of(const DLTensor& t);

/**
 * Copies a (checked) DLTensor of any strides into a new Array of its dtype,
 * or of `dtype` converting the elements when `dtype` differs.
 */
Array import_dltensor(const DLTensor& t, std::string_view entry);
Array import_dltensor(const DLTensor& t, DLDataType dtype,
                      std::string_view entry);

/** A new DLManagedTensor holding a copy of `a`, owned by the caller. */
tp::ManagedTensorPtr export_array(const Array& a);

/**
 * A new DLManagedTensor, owned by the caller, sharing `a`'s buffer without a
 * copy (its deleter drops the share); a copy when `a` is a view or empty.
 * Safe because no buffer is ever written after its Array is complete: a
 * variable's assignment replaces its buffer.
 */
tp::ManagedTensorPtr share_array(const Array& a);

/**
 * A view of a (checked) DLTensor when it is contiguous and of dtype
 * `dtype` (valid while the caller's tensor is), else a contiguous copy.
 */
Array view_or_import(const DLTensor& t, std::string_view entry);

}  // namespace tptk
