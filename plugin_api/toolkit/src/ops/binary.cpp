// Elementwise arithmetic with NumPy broadcasting: add, subtract, multiply,
// divide. Operands must have the same dtype (float16/32/64, int32, int64).
// Integers wrap on overflow; integer divide is floor division (Python `//`)
// and a division by zero is an error at call time.
#include <type_traits>

#include "ops/binary.hpp"
#include "ops/vjp_util.hpp"

namespace tptk {

void broadcast_error(const OpDef& op, const Shape& a, const Shape& b) {
  fail(TP_ERROR_SHAPE, op.name, ": cannot broadcast shapes ", format_shape(a),
       " and ", format_shape(b));
}

Shape check_binary(const OpDef& op, const Node& a, const Node& b,
                   DtypeClass c) {
  if (!tp::dtype_equal(a.dtype, b.dtype)) {
    fail(TP_ERROR_DTYPE, op.name,
         ": operand dtypes differ: ", dtype_label(a.dtype), " (shape ",
         format_shape(a.shape), ") and ", dtype_label(b.dtype), " (shape ",
         format_shape(b.shape), ")");
  }
  require_dtype_class(op, a, c);
  auto shape = broadcast_shapes(a.shape, b.shape);
  if (!shape) broadcast_error(op, a.shape, b.shape);
  return std::move(*shape);
}

namespace {

template <class T>
compute_t<T> up(T v) {
  return static_cast<compute_t<T>>(v);
}

struct AddK {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      return wrap_add(a, b);
    } else {
      return static_cast<T>(up(a) + up(b));
    }
  }
};

struct SubtractK {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      return wrap_sub(a, b);
    } else {
      return static_cast<T>(up(a) - up(b));
    }
  }
};

struct MultiplyK {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      return wrap_mul(a, b);
    } else {
      return static_cast<T>(up(a) * up(b));
    }
  }
};

struct DivideK {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      if (b == 0) {
        fail(TP_ERROR_INVALID_ARGUMENT, "divide: integer division by zero");
      }
      if (b == -1) return wrap_neg(a);  // min / -1 wraps to min
      T q = static_cast<T>(a / b);
      if (a % b != 0 && ((a < 0) != (b < 0))) --q;  // floor, like Python
      return q;
    } else {
      return static_cast<T>(up(a) / up(b));
    }
  }
};

/** No gradient through integer results. */
bool differentiable(const Node& node) { return is_float(node.dtype); }

std::vector<NodePtr> vjp_add(const Node& node, const NodePtr& g) {
  if (!differentiable(node)) return {nullptr, nullptr};
  return {sum_to(g, node.inputs[0]), sum_to(g, node.inputs[1])};
}

std::vector<NodePtr> vjp_subtract(const Node& node, const NodePtr& g) {
  if (!differentiable(node)) return {nullptr, nullptr};
  return {sum_to(g, node.inputs[0]),
          sum_to(call_op("negative", {g}), node.inputs[1])};
}

std::vector<NodePtr> vjp_multiply(const Node& node, const NodePtr& g) {
  if (!differentiable(node)) return {nullptr, nullptr};
  const NodePtr& a = node.inputs[0];
  const NodePtr& b = node.inputs[1];
  return {sum_to(call_op("multiply", {g, b}), a),
          sum_to(call_op("multiply", {g, a}), b)};
}

// d(a/b)/da = 1/b, d(a/b)/db = -a/b^2.
std::vector<NodePtr> vjp_divide(const Node& node, const NodePtr& g) {
  if (!differentiable(node)) return {nullptr, nullptr};
  const NodePtr& a = node.inputs[0];
  const NodePtr& b = node.inputs[1];
  NodePtr ga = call_op("divide", {g, b});
  NodePtr gb =
      call_op("negative", {call_op("divide", {call_op("multiply", {g, a}),
                                              call_op("square", {b})})});
  return {sum_to(ga, a), sum_to(gb, b)};
}

constexpr auto kNum = DtypeClass::numeric;

}  // namespace

const OpDef kAdd{
    "add", 2, 2, {}, &infer_binary<kNum>, &eval_binary<AddK, kNum>, &vjp_add};
const OpDef kSubtract{
    "subtract",   2, 2, {}, &infer_binary<kNum>, &eval_binary<SubtractK, kNum>,
    &vjp_subtract};
const OpDef kMultiply{
    "multiply",   2, 2, {}, &infer_binary<kNum>, &eval_binary<MultiplyK, kNum>,
    &vjp_multiply};
const OpDef kDivide{
    "divide",   2, 2, {}, &infer_binary<kNum>, &eval_binary<DivideK, kNum>,
    &vjp_divide};

}  // namespace tptk

TPTK_EXPORT_OP(add, tptk::kAdd)
TPTK_EXPORT_OP(subtract, tptk::kSubtract)
TPTK_EXPORT_OP(multiply, tptk::kMultiply)
TPTK_EXPORT_OP(divide, tptk::kDivide)
