#include "tensorplug/array.hpp"

#include <fmt/format.h>

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
  bytes_.resize(element_count(shape_) * element_bytes(dtype_));
}

std::size_t Array::size() const { return element_count(shape_); }

DLTensor Array::view() const {
  DLTensor t{};
  t.data = const_cast<std::byte*>(bytes_.data());
  t.device = {kDLCPU, 0};
  t.ndim = static_cast<int32_t>(shape_.size());
  t.dtype = dtype_;
  t.shape = const_cast<std::int64_t*>(shape_.data());
  t.strides = nullptr;
  t.byte_offset = 0;
  return t;
}

Array Array::copy_of(const DLTensor& t) {
  if (t.device.device_type != kDLCPU) {
    throw std::invalid_argument(
        fmt::format("Array::copy_of: tensor is on device type {}, not the CPU",
                    static_cast<int>(t.device.device_type)));
  }
  if (t.ndim < 0 || (t.ndim > 0 && t.shape == nullptr)) {
    throw std::invalid_argument("Array::copy_of: invalid shape");
  }
  Array a(std::vector<std::int64_t>(t.shape, t.shape + t.ndim), t.dtype);
  const std::size_t elem = element_bytes(t.dtype);
  const std::size_t n = a.size();
  if (n == 0) return a;
  if (t.data == nullptr) {
    throw std::invalid_argument("Array::copy_of: data is null");
  }
  const auto* base = static_cast<const std::byte*>(t.data) + t.byte_offset;
  if (t.strides == nullptr) {
    std::memcpy(a.bytes_.data(), base, n * elem);
    return a;
  }
  // Strided: walk every index in row-major order.
  std::vector<std::int64_t> index(static_cast<std::size_t>(t.ndim), 0);
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t offset = 0;
    for (int d = 0; d < t.ndim; ++d) offset += index[d] * t.strides[d];
    std::memcpy(a.bytes_.data() + i * elem,
                base + offset * static_cast<std::int64_t>(elem), elem);
    for (int d = t.ndim - 1; d >= 0; --d) {
      if (++index[d] < t.shape[d]) break;
      index[d] = 0;
    }
  }
  return a;
}

Array Array::adopt(DLManagedTensor* managed) {
  if (managed == nullptr) {
    throw std::invalid_argument("Array::adopt: null tensor");
  }
  struct Deleter {
    DLManagedTensor* m;
    ~Deleter() {
      if (m->deleter) m->deleter(m);
    }
  } guard{managed};
  return copy_of(managed->dl_tensor);
}

}  // namespace tensorplug
