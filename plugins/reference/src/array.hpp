// Concrete values: a contiguous, row-major, owned buffer with a shape and a
// dtype, and its conversions from and to DLPack tensors at the boundary.
#pragma once

#include <tensorplug/plugin.hpp>

#include <cstddef>
#include <string_view>
#include <vector>

#include "shape.hpp"

namespace tpref {

/** An owned, contiguous, row-major value. Copying copies the data. */
class Array {
 public:
  Array() = default;
  /** Zero-filled. Throws TP_ERROR_INVALID_ARGUMENT on an invalid shape. */
  Array(Shape shape, DLDataType dtype);

  const Shape& shape() const noexcept { return shape_; }
  DLDataType dtype() const noexcept { return dtype_; }
  /** Number of elements. */
  std::size_t size() const noexcept { return size_; }
  std::size_t nbytes() const noexcept { return bytes_.size(); }

  std::byte* bytes() noexcept { return bytes_.data(); }
  const std::byte* bytes() const noexcept { return bytes_.data(); }
  template <class T>
  T* data() noexcept {
    return reinterpret_cast<T*>(bytes_.data());
  }
  template <class T>
  const T* data() const noexcept {
    return reinterpret_cast<const T*>(bytes_.data());
  }

 private:
  Shape shape_;
  DLDataType dtype_{kDLFloat, 32, 1};
  std::size_t size_ = 0;
  std::vector<std::byte> bytes_;
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

}  // namespace tpref
