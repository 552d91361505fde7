// Elementwise unary math: negative, abs, square, sign (float16/32/64, int32,
// int64; integers wrap on overflow, e.g. abs(INT_MIN) == INT_MIN like NumPy)
// and sqrt, exp, log (floats only). float16 is computed in float.
#include <cmath>
#include <type_traits>

#include "ops/binary.hpp"
#include "ops/elementwise.hpp"
#include "ops/vjp_util.hpp"

namespace tptk {

namespace {

struct NegativeK {
  template <class T>
  T operator()(T v) const {
    if constexpr (std::is_integral_v<T>) {
      return wrap_neg(v);
    } else {
      return -v;
    }
  }
};

struct AbsK {
  template <class T>
  T operator()(T v) const {
    if constexpr (std::is_integral_v<T>) {
      return v < 0 ? wrap_neg(v) : v;
    } else {
      return std::fabs(v);
    }
  }
};

struct SquareK {
  template <class T>
  T operator()(T v) const {
    if constexpr (std::is_integral_v<T>) {
      return wrap_mul(v, v);
    } else {
      return v * v;
    }
  }
};

struct SignK {
  template <class T>
  T operator()(T v) const {
    if constexpr (std::is_integral_v<T>) {
      return static_cast<T>((v > 0) - (v < 0));
    } else {
      if (std::isnan(v)) return v;
      return static_cast<T>((v > 0) - (v < 0));
    }
  }
};

struct SqrtK {
  template <class T>
  T operator()(T v) const {
    return std::sqrt(v);
  }
};

struct ExpK {
  template <class T>
  T operator()(T v) const {
    return std::exp(v);
  }
};

struct LogK {
  template <class T>
  T operator()(T v) const {
    return std::log(v);
  }
};

/** Unary eval: K is called on compute_t<T> values. */
template <class K, DtypeClass C>
Array eval_unary(const Node& node, std::span<const Array* const> inputs) {
  const Array& x = *inputs[0];
  Array out(x.shape(), x.dtype());
  dispatch_class<C>(x.dtype(), node.op->name, [&]<class T>() {
    map_unary<T>(x, out,
                 [](compute_t<T> v) { return K{}.template operator()<>(v); });
  });
  return out;
}

bool differentiable(const Node& node) { return is_float(node.dtype); }

NodePtr scalar_like(double v, const Node& node) {
  return scalar_constant(v, node.dtype);
}

std::vector<NodePtr> vjp_negative(const Node& node, const NodePtr& g) {
  if (!differentiable(node)) return {nullptr};
  return {call_op("negative", {g})};
}

std::vector<NodePtr> vjp_abs(const Node& node, const NodePtr& g) {
  if (!differentiable(node)) return {nullptr};
  return {call_op("multiply", {g, call_op("sign", {node.inputs[0]})})};
}

std::vector<NodePtr> vjp_square(const Node& node, const NodePtr& g) {
  if (!differentiable(node)) return {nullptr};
  NodePtr two_x = call_op("multiply", {node.inputs[0], scalar_like(2.0, node)});
  return {call_op("multiply", {g, two_x})};
}

std::vector<NodePtr> vjp_sqrt(const Node& node, const NodePtr& g) {
  NodePtr two_sqrt = call_op(
      "multiply", {call_op("sqrt", {node.inputs[0]}), scalar_like(2.0, node)});
  return {call_op("divide", {g, two_sqrt})};
}

std::vector<NodePtr> vjp_exp(const Node& node, const NodePtr& g) {
  return {call_op("multiply", {g, call_op("exp", {node.inputs[0]})})};
}

std::vector<NodePtr> vjp_log(const Node& node, const NodePtr& g) {
  return {call_op("divide", {g, node.inputs[0]})};
}

constexpr auto kNum = DtypeClass::numeric;
constexpr auto kFloat = DtypeClass::floating;

}  // namespace

const OpDef kNegative{
    "negative",   1, 1, {}, &infer_unary<kNum>, &eval_unary<NegativeK, kNum>,
    &vjp_negative};
const OpDef kAbs{"abs",   1, 1, {}, &infer_unary<kNum>, &eval_unary<AbsK, kNum>,
                 &vjp_abs};
const OpDef kSquare{
    "square",   1, 1, {}, &infer_unary<kNum>, &eval_unary<SquareK, kNum>,
    &vjp_square};
// sign is piecewise constant: no gradient (its operand gets none through it).
const OpDef kSign{
    "sign", 1, 1, {}, &infer_unary<kNum>, &eval_unary<SignK, kNum>, nullptr};
const OpDef kSqrt{
    "sqrt",   1, 1, {}, &infer_unary<kFloat>, &eval_unary<SqrtK, kFloat>,
    &vjp_sqrt};
const OpDef kExp{
    "exp", 1, 1, {}, &infer_unary<kFloat>, &eval_unary<ExpK, kFloat>, &vjp_exp};
const OpDef kLog{
    "log", 1, 1, {}, &infer_unary<kFloat>, &eval_unary<LogK, kFloat>, &vjp_log};

}  // namespace tptk

TPTK_EXPORT_OP(negative, tptk::kNegative)
TPTK_EXPORT_OP(abs, tptk::kAbs)
TPTK_EXPORT_OP(square, tptk::kSquare)
TPTK_EXPORT_OP(sign, tptk::kSign)
TPTK_EXPORT_OP(sqrt, tptk::kSqrt)
TPTK_EXPORT_OP(exp, tptk::kExp)
TPTK_EXPORT_OP(log, tptk::kLog)
