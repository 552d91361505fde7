// A small n-dimensional array on the CPU, converted to and from DLPack at the
// plugin boundary. It owns its bytes, or holds a backend's result without a
// copy (Array::adopt, rule TP_ABI_22).
#pragma once

#include <dlpack/dlpack.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "tensorplug/export.hpp"

namespace tensorplug {

/// DLPack dtype helpers.
namespace dtype {
inline constexpr DLDataType float16{kDLFloat, 16, 1};
inline constexpr DLDataType float32{kDLFloat, 32, 1};
inline constexpr DLDataType float64{kDLFloat, 64, 1};
inline constexpr DLDataType int32{kDLInt, 32, 1};
inline constexpr DLDataType int64{kDLInt, 64, 1};
inline constexpr DLDataType uint8{kDLUInt, 8, 1};

template <class T>
constexpr DLDataType of() {
  if constexpr (std::is_same_v<T, float>)
    return float32;
  else if constexpr (std::is_same_v<T, double>)
    return float64;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return int32;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return int64;
  else if constexpr (std::is_same_v<T, std::uint8_t>)
    return uint8;
  else
    static_assert(sizeof(T) == 0, "no DLPack dtype for this type");
}

constexpr bool equal(DLDataType a, DLDataType b) {
  return a.code == b.code && a.bits == b.bits && a.lanes == b.lanes;
}
/// "float32", "int64", ...
TENSORPLUG_API std::string name(DLDataType type);
}  // namespace dtype

/// A value: copying an Array copies its elements, so two Arrays never share
/// memory that either can change. An Array made by `adopt` (every result of
/// `Function` and `Backend::get_value`) reads the backend's buffer in place,
/// read-only, until it is destroyed or first written through
/// `mutable_bytes()`, which copies it then.
class TENSORPLUG_API Array {
 public:
  Array() = default;
  /// Zero-filled array of `shape` and `type`.
  Array(std::vector<std::int64_t> shape, DLDataType type);
  /// A copy of the elements: the new Array owns its bytes.
  Array(const Array& other);
  Array& operator=(const Array& other);
  Array(Array&&) noexcept = default;
  Array& operator=(Array&&) noexcept = default;
  ~Array() = default;

  /// An array holding `values` (row-major), which must match the shape.
  template <class T>
  static Array of(std::vector<std::int64_t> shape, std::span<const T> values) {
    Array a(std::move(shape), dtype::of<T>());
    if (values.size() != a.size()) {
      throw std::invalid_argument(
          "Array::of: " + std::to_string(values.size()) + " values for " +
          std::to_string(a.size()) + " elements");
    }
    if (!a.owned_.empty()) {  // memcpy with a null pointer is UB even for 0
      std::memcpy(a.owned_.data(), values.data(), a.owned_.size());
    }
    return a;
  }
  template <class T>
  static Array of(std::vector<std::int64_t> shape,
                  std::initializer_list<T> values) {
    return of<T>(std::move(shape),
                 std::span<const T>(values.begin(), values.size()));
  }

  /// A copy of any CPU DLTensor (strided or contiguous).
  static Array copy_of(const DLTensor& tensor);
  /// Takes ownership of `managed` (never null). A compact row-major CPU
  /// tensor with aligned data is kept without a copy: the Array reads its
  /// buffer in place and calls its deleter when it no longer needs it (on
  /// whichever thread destroys or first writes the Array), then drops
  /// `keep_alive` (the backend the deleter's code belongs to). Any other
  /// tensor is copied and its deleter called before `adopt` returns; so is a
  /// tensor `adopt` refuses (throwing std::invalid_argument).
  static Array adopt(DLManagedTensor* managed,
                     std::shared_ptr<const void> keep_alive = {});

  const std::vector<std::int64_t>& shape() const { return shape_; }
  DLDataType dtype() const { return dtype_; }
  /// Number of elements.
  std::size_t size() const;
  std::span<const std::byte> bytes() const {
    return shared_ ? std::span<const std::byte>(shared_.get(), shared_bytes_)
                   : std::span<const std::byte>(owned_);
  }
  /// The elements' bytes, row-major, for filling an array in place. An
  /// adopted buffer is copied first (it may be shared with the backend).
  std::span<std::byte> mutable_bytes();
  /// True while the bytes are an adopted backend buffer, read in place.
  bool adopted() const noexcept { return static_cast<bool>(shared_); }

  /// The elements, when `T` matches the dtype (throws otherwise).
  template <class T>
  std::vector<T> to_vector() const {
    if (!dtype::equal(dtype_, dtype::of<T>())) {
      throw std::invalid_argument("Array::to_vector: array is " +
                                  dtype::name(dtype_) + ", asked for " +
                                  dtype::name(dtype::of<T>()));
    }
    std::vector<T> out(size());
    const std::span<const std::byte> b = bytes();
    if (!b.empty()) std::memcpy(out.data(), b.data(), b.size());
    return out;
  }

  /// A non-owning DLTensor view, valid while this Array is alive and not
  /// modified.
  DLTensor view() const;

 private:
  std::vector<std::int64_t> shape_;
  DLDataType dtype_{kDLFloat, 32, 1};
  /// The elements, unless `shared_` holds them.
  std::vector<std::byte> owned_;
  /// An adopted tensor's data; its control block calls the deleter.
  std::shared_ptr<const std::byte> shared_;
  std::size_t shared_bytes_ = 0;
};

}  // namespace tensorplug
