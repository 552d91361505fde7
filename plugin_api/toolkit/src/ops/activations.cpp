// Activations (float16/32/64; float16 computed in float): relu with Keras
// 2.2's alpha/max_value/threshold, sigmoid, tanh, softplus (computed stably)
// and elu. relu and elu differentiate through the fused internal ops
// `relu_grad(x, g)` / `elu_grad(x, g)` (same attributes as the forward op);
// sigmoid, tanh and softplus through other ops.
#include <cmath>
#include <limits>

#include "ops/elementwise.hpp"
#include "ops/vjp_util.hpp"

namespace tptk {

namespace {

constexpr auto kFloat = DtypeClass::floating;

/** relu's parameters, in the compute type. */
struct ReluParams {
  double alpha;
  double threshold;
  double max_value;  // +inf when None
  explicit ReluParams(const Attrs& a)
      : alpha(a.get_float("alpha", 0.0)),
        threshold(a.get_float("threshold", 0.0)),
        max_value(a.get_optional_float("max_value")
                      .value_or(std::numeric_limits<double>::infinity())) {}
};

constexpr AttrSpec kReluAttrs[] = {{"alpha", kAttrFloat},
                                   {"max_value", kAttrFloat | kAttrNone},
                                   {"threshold", kAttrFloat}};
constexpr AttrSpec kEluAttrs[] = {{"alpha", kAttrFloat}};

// Keras 2.2 (and its NumPy reference): x >= threshold -> clip(x, 0,
// max_value); otherwise alpha * (x - threshold).
Array eval_relu(const Node& node, std::span<const Array* const> inputs) {
  const ReluParams p(node.attrs);
  const Array& x = *inputs[0];
  Array out(x.shape(), x.dtype());
  dispatch_float(x.dtype(), node.op->name, [&]<class T>() {
    using C = compute_t<T>;
    const C alpha = static_cast<C>(p.alpha);
    const C thr = static_cast<C>(p.threshold);
    const C maxv = static_cast<C>(p.max_value);
    map_unary<T>(x, out, [=](C v) -> C {
      // + 0: a zero result is +0 (alpha 0 times a negative is -0). With
      // alpha 0 the lower branch is +0 for every number, -inf included
      // (0 * -inf would be NaN; Keras's relu gives 0), and NaN for NaN.
      if (!(v >= thr)) {
        if (alpha == C(0)) return v != v ? v : C(0);
        return alpha * (v - thr) + C(0);
      }
      const C y = v <= C(0) ? C(0) : v;  // relu(-0) is +0
      return y > maxv ? maxv : y;
    });
  });
  return out;
}

// d relu / dx: alpha below the threshold, 1 where 0 < x < max_value above
// it, 0 elsewhere (0 at x == 0, like TensorFlow).
Array eval_relu_grad(const Node& node, std::span<const Array* const> inputs) {
  const ReluParams p(node.attrs);
  const Array& x = *inputs[0];
  const Array& g = *inputs[1];
  check_unary_grad(*node.op, x, g);
  Array out(x.shape(), x.dtype());
  dispatch_float(x.dtype(), node.op->name, [&]<class T>() {
    using C = compute_t<T>;
    const C alpha = static_cast<C>(p.alpha);
    const C thr = static_cast<C>(p.threshold);
    const C maxv = static_cast<C>(p.max_value);
    map_unary_grad<T>(x, g, out, [=](C v, C gv) -> C {
      if (v < thr) return alpha * gv;
      return (v > C(0) && v < maxv) ? gv : C(0);
    });
  });
  return out;
}

Array eval_elu(const Node& node, std::span<const Array* const> inputs) {
  const double alpha = node.attrs.get_float("alpha", 1.0);
  const Array& x = *inputs[0];
  Array out(x.shape(), x.dtype());
  dispatch_float(x.dtype(), node.op->name, [&]<class T>() {
    using C = compute_t<T>;
    const C a = static_cast<C>(alpha);
    map_unary<T>(x, out,
                 [=](C v) -> C { return v > C(0) ? v : a * std::expm1(v); });
  });
  return out;
}

Array eval_elu_grad(const Node& node, std::span<const Array* const> inputs) {
  const double alpha = node.attrs.get_float("alpha", 1.0);
  const Array& x = *inputs[0];
  const Array& g = *inputs[1];
  check_unary_grad(*node.op, x, g);
  Array out(x.shape(), x.dtype());
  dispatch_float(x.dtype(), node.op->name, [&]<class T>() {
    using C = compute_t<T>;
    const C a = static_cast<C>(alpha);
    map_unary_grad<T>(x, g, out, [=](C v, C gv) -> C {
      return v > C(0) ? gv : gv * a * std::exp(v);
    });
  });
  return out;
}

template <class C>
C sigmoid_of(C v) {
  if (v >= C(0)) return C(1) / (C(1) + std::exp(-v));
  const C e = std::exp(v);
  return e / (C(1) + e);
}

template <class F>
Array eval_float_map(const Node& node, const Array& x, F f) {
  Array out(x.shape(), x.dtype());
  dispatch_float(x.dtype(), node.op->name,
                 [&]<class T>() { map_unary<T>(x, out, f); });
  return out;
}

Array eval_sigmoid(const Node& node, std::span<const Array* const> inputs) {
  return eval_float_map(node, *inputs[0], [](auto v) { return sigmoid_of(v); });
}

Array eval_tanh(const Node& node, std::span<const Array* const> inputs) {
  return eval_float_map(node, *inputs[0], [](auto v) { return std::tanh(v); });
}

// log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)): no overflow.
Array eval_softplus(const Node& node, std::span<const Array* const> inputs) {
  return eval_float_map(node, *inputs[0], [](auto v) {
    using C = decltype(v);
    return (v > C(0) ? v : C(0)) + std::log1p(std::exp(-std::fabs(v)));
  });
}

/** The fused backward op `<name>_grad(x, g)` with the forward's attrs. */
std::vector<NodePtr> vjp_fused(const Node& node, const NodePtr& g,
                               const char* grad_op) {
  return {call_op(grad_op, {node.inputs[0], g}, node.attrs)};
}

std::vector<NodePtr> vjp_relu(const Node& node, const NodePtr& g) {
  return vjp_fused(node, g, "relu_grad");
}
std::vector<NodePtr> vjp_elu(const Node& node, const NodePtr& g) {
  return vjp_fused(node, g, "elu_grad");
}

// The fused backward ops are linear in g (their factor does not depend on g):
// their own gradient w.r.t. g is the same op; w.r.t. x it is not provided
// (piecewise constant for relu; second derivatives of elu are not supported).
std::vector<NodePtr> vjp_relu_grad(const Node& node, const NodePtr& gg) {
  return {nullptr, call_op("relu_grad", {node.inputs[0], gg}, node.attrs)};
}
std::vector<NodePtr> vjp_elu_grad(const Node& node, const NodePtr& gg) {
  return {nullptr, call_op("elu_grad", {node.inputs[0], gg}, node.attrs)};
}

// s' = s (1 - s)
std::vector<NodePtr> vjp_sigmoid(const Node& node, const NodePtr& g) {
  NodePtr s = call_op("sigmoid", {node.inputs[0]});
  NodePtr one_minus =
      call_op("subtract", {scalar_constant(1.0, node.dtype), s});
  return {call_op("multiply", {g, call_op("multiply", {s, one_minus})})};
}

// tanh' = 1 - tanh^2
std::vector<NodePtr> vjp_tanh(const Node& node, const NodePtr& g) {
  NodePtr t2 = call_op("square", {call_op("tanh", {node.inputs[0]})});
  NodePtr d = call_op("subtract", {scalar_constant(1.0, node.dtype), t2});
  return {call_op("multiply", {g, d})};
}

// softplus' = sigmoid
std::vector<NodePtr> vjp_softplus(const Node& node, const NodePtr& g) {
  return {call_op("multiply", {g, call_op("sigmoid", {node.inputs[0]})})};
}

}  // namespace

const OpDef kRelu{"relu",     1,        1, kReluAttrs, &infer_unary<kFloat>,
                  &eval_relu, &vjp_relu};
const OpDef kReluGrad{
    "relu_grad",   2, 2, kReluAttrs, &infer_unary_grad, &eval_relu_grad,
    &vjp_relu_grad};
const OpDef kElu{"elu",     1,       1, kEluAttrs, &infer_unary<kFloat>,
                 &eval_elu, &vjp_elu};
const OpDef kEluGrad{
    "elu_grad",   2, 2, kEluAttrs, &infer_unary_grad, &eval_elu_grad,
    &vjp_elu_grad};
const OpDef kSigmoid{"sigmoid",     1,           1, {}, &infer_unary<kFloat>,
                     &eval_sigmoid, &vjp_sigmoid};
const OpDef kTanh{"tanh",     1,        1, {}, &infer_unary<kFloat>,
                  &eval_tanh, &vjp_tanh};
const OpDef kSoftplus{
    "softplus", 1, 1, {}, &infer_unary<kFloat>, &eval_softplus, &vjp_softplus};

}  // namespace tptk

TPTK_EXPORT_OP(relu, tptk::kRelu)
TPTK_EXPORT_OP(elu, tptk::kElu)
TPTK_EXPORT_OP(sigmoid, tptk::kSigmoid)
TPTK_EXPORT_OP(tanh, tptk::kTanh)
TPTK_EXPORT_OP(softplus, tptk::kSoftplus)
TPTK_INTERNAL_OP(relu_grad, tptk::kReluGrad)
TPTK_INTERNAL_OP(elu_grad, tptk::kEluGrad)
