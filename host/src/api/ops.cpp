// Calling op entries by name: attributes marshalled into tp_attr, results
// wrapped as Tensors that keep their backend alive.
#include "tensorplug/ops.hpp"

#include <fmt/format.h>

#include "load/instance.hpp"
#include "tensorplug/errors.hpp"

namespace tensorplug {
namespace {

/// tp_attr views of `attrs`; valid while `attrs` and `views` are alive.
struct AttrViews {
  std::vector<tp_attr> items;
  std::vector<DLTensor> values;  // storage for VALUE attributes

  explicit AttrViews(const std::vector<Attr>& attrs) {
    values.reserve(attrs.size());
    for (const Attr& a : attrs) {
      tp_attr t{};
      t.struct_size = sizeof(tp_attr);
      t.name = a.name.c_str();
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, None>) {
              t.kind = TP_ATTR_NONE;
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
              t.kind = TP_ATTR_INT;
              t.int_value = v;
            } else if constexpr (std::is_same_v<T, double>) {
              t.kind = TP_ATTR_FLOAT;
              t.float_value = v;
            } else if constexpr (std::is_same_v<T, bool>) {
              t.kind = TP_ATTR_BOOL;
              t.int_value = v ? 1 : 0;
            } else if constexpr (std::is_same_v<T, std::string>) {
              t.kind = TP_ATTR_STRING;
              t.string_value = v.c_str();
            } else if constexpr (std::is_same_v<T, Ints>) {
              t.kind = TP_ATTR_INTS;
              t.ints = v.data();
              t.num_ints = v.size();
            } else if constexpr (std::is_same_v<T, DLDataType>) {
              t.kind = TP_ATTR_DTYPE;
              t.dtype = v;
            } else {
              t.kind = TP_ATTR_VALUE;
              values.push_back(v.view());
              t.value = &values.back();
            }
          },
          a.value);
      items.push_back(t);
    }
  }
};

}  // namespace

const std::shared_ptr<detail::Instance>& instance_of(const Tensor& t,
                                                     std::string_view op) {
  if (!t) {
    throw std::invalid_argument(
        fmt::format("`{}` called with an empty Tensor", op));
  }
  return t.handle_->instance;
}

Backend Tensor::backend() const {
  if (!handle_) throw std::invalid_argument("an empty Tensor has no backend");
  return Backend(handle_->instance);
}

std::vector<Tensor> Backend::call_op(std::string_view name,
                                     const std::vector<Tensor>& inputs,
                                     const std::vector<Attr>& attrs,
                                     std::size_t num_outputs) const {
  auto& inst = *instance_;
  auto* entry = reinterpret_cast<tp_op_fn*>(
      const_cast<void*>(inst.library().entry(name)));
  inst.require(reinterpret_cast<const void*>(entry), name);
  std::vector<const tp_tensor*> operands;
  operands.reserve(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i]) {
      throw std::invalid_argument(
          fmt::format("`{}`: operand {} is an empty Tensor", name, i));
    }
    if (inputs[i].handle_->instance != instance_) {
      throw std::invalid_argument(fmt::format(
          "`{}`: operand {} comes from another backend instance", name, i));
    }
    operands.push_back(inputs[i].raw());
  }
  AttrViews views(attrs);
  tp_op_args args{};
  args.struct_size = sizeof(args);
  args.num_inputs = operands.size();
  args.inputs = operands.data();
  args.num_attrs = views.items.size();
  args.attrs = views.items.data();
  args.num_outputs = num_outputs;
  std::vector<tp_tensor*> out(num_outputs, nullptr);
  tp_error error = detail::make_error();
  inst.check(entry(inst.context(), &args, out.data(), &error), error, name);
  std::vector<Tensor> result;
  result.reserve(out.size());
  for (tp_tensor* t : out) {
    result.push_back(Tensor(std::shared_ptr<detail::TensorHandle>(
        new detail::TensorHandle{instance_, t, {}})));
  }
  return result;
}

Tensor Backend::op(std::string_view name, const std::vector<Tensor>& inputs,
                   const std::vector<Attr>& attrs) const {
  return call_op(name, inputs, attrs, 1).front();
}

Tensor Backend::op(std::string_view name,
                   const std::vector<Tensor>& inputs) const {
  return call_op(name, inputs, {}, 1).front();
}

Tensor op(std::string_view name, const std::vector<Tensor>& inputs,
          const Attrs& attrs) {
  if (inputs.empty()) {
    throw std::invalid_argument(fmt::format(
        "tensorplug::op(\"{}\") needs an operand to know its backend; call "
        "Backend::op for ops without operands",
        name));
  }
  return Backend(instance_of(inputs.front(), name)).op(name, inputs, attrs);
}

namespace {
tp_tensor_desc describe(const Tensor& x) {
  const auto& inst = instance_of(x, "tensor_info");
  inst->require(reinterpret_cast<const void*>(inst->entries().tensor_info),
                "tensor_info");
  tp_tensor_desc desc{};
  desc.struct_size = sizeof(desc);
  tp_error error = detail::make_error();
  inst->check(
      inst->entries().tensor_info(inst->context(), x.raw(), &desc, &error),
      error, "tensor_info");
  return desc;
}
}  // namespace

std::vector<std::int64_t> int_shape(const Tensor& x) {
  const tp_tensor_desc d = describe(x);
  return std::vector<std::int64_t>(d.shape, d.shape + d.ndim);
}

DLDataType dtype_of(const Tensor& x) { return describe(x).dtype; }

int ndim(const Tensor& x) { return describe(x).ndim; }

std::vector<Tensor> gradients(const Tensor& loss,
                              const std::vector<Tensor>& variables) {
  std::vector<Tensor> inputs{loss};
  inputs.insert(inputs.end(), variables.begin(), variables.end());
  return Backend(instance_of(loss, "gradients"))
      .call_op("gradients", inputs, {}, variables.size());
}

}  // namespace tensorplug
