// The typed Keras backend functions: each one marshals its arguments into
// the attributes of the op of the same name (docs/ops.md).
#include "tensorplug/keras.hpp"

#include <utility>

namespace tensorplug {
namespace keras {
namespace {

Tensor call(std::string_view name, std::vector<Tensor> inputs,
            const Attrs& attrs = {}) {
  return tensorplug::op(name, inputs, attrs);
}

/// Appends `name` only when the Keras argument is not None.
template <class T>
void add_optional(Attrs& attrs, std::string name, const std::optional<T>& v) {
  if (v) attrs.emplace_back(std::move(name), *v);
}

Attrs reduce_attrs(const Axes& axis, bool keepdims) {
  return {axis.attr("axis"), {"keepdims", keepdims}};
}

Tensor random(std::string_view name, const Backend& b, const Ints& shape,
              const char* a_name, double a, const char* b_name, double b_value,
              std::optional<DLDataType> dtype,
              std::optional<std::int64_t> seed) {
  Attrs attrs{{"shape", shape},
              {a_name, a},
              {b_name, b_value},
              {"dtype", dtype.value_or(floatx(b))}};
  add_optional(attrs, "seed", seed);
  return b.op(name, {}, attrs);
}

}  // namespace

Attr Axes::attr(std::string name) const {
  return std::visit([&](const auto& v) { return Attr(std::move(name), v); },
                    value_);
}

DLDataType to_dtype(FloatX value) {
  switch (value) {
    case FloatX::kFloat16:
      return dtype::float16;
    case FloatX::kFloat64:
      return dtype::float64;
    case FloatX::kFloat32:
      break;
  }
  return dtype::float32;
}

DLDataType floatx(const Backend& b) {
  return to_dtype(b.settings().floatx.value);
}

Tensor zeros(const Backend& b, const Ints& shape,
             std::optional<DLDataType> dtype) {
  return b.op("zeros", {},
              {{"shape", shape}, {"dtype", dtype.value_or(floatx(b))}});
}

Tensor ones(const Backend& b, const Ints& shape,
            std::optional<DLDataType> dtype) {
  return b.op("ones", {},
              {{"shape", shape}, {"dtype", dtype.value_or(floatx(b))}});
}

Tensor constant(const Backend& b, const Array& value) {
  return b.op("constant", {}, {{"value", value}, {"dtype", value.dtype()}});
}

Tensor constant(const Backend& b, double value, const Ints& shape,
                std::optional<DLDataType> dtype) {
  return b.op("constant", {},
              {{"value", value},
               {"dtype", dtype.value_or(floatx(b))},
               {"shape", shape}});
}

Tensor scalar(const Backend& b, double value) {
  return constant(b, value, {}, floatx(b));
}

Tensor scalar(const Tensor& like, double value) {
  return constant(like.backend(), value, {}, dtype_of(like));
}

Tensor random_uniform(const Backend& b, const Ints& shape, double minval,
                      double maxval, std::optional<DLDataType> dtype,
                      std::optional<std::int64_t> seed) {
  return random("random_uniform", b, shape, "minval", minval, "maxval", maxval,
                dtype, seed);
}

Tensor random_normal(const Backend& b, const Ints& shape, double mean,
                     double stddev, std::optional<DLDataType> dtype,
                     std::optional<std::int64_t> seed) {
  return random("random_normal", b, shape, "mean", mean, "stddev", stddev,
                dtype, seed);
}

Tensor cast(const Tensor& x, DLDataType dtype) {
  return call("cast", {x}, {{"dtype", dtype}});
}

Tensor abs(const Tensor& x) { return call("abs", {x}); }
Tensor square(const Tensor& x) { return call("square", {x}); }
Tensor sqrt(const Tensor& x) { return call("sqrt", {x}); }
Tensor exp(const Tensor& x) { return call("exp", {x}); }
Tensor log(const Tensor& x) { return call("log", {x}); }
Tensor sign(const Tensor& x) { return call("sign", {x}); }
Tensor pow(const Tensor& x, double a) { return call("pow", {x, scalar(x, a)}); }
Tensor pow(const Tensor& x, const Tensor& a) { return call("pow", {x, a}); }
Tensor maximum(const Tensor& x, const Tensor& y) {
  return call("maximum", {x, y});
}
Tensor minimum(const Tensor& x, const Tensor& y) {
  return call("minimum", {x, y});
}
Tensor equal(const Tensor& x, const Tensor& y) { return call("equal", {x, y}); }
Tensor greater(const Tensor& x, const Tensor& y) {
  return call("greater", {x, y});
}
Tensor less(const Tensor& x, const Tensor& y) { return call("less", {x, y}); }
Tensor clip(const Tensor& x, double min_value, double max_value) {
  return call("clip", {x},
              {{"min_value", min_value}, {"max_value", max_value}});
}

Tensor relu(const Tensor& x, double alpha, std::optional<double> max_value,
            double threshold) {
  Attrs attrs{{"alpha", alpha}, {"threshold", threshold}};
  add_optional(attrs, "max_value", max_value);
  return call("relu", {x}, attrs);
}
Tensor sigmoid(const Tensor& x) { return call("sigmoid", {x}); }
Tensor tanh(const Tensor& x) { return call("tanh", {x}); }
Tensor softmax(const Tensor& x, int axis) {
  return call("softmax", {x}, {{"axis", axis}});
}
Tensor softplus(const Tensor& x) { return call("softplus", {x}); }
Tensor elu(const Tensor& x, double alpha) {
  return call("elu", {x}, {{"alpha", alpha}});
}

Tensor dot(const Tensor& x, const Tensor& y) { return call("dot", {x, y}); }
Tensor batch_dot(const Tensor& x, const Tensor& y, const Axes& axes) {
  Attrs attrs;
  if (!axes.is_none()) attrs.push_back(axes.attr("axes"));
  return call("batch_dot", {x, y}, attrs);
}
Tensor transpose(const Tensor& x) { return call("transpose", {x}); }
Tensor permute_dimensions(const Tensor& x, const Ints& pattern) {
  return call("permute_dimensions", {x}, {{"pattern", pattern}});
}

Tensor sum(const Tensor& x, const Axes& axis, bool keepdims) {
  return call("sum", {x}, reduce_attrs(axis, keepdims));
}
Tensor mean(const Tensor& x, const Axes& axis, bool keepdims) {
  return call("mean", {x}, reduce_attrs(axis, keepdims));
}
Tensor max(const Tensor& x, const Axes& axis, bool keepdims) {
  return call("max", {x}, reduce_attrs(axis, keepdims));
}
Tensor min(const Tensor& x, const Axes& axis, bool keepdims) {
  return call("min", {x}, reduce_attrs(axis, keepdims));
}
Tensor argmax(const Tensor& x, int axis) {
  return call("argmax", {x}, {{"axis", axis}});
}
Tensor argmin(const Tensor& x, int axis) {
  return call("argmin", {x}, {{"axis", axis}});
}

Tensor reshape(const Tensor& x, const Ints& shape) {
  return call("reshape", {x}, {{"shape", shape}});
}
Tensor concatenate(const std::vector<Tensor>& tensors, int axis) {
  return call("concatenate", tensors, {{"axis", axis}});
}
Tensor expand_dims(const Tensor& x, int axis) {
  return call("expand_dims", {x}, {{"axis", axis}});
}
Tensor squeeze(const Tensor& x, int axis) {
  return call("squeeze", {x}, {{"axis", axis}});
}
Tensor flatten(const Tensor& x) { return call("flatten", {x}); }
Tensor batch_flatten(const Tensor& x) { return call("batch_flatten", {x}); }
Tensor one_hot(const Tensor& indices, std::int64_t num_classes) {
  return call("one_hot", {indices}, {{"num_classes", num_classes}});
}
Tensor gather(const Tensor& reference, const Tensor& indices) {
  return call("gather", {reference, indices});
}

Tensor bias_add(const Tensor& x, const Tensor& bias,
                std::optional<std::string> data_format) {
  Attrs attrs;
  add_optional(attrs, "data_format", data_format);
  return call("bias_add", {x, bias}, attrs);
}
Tensor conv2d(const Tensor& x, const Tensor& kernel, const Ints& strides,
              const std::string& padding,
              std::optional<std::string> data_format,
              const Ints& dilation_rate) {
  Attrs attrs{{"strides", strides},
              {"padding", padding},
              {"dilation_rate", dilation_rate}};
  add_optional(attrs, "data_format", data_format);
  return call("conv2d", {x, kernel}, attrs);
}
Tensor pool2d(const Tensor& x, const Ints& pool_size, const Ints& strides,
              const std::string& padding,
              std::optional<std::string> data_format,
              const std::string& pool_mode) {
  Attrs attrs{{"pool_size", pool_size},
              {"strides", strides},
              {"padding", padding},
              {"pool_mode", pool_mode}};
  add_optional(attrs, "data_format", data_format);
  return call("pool2d", {x}, attrs);
}
Tensor categorical_crossentropy(const Tensor& target, const Tensor& output,
                                bool from_logits, int axis) {
  return call("categorical_crossentropy", {target, output},
              {{"from_logits", from_logits}, {"axis", axis}});
}
Tensor sparse_categorical_crossentropy(const Tensor& target,
                                       const Tensor& output, bool from_logits,
                                       int axis) {
  return call("sparse_categorical_crossentropy", {target, output},
              {{"from_logits", from_logits}, {"axis", axis}});
}
Tensor binary_crossentropy(const Tensor& target, const Tensor& output,
                           bool from_logits) {
  return call("binary_crossentropy", {target, output},
              {{"from_logits", from_logits}});
}
Tensor dropout(const Tensor& x, double level,
               std::optional<std::int64_t> seed) {
  Attrs attrs{{"level", level}};
  add_optional(attrs, "seed", seed);
  return call("dropout", {x}, attrs);
}

Tensor stop_gradient(const Tensor& x) { return call("stop_gradient", {x}); }

}  // namespace keras

Tensor operator+(const Tensor& a, double b) { return a + keras::scalar(a, b); }
Tensor operator+(double a, const Tensor& b) { return keras::scalar(b, a) + b; }
Tensor operator-(const Tensor& a, double b) { return a - keras::scalar(a, b); }
Tensor operator-(double a, const Tensor& b) { return keras::scalar(b, a) - b; }
Tensor operator*(const Tensor& a, double b) { return a * keras::scalar(a, b); }
Tensor operator*(double a, const Tensor& b) { return keras::scalar(b, a) * b; }
Tensor operator/(const Tensor& a, double b) { return a / keras::scalar(a, b); }
Tensor operator/(double a, const Tensor& b) { return keras::scalar(b, a) / b; }

}  // namespace tensorplug
