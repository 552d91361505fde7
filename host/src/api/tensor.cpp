// Tensor handles and the operators mapped to the backend's op entries.
#include <fmt/format.h>

#include "load/instance.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/errors.hpp"

namespace tensorplug {

tp_tensor* Tensor::raw() const { return handle_ ? handle_->tensor : nullptr; }

const std::string& Tensor::name() const {
  static const std::string empty;
  return handle_ ? handle_->name : empty;
}

namespace {

const std::shared_ptr<detail::Instance>& instance_of(
    const std::shared_ptr<detail::TensorHandle>& h, std::string_view op) {
  if (!h) {
    throw std::invalid_argument(
        fmt::format("`{}` called with an empty Tensor", op));
  }
  return h->instance;
}

}  // namespace

#define TENSORPLUG_BINARY_OPERATOR_(symbol, entry)                             \
  Tensor operator symbol(const Tensor& a, const Tensor& b) {                   \
    const auto& inst = instance_of(a.handle_, #entry);                         \
    instance_of(b.handle_, #entry);                                            \
    if (a.handle_->instance != b.handle_->instance) {                          \
      throw std::invalid_argument(                                             \
          "`" #entry "`: the operands come from different backends");          \
    }                                                                          \
    inst->require(reinterpret_cast<const void*>(inst->entries().entry),        \
                  #entry);                                                     \
    tp_tensor* out = nullptr;                                                  \
    tp_error error = detail::make_error();                                     \
    inst->check(inst->entries().entry(inst->context(), a.raw(), b.raw(), &out, \
                                      &error),                                 \
                error, #entry);                                                \
    return Tensor(std::shared_ptr<detail::TensorHandle>(                       \
        new detail::TensorHandle{inst, out, {}}));                             \
  }
TENSORPLUG_BINARY_OPERATOR_(+, add)
TENSORPLUG_BINARY_OPERATOR_(-, subtract)
TENSORPLUG_BINARY_OPERATOR_(*, multiply)
TENSORPLUG_BINARY_OPERATOR_(/, divide)
#undef TENSORPLUG_BINARY_OPERATOR_

Tensor operator-(const Tensor& a) {
  const auto& inst = instance_of(a.handle_, "negative");
  inst->require(reinterpret_cast<const void*>(inst->entries().negative),
                "negative");
  tp_tensor* out = nullptr;
  tp_error error = detail::make_error();
  inst->check(inst->entries().negative(inst->context(), a.raw(), &out, &error),
              error, "negative");
  return Tensor(std::shared_ptr<detail::TensorHandle>(
      new detail::TensorHandle{inst, out, {}}));
}

}  // namespace tensorplug
