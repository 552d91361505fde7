#include "tensorplug/array.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace tensorplug {

std::string dtype::name(DLDataType type) {
  const char* base = type.code == kDLFloat    ? "float"
                     : type.code == kDLInt    ? "int"
                     : type.code == kDLUInt   ? "uint"
                     : type.code == kDLBfloat ? "bfloat"
                                              : "code";
  std::string out = fmt::format("{}{}", base, type.bits);
  if (type.code != kDLFloat && type.code != kDLInt && type.code != kDLUInt &&
      type.code != kDLBfloat) {
    out = fmt::format("dtype(code={}, bits={})", type.code, type.bits);
  }
  if (type.lanes != 1) out += fmt::format("x{}", type.lanes);
  return out;
}

namespace {
std::size_t element_count(const std::vector<std::int64_t>& shape) {
  std::size_t n = 1;
  for (auto d : shape) {
    if (d < 0) {
      throw std::invalid_argument(
          fmt::format("Array: dimension {} is negative", d));
    }
    if (d != 0 && n > std::numeric_limits<std::size_t>::max() /
                          static_cast<std::size_t>(d)) {
      throw std::invalid_argument("Array: element count overflows");
    }
    n *= static_cast<std::size_t>(d);
  }
  return n;
}

std::size_t element_bytes(DLDataType type) {
  return (static_cast<std::size_t>(type.bits) * type.lanes + 7) / 8;
}
}  // namespace

Array::Array(std::vector<std::int64_t> shape, DLDataType type)
    : shape_(std::move(shape)), dtype_(type) {
  owned_.resize(element_count(shape_) * element_bytes(dtype_));
}

Array::Array(const Array& other) : shape_(other.shape_), dtype_(other.dtype_) {
  const std::span<const std::byte> b = other.bytes();
  owned_.assign(b.begin(), b.end());
}

Array& Array::operator=(const Array& other) {
  if (this != &other) {
    Array copy(other);
    *this = std::move(copy);
  }
  return *this;
}

std::span<std::byte> Array::mutable_bytes() {
  if (shared_) {
    owned_.assign(shared_.get(), shared_.get() + shared_bytes_);
    shared_.reset();  // the deleter runs here, on this thread
    shared_bytes_ = 0;
  }
  return owned_;
}

std::size_t Array::size() const { return element_count(shape_); }

DLTensor Array::view() const {
  DLTensor t{};
  t.data = const_cast<std::byte*>(bytes().data());
  t.device = {kDLCPU, 0};
  t.ndim = static_cast<int32_t>(shape_.size());
  t.dtype = dtype_;
  t.shape = const_cast<std::int64_t*>(shape_.data());
  t.strides = nullptr;
  t.byte_offset = 0;
  return t;
}

namespace {
/// The shape of a CPU DLTensor, checked (throws std::invalid_argument naming
/// `what`).
std::vector<std::int64_t> checked_shape(const DLTensor& t, const char* what) {
  if (t.device.device_type != kDLCPU) {
    throw std::invalid_argument(
        fmt::format("{}: tensor is on device type {}, not the CPU", what,
                    static_cast<int>(t.device.device_type)));
  }
  if (t.ndim < 0 || (t.ndim > 0 && t.shape == nullptr)) {
    throw std::invalid_argument(fmt::format("{}: invalid shape", what));
  }
  std::vector<std::int64_t> shape(t.shape, t.shape + t.ndim);
  element_count(shape);  // throws on a negative or overflowing shape
  return shape;
}
}  // namespace

Array Array::copy_of(const DLTensor& t) {
  Array a(checked_shape(t, "Array::copy_of"), t.dtype);
  const std::size_t elem = element_bytes(t.dtype);
  const std::size_t n = a.size();
  if (n == 0) return a;
  if (t.data == nullptr) {
    throw std::invalid_argument("Array::copy_of: data is null");
  }
  const auto* base = static_cast<const std::byte*>(t.data) + t.byte_offset;
  if (t.strides == nullptr) {
    std::memcpy(a.owned_.data(), base, n * elem);
    return a;
  }
  // Strided: walk every index in row-major order.
  std::vector<std::int64_t> index(static_cast<std::size_t>(t.ndim), 0);
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t offset = 0;
    for (int d = 0; d < t.ndim; ++d) offset += index[d] * t.strides[d];
    std::memcpy(a.owned_.data() + i * elem,
                base + offset * static_cast<std::int64_t>(elem), elem);
    for (int d = t.ndim - 1; d >= 0; --d) {
      if (++index[d] < t.shape[d]) break;
      index[d] = 0;
    }
  }
  return a;
}

namespace {

/// Row-major and compact: no strides, or the strides of row-major order
/// (any stride of a dimension of size 1).
bool compact(const DLTensor& t) {
  if (t.strides == nullptr) return true;
  std::int64_t expected = 1;
  for (int d = t.ndim - 1; d >= 0; --d) {
    if (t.shape[d] != 1 && t.strides[d] != expected) return false;
    expected *= t.shape[d];
  }
  return true;
}

/// An adopted DLManagedTensor: destroying it calls the deleter, then drops
/// the keep-alive (the deleter's code stays mapped until it has returned).
struct Adopted {
  DLManagedTensor* managed;
  std::shared_ptr<const void> keep_alive;
  Adopted(DLManagedTensor* m, std::shared_ptr<const void> k)
      : managed(m), keep_alive(std::move(k)) {}
  Adopted(const Adopted&) = delete;
  Adopted& operator=(const Adopted&) = delete;
  ~Adopted() {
    if (managed->deleter) managed->deleter(managed);
  }
};

}  // namespace

Array Array::adopt(DLManagedTensor* managed,
                   std::shared_ptr<const void> keep_alive) {
  if (managed == nullptr) {
    throw std::invalid_argument("Array::adopt: null tensor");
  }
  std::shared_ptr<Adopted> holder;
  try {
    holder = std::make_shared<Adopted>(managed, std::move(keep_alive));
  } catch (...) {
    if (managed->deleter) managed->deleter(managed);
    throw;
  }
  const DLTensor& t = managed->dl_tensor;
  Array a;
  a.shape_ = checked_shape(t, "Array::adopt");
  a.dtype_ = t.dtype;
  const std::size_t elem = element_bytes(t.dtype);
  const std::size_t n = a.size();
  const auto* base =
      t.data == nullptr ? nullptr
                        : static_cast<const std::byte*>(t.data) + t.byte_offset;
  // Kept without a copy: a compact CPU tensor with elements, aligned for its
  // element type (so that callers may read it as T*). Everything else is
  // copied, and the holder frees the tensor when this function returns.
  if (n > 0 && elem > 0 && base != nullptr && compact(t) &&
      reinterpret_cast<std::uintptr_t>(base) %
              std::min<std::size_t>(elem, 16) ==
          0) {
    a.shared_ = std::shared_ptr<const std::byte>(std::move(holder), base);
    a.shared_bytes_ = n * elem;
    return a;
  }
  return copy_of(t);
}

}  // namespace tensorplug
