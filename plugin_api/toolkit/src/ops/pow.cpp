// pow(x, a): x ** a elementwise with NumPy broadcasting (Keras passes a
// scalar exponent; the host sends it as a constant operand). Floats use
// std::pow; integers use exact repeated squaring (wrapping on overflow) and
// refuse negative exponents at call time. The internal op `log_positive(x)`
// (log x where x > 0, else 0) serves the gradient w.r.t. the exponent, like
// TensorFlow's.
#include <cmath>
#include <type_traits>

#include "ops/binary.hpp"
#include "ops/vjp_util.hpp"

namespace tptk {

namespace {

struct PowK {
  template <class T>
  T operator()(T x, T a) const {
    if constexpr (std::is_integral_v<T>) {
      if (a < 0) {
        fail(TP_ERROR_INVALID_ARGUMENT, "pow: integer ", x,
             " to a negative integer power ", a, " is not allowed");
      }
      T result = 1;
      T base = x;
      for (T e = a; e > 0; e >>= 1) {
        if (e & 1) result = wrap_mul(result, base);
        base = wrap_mul(base, base);
      }
      return result;
    } else {
      using C = compute_t<T>;
      return static_cast<T>(std::pow(static_cast<C>(x), static_cast<C>(a)));
    }
  }
};

// d(x^a)/dx = a x^(a-1); d(x^a)/da = x^a log x (0 where x <= 0).
std::vector<NodePtr> vjp_pow(const Node& node, const NodePtr& g) {
  if (!is_float(node.dtype)) return {nullptr, nullptr};
  const NodePtr& x = node.inputs[0];
  const NodePtr& a = node.inputs[1];
  NodePtr one = scalar_constant(1.0, node.dtype);
  NodePtr dx = call_op("multiply",
                       {a, call_op("pow", {x, call_op("subtract", {a, one})})});
  NodePtr da = call_op("multiply",
                       {call_op("pow", {x, a}), call_op("log_positive", {x})});
  return {sum_to(call_op("multiply", {g, dx}), x),
          sum_to(call_op("multiply", {g, da}), a)};
}

Array eval_log_positive(const Node& node,
                        std::span<const Array* const> inputs) {
  const Array& x = *inputs[0];
  Array out(x.shape(), x.dtype());
  dispatch_float(x.dtype(), node.op->name, [&]<class T>() {
    map_unary<T>(x, out,
                 [](auto v) { return v > 0 ? std::log(v) : decltype(v)(0); });
  });
  return out;
}

constexpr auto kNum = DtypeClass::numeric;

}  // namespace

const OpDef kPow{
    "pow", 2, 2, {}, &infer_binary<kNum>, &eval_binary<PowK, kNum>, &vjp_pow};
const OpDef kLogPositive{
    "log_positive",     1,      1, {}, &infer_unary<DtypeClass::floating>,
    &eval_log_positive, nullptr};

}  // namespace tptk

TPTK_EXPORT_OP(pow, tptk::kPow)
TPTK_INTERNAL_OP(log_positive, tptk::kLogPositive)
