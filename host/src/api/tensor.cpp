// Tensor handles and the operators mapped to the backend's op entries.
#include "load/instance.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/ops.hpp"

namespace tensorplug {

tp_tensor* Tensor::raw() const { return handle_ ? handle_->tensor : nullptr; }

const std::string& Tensor::name() const {
  static const std::string empty;
  return handle_ ? handle_->name : empty;
}

Tensor operator+(const Tensor& a, const Tensor& b) { return op("add", {a, b}); }
Tensor operator-(const Tensor& a, const Tensor& b) {
  return op("subtract", {a, b});
}
Tensor operator*(const Tensor& a, const Tensor& b) {
  return op("multiply", {a, b});
}
Tensor operator/(const Tensor& a, const Tensor& b) {
  return op("divide", {a, b});
}
Tensor operator-(const Tensor& a) { return op("negative", {a}); }

}  // namespace tensorplug
