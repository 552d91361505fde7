// dot and batch_dot (Keras semantics), both on the contraction kernel of
// ops/contract.hpp, and their fused backward op `contract_grad`.
#include "dtype.hpp"
#include "ops/contract.hpp"
#include "ops/indexing.hpp"
#include "ops/op.hpp"
#include "text.hpp"

namespace tptk {

namespace {

void check_float_operands(const OpDef& op, const Node& x, const Node& y) {
  if (!tp::dtype_equal(x.dtype, y.dtype)) {
    fail(TP_ERROR_DTYPE, op.name,
         ": operand dtypes differ: ", dtype_label(x.dtype), " ",
         format_shape(x.shape), " and ", dtype_label(y.dtype), " ",
         format_shape(y.shape));
  }
  if (!is_float(x.dtype)) {
    fail(TP_ERROR_DTYPE, op.name, ": dtype ", dtype_label(x.dtype),
         " is not supported (supported: float16, float32, float64)");
  }
}

/** dot: the last axis of x with the second-to-last of y (its only axis
 * when y is 1-D), as numpy.dot / Theano's dot. */
ContractSpec dot_spec(const OpDef& op, const Shape& x, const Shape& y) {
  if (x.empty() || y.empty()) {
    fail(TP_ERROR_SHAPE, op.name, ": operands must have rank >= 1, got ",
         format_shape(x), " and ", format_shape(y));
  }
  return {false, x.size() - 1, y.size() >= 2 ? y.size() - 2 : 0};
}

/** batch_dot: axes None (last of x with second-to-last of y, or last of y
 * when y is 2-D), INT (the same axis in both) or (ax, ay). */
ContractSpec batch_dot_spec(const OpDef& op, const Attrs& attrs, const Shape& x,
                            const Shape& y) {
  if (x.size() < 2 || y.size() < 2) {
    fail(TP_ERROR_SHAPE, op.name, ": operands must have rank >= 2, got ",
         format_shape(x), " and ", format_shape(y));
  }
  const auto xr = static_cast<int64_t>(x.size());
  const auto yr = static_cast<int64_t>(y.size());
  int64_t ax = xr - 1;
  int64_t ay = yr == 2 ? 1 : yr - 2;
  if (auto axes = attrs.get_ints("axes")) {  // an INT arrives as {n}
    if (axes->size() != 1 && axes->size() != 2) {
      fail(TP_ERROR_INVALID_ARGUMENT, op.name,
           ": axes must be an int or a list of 2 ints, got ", axes->size(),
           " ints");
    }
    ax = axes->front();
    ay = axes->back();
  }
  ContractSpec spec{true, normalize_axis(op.name, ax, xr, x),
                    normalize_axis(op.name, ay, yr, y)};
  if (spec.x_axis == 0 || spec.y_axis == 0) {
    fail(TP_ERROR_INVALID_ARGUMENT, op.name,
         ": cannot contract the batch axis 0 (axes (", ax, ", ", ay, ") for ",
         format_shape(x), " and ", format_shape(y), ")");
  }
  return spec;
}

ContractSpec spec_of(const Node& node) {
  const Shape& x = node.inputs[0]->shape;
  const Shape& y = node.inputs[1]->shape;
  if (std::string_view(node.op->name) == "dot") {
    return dot_spec(*node.op, x, y);
  }
  return batch_dot_spec(*node.op, node.attrs, x, y);
}

Signature infer_contract(const OpDef& op, std::span<const NodePtr> inputs,
                         const Attrs& attrs) {
  const Node& x = *inputs[0];
  const Node& y = *inputs[1];
  check_float_operands(op, x, y);
  const ContractSpec spec = std::string_view(op.name) == "dot"
                                ? dot_spec(op, x.shape, y.shape)
                                : batch_dot_spec(op, attrs, x.shape, y.shape);
  check_contract(op.name, spec, x.shape, y.shape);
  return {x.dtype, contract_shape(spec, x.shape, y.shape)};
}

Array eval_contract(const Node& node, std::span<const Array* const> inputs) {
  return contract(node.op->name, spec_of(node), *inputs[0], *inputs[1]);
}

// contract_grad(g, x, y): attrs batch, x_axis, y_axis, wrt (0: x, 1: y).
ContractSpec grad_spec(const Attrs& attrs) {
  return {attrs.get_bool("batch", false),
          static_cast<std::size_t>(attrs.get_int("x_axis", 0)),
          static_cast<std::size_t>(attrs.get_int("y_axis", 0))};
}

Signature infer_contract_grad(const OpDef&, std::span<const NodePtr> inputs,
                              const Attrs& attrs) {
  const Node& operand = *inputs[attrs.get_int("wrt", 0) == 0 ? 1 : 2];
  return {operand.dtype, operand.shape};
}

Array eval_contract_grad(const Node& node,
                         std::span<const Array* const> inputs) {
  return contract_grad(node.op->name, grad_spec(node.attrs), *inputs[0],
                       *inputs[1], *inputs[2],
                       static_cast<int>(node.attrs.get_int("wrt", 0)));
}

const OpDef kContractGrad{
    "contract_grad",     3,      3, {}, &infer_contract_grad,
    &eval_contract_grad, nullptr};

std::vector<NodePtr> vjp_contract(const Node& node, const NodePtr& grad) {
  const ContractSpec spec = spec_of(node);
  std::vector<NodePtr> out;
  for (int64_t wrt = 0; wrt < 2; ++wrt) {
    Attrs attrs;
    attrs.set("batch", spec.batch)
        .set("x_axis", static_cast<int64_t>(spec.x_axis))
        .set("y_axis", static_cast<int64_t>(spec.y_axis))
        .set("wrt", wrt);
    out.push_back(apply_op(kContractGrad,
                           {grad, node.inputs[0], node.inputs[1]},
                           std::move(attrs)));
  }
  return out;
}

constexpr AttrSpec kBatchDotAttrs[] = {
    {"axes", kAttrNone | kAttrInt | kAttrInts}};

}  // namespace

ContractSpec contract_spec(const Node& node) {
  if (node.op == &kContractGrad) return grad_spec(node.attrs);
  return spec_of(node);
}

const OpDef kDot{"dot",        2, 2, {}, &infer_contract, &eval_contract,
                 &vjp_contract};
const OpDef kBatchDot{
    "batch_dot",  2, 2, kBatchDotAttrs, &infer_contract, &eval_contract,
    &vjp_contract};

}  // namespace tptk

TPTK_INTERNAL_OP(contract_grad, tptk::kContractGrad)
TPTK_EXPORT_OP(dot, tptk::kDot)
TPTK_EXPORT_OP(batch_dot, tptk::kBatchDot)
