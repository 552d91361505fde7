// argmax / argmin along one axis (Keras: axis INT, default -1) -> int64.
// Ties give the first position; a NaN counts as the extremum. Not
// differentiable.
#include "dtype.hpp"
#include "ops/op.hpp"
#include "ops/reduce.hpp"
#include "text.hpp"

namespace tptk {

namespace {

AxisMask arg_axis(const OpDef& op, const Attrs& attrs, const Shape& shape,
                  std::size_t* axis) {
  if (shape.empty()) {
    fail(TP_ERROR_SHAPE, op.name, ": operand must have rank >= 1, got ",
         format_shape(shape));
  }
  *axis = normalize_axis(op.name, attrs.get_int("axis", -1),
                         static_cast<int64_t>(shape.size()), shape);
  AxisMask mask(shape.size(), false);
  mask[*axis] = true;
  return mask;
}

void check_not_empty(const OpDef& op, const Shape& shape, std::size_t axis) {
  if (shape[axis] == 0) {
    fail(TP_ERROR_SHAPE, op.name, ": cannot reduce zero elements of shape ",
         format_shape(shape), " along axis ", axis);
  }
}

Signature infer_arg(const OpDef& op, std::span<const NodePtr> inputs,
                    const Attrs& attrs) {
  const Node& x = *inputs[0];
  if (is_bool(x.dtype)) {
    fail(TP_ERROR_DTYPE, op.name, ": dtype bool is not supported ",
         "(supported: float16, float32, float64, int32, int64)");
  }
  std::size_t axis = 0;
  const AxisMask mask = arg_axis(op, attrs, x.shape, &axis);
  check_not_empty(op, x.shape, axis);
  return {kInt64, reduced_shape(x.shape, mask, false)};
}

Array eval_arg(const Node& node, std::span<const Array* const> inputs) {
  const OpDef& op = *node.op;
  const Array& x = *inputs[0];
  std::size_t axis = 0;
  const AxisMask mask = arg_axis(op, node.attrs, x.shape(), &axis);
  check_not_empty(op, x.shape(), axis);
  Array out(reduced_shape(x.shape(), mask, false), kInt64);
  const int64_t stride = dim_product(x.shape(), axis + 1, x.shape().size());
  const int64_t size = x.shape()[axis];
  const bool is_max = std::string_view(op.name) == "argmax";
  dispatch_numeric(x.dtype(), op.name, [&]<class T>() {
    const auto pos = extreme_positions<T>(x, mask, out.size(), is_max);
    int64_t* dst = out.data<int64_t>();
    for (std::size_t i = 0; i < pos.size(); ++i) {
      dst[i] = (pos[i] / stride) % size;
    }
  });
  return out;
}

constexpr AttrSpec kArgAttrs[] = {{"axis", kAttrInt}};

}  // namespace

const OpDef kArgmax{"argmax", 1, 1, kArgAttrs, &infer_arg, &eval_arg, nullptr};
const OpDef kArgmin{"argmin", 1, 1, kArgAttrs, &infer_arg, &eval_arg, nullptr};

}  // namespace tptk

TPTK_EXPORT_OP(argmax, tptk::kArgmax)
TPTK_EXPORT_OP(argmin, tptk::kArgmin)
