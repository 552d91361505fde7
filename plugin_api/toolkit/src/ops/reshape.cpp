// Shape-only ops: reshape, expand_dims, squeeze, flatten, batch_flatten.
// Each computes its result shape from the operand's (static at graph
// building, with unknown sizes propagated; concrete at call time) and copies
// the elements. Their VJP is the internal op `reshape_like(grad, x)`, which
// gives grad x's runtime shape.
#include <string_view>

#include "dtype.hpp"
#include "ops/indexing.hpp"
#include "ops/op.hpp"
#include "text.hpp"

namespace tptk {

namespace {

std::string format_target(const Shape& v) {
  std::string s = "(";
  for (std::size_t i = 0; i < v.size(); ++i) s += cat(i ? ", " : "", v[i]);
  return s + (v.size() == 1 ? ",)" : ")");
}

Shape reshape_shape(const OpDef& op, const Attrs& attrs, const Shape& in) {
  const auto target = attrs.get_ints("shape");
  if (!target) fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": shape is required");
  Shape out = *target;
  std::size_t wildcard = out.size();
  int64_t known = 1;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      if (wildcard != out.size()) {
        fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": shape ",
             format_target(*target), " has more than one -1");
      }
      wildcard = i;
    } else if (out[i] < 0) {
      fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": shape ",
           format_target(*target), " has a negative size");
    } else if (__builtin_mul_overflow(known, out[i], &known)) {
      fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": shape ",
           format_target(*target), " has too many elements");
    }
  }
  if (!is_fully_known(in)) return out;  // -1 stays unknown
  const int64_t total = dim_product(in, 0, in.size());
  const bool ok = wildcard == out.size()
                      ? known == total
                      : (known != 0 ? total % known == 0 : total == 0);
  if (!ok) {
    fail(TP_ERROR_SHAPE, op.name, ": cannot reshape ", format_shape(in), " (",
         total, " elements) to ", format_target(*target));
  }
  if (wildcard != out.size()) out[wildcard] = known != 0 ? total / known : 0;
  return out;
}

Shape expand_dims_shape(const OpDef& op, const Attrs& attrs, const Shape& in) {
  const auto rank = static_cast<int64_t>(in.size());
  const std::size_t axis =
      normalize_axis(op.name, attrs.get_int("axis", -1), rank + 1, in);
  Shape out = in;
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(axis), 1);
  return out;
}

Shape squeeze_shape(const OpDef& op, const Attrs& attrs, const Shape& in) {
  const auto axis_attr = attrs.get_optional_int("axis");
  if (!axis_attr)
    fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": axis is required");
  const std::size_t axis =
      normalize_axis(op.name, *axis_attr, static_cast<int64_t>(in.size()), in);
  if (in[axis] != 1 && in[axis] != kUnknownDim) {
    fail(TP_ERROR_SHAPE, op.name, ": cannot squeeze axis ", *axis_attr,
         " of shape ", format_shape(in), ": its size is ", in[axis], ", not 1");
  }
  Shape out = in;
  out.erase(out.begin() + static_cast<std::ptrdiff_t>(axis));
  return out;
}

Shape batch_flatten_shape(const OpDef& op, const Shape& in) {
  if (in.empty()) {
    fail(TP_ERROR_SHAPE, op.name, ": operand must have rank >= 1, got ",
         format_shape(in));
  }
  return {in[0], static_product(in, 1, in.size())};
}

/** The result shape of `op` for an operand of (static or concrete) shape
 * `in`. */
Shape result_shape(const OpDef& op, const Attrs& attrs, const Shape& in) {
  const std::string_view name = op.name;
  if (name == "reshape") return reshape_shape(op, attrs, in);
  if (name == "expand_dims") return expand_dims_shape(op, attrs, in);
  if (name == "squeeze") return squeeze_shape(op, attrs, in);
  if (name == "flatten") return {static_product(in, 0, in.size())};
  return batch_flatten_shape(op, in);
}

Signature infer_shape_op(const OpDef& op, std::span<const NodePtr> inputs,
                         const Attrs& attrs) {
  const Node& x = *inputs[0];
  return {x.dtype, result_shape(op, attrs, x.shape)};
}

Array eval_shape_op(const Node& node, std::span<const Array* const> inputs) {
  const Array& x = *inputs[0];
  return reshaped_copy(x, result_shape(*node.op, node.attrs, x.shape()),
                       node.op->name);
}

Signature infer_reshape_like(const OpDef&, std::span<const NodePtr> inputs,
                             const Attrs&) {
  return {inputs[0]->dtype, inputs[1]->shape};
}

Array eval_reshape_like(const Node& node,
                        std::span<const Array* const> inputs) {
  return reshaped_copy(*inputs[0], inputs[1]->shape(), node.op->name);
}

}  // namespace

const OpDef kReshapeLike{"reshape_like",     2,      2, {}, &infer_reshape_like,
                         &eval_reshape_like, nullptr};

namespace {

std::vector<NodePtr> vjp_shape_op(const Node& node, const NodePtr& grad) {
  return {apply_op(kReshapeLike, {grad, node.inputs[0]})};
}

constexpr AttrSpec kReshapeAttrs[] = {{"shape", kAttrInts}};
constexpr AttrSpec kAxisAttrs[] = {{"axis", kAttrInt}};

}  // namespace

const OpDef kReshape{
    "reshape",    1, 1, kReshapeAttrs, &infer_shape_op, &eval_shape_op,
    &vjp_shape_op};
const OpDef kExpandDims{
    "expand_dims", 1, 1, kAxisAttrs, &infer_shape_op, &eval_shape_op,
    &vjp_shape_op};
const OpDef kSqueeze{
    "squeeze",    1, 1, kAxisAttrs, &infer_shape_op, &eval_shape_op,
    &vjp_shape_op};
const OpDef kFlatten{"flatten",    1, 1, {}, &infer_shape_op, &eval_shape_op,
                     &vjp_shape_op};
const OpDef kBatchFlatten{
    "batch_flatten", 1, 1, {}, &infer_shape_op, &eval_shape_op, &vjp_shape_op};

}  // namespace tptk

TPTK_INTERNAL_OP(reshape_like, tptk::kReshapeLike)
TPTK_EXPORT_OP(reshape, tptk::kReshape)
TPTK_EXPORT_OP(expand_dims, tptk::kExpandDims)
TPTK_EXPORT_OP(squeeze, tptk::kSqueeze)
TPTK_EXPORT_OP(flatten, tptk::kFlatten)
TPTK_EXPORT_OP(batch_flatten, tptk::kBatchFlatten)
