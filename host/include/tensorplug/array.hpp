// A small owning n-dimensional array on the CPU, converted to and from DLPack
// at the plugin boundary.
#pragma once

#include <dlpack/dlpack.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
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

class TENSORPLUG_API Array {
 public:
  Array() = default;
  /// Zero-filled array of `shape` and `type`.
  Array(std::vector<std::int64_t> shape, DLDataType type);

  /// An array holding `values` (row-major), which must match the shape.
  template <class T>
  static Array of(std::vector<std::int64_t> shape, std::span<const T> values) {
    Array a(std::move(shape), dtype::of<T>());
    if (values.size() != a.size()) {
      throw std::invalid_argument(
          "Array::of: " + std::to_string(values.size()) + " values for " +
          std::to_string(a.size()) + " elements");
    }
    if (!a.bytes_.empty()) {  // memcpy with a null pointer is UB even for 0
      std::memcpy(a.bytes_.data(), values.data(), a.bytes_.size());
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
  /// Takes ownership of `managed`: copies its data and calls its deleter.
  static Array adopt(DLManagedTensor* managed);

  const std::vector<std::int64_t>& shape() const { return shape_; }
  DLDataType dtype() const { return dtype_; }
  /// Number of elements.
  std::size_t size() const;
  std::span<const std::byte> bytes() const { return bytes_; }
  /// The elements' bytes, row-major, for filling an array in place.
  std::span<std::byte> mutable_bytes() { return bytes_; }

  /// The elements, when `T` matches the dtype (throws otherwise).
  template <class T>
  std::vector<T> to_vector() const {
    if (!dtype::equal(dtype_, dtype::of<T>())) {
      throw std::invalid_argument("Array::to_vector: array is " +
                                  dtype::name(dtype_) + ", asked for " +
                                  dtype::name(dtype::of<T>()));
    }
    std::vector<T> out(size());
    if (!bytes_.empty()) std::memcpy(out.data(), bytes_.data(), bytes_.size());
    return out;
  }

  /// A non-owning DLTensor view, valid while this Array is alive and not
  /// modified.
  DLTensor view() const;

 private:
  std::vector<std::int64_t> shape_;
  DLDataType dtype_{kDLFloat, 32, 1};
  std::vector<std::byte> bytes_;
};

}  // namespace tensorplug
