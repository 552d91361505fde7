// one_hot(indices, num_classes): Keras one_hot (tf.one_hot on the last
// axis) -> floatx, shape indices.shape + (num_classes,). As in TensorFlow,
// an index outside [0, num_classes) gives a row of zeros. Not
// differentiable.
#include "dtype.hpp"
#include "ops/op.hpp"
#include "text.hpp"

namespace tptk {

namespace {

int64_t num_classes(const OpDef& op, const Attrs& attrs) {
  const auto n = attrs.get_optional_int("num_classes");
  if (!n) fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": num_classes is required");
  if (*n < 0) {
    fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": num_classes must be >= 0, got ",
         *n);
  }
  return *n;
}

Signature infer_one_hot(const OpDef& op, std::span<const NodePtr> inputs,
                        const Attrs& attrs) {
  const Node& indices = *inputs[0];
  if (!tp::dtype_equal(indices.dtype, kInt32) &&
      !tp::dtype_equal(indices.dtype, kInt64)) {
    fail(TP_ERROR_DTYPE, op.name, ": indices must be int32 or int64, got ",
         dtype_label(indices.dtype), " ", format_shape(indices.shape));
  }
  Shape out = indices.shape;
  out.push_back(num_classes(op, attrs));
  return {attrs.get_dtype("floatx").value_or(kFloat32), out};
}

Array eval_one_hot(const Node& node, std::span<const Array* const> inputs) {
  const Array& idx = *inputs[0];
  const int64_t n = num_classes(*node.op, node.attrs);
  Shape shape = idx.shape();
  shape.push_back(n);
  Array out(std::move(shape), node.dtype);
  dispatch_float(node.dtype, node.op->name, [&]<class T>() {
    T* dst = out.data<T>();
    for (std::size_t i = 0; i < idx.size(); ++i) {
      const int64_t k = tp::dtype_equal(idx.dtype(), kInt32)
                            ? idx.data<int32_t>()[i]
                            : idx.data<int64_t>()[i];
      if (k >= 0 && k < n) dst[static_cast<int64_t>(i) * n + k] = T(1);
    }
  });
  return out;
}

constexpr AttrSpec kOneHotAttrs[] = {{"num_classes", kAttrInt}};

}  // namespace

const OpDef kOneHot{"one_hot",     1,      1, kOneHotAttrs, &infer_one_hot,
                    &eval_one_hot, nullptr};

}  // namespace tptk

TPTK_EXPORT_OP(one_hot, tptk::kOneHot)
