// Elementwise maximum and minimum with NumPy broadcasting (NaN propagates,
// like NumPy). The gradient goes to the operand that wins; on a tie it goes
// to the first operand, like TensorFlow. The internal op `minmax_mask(x, y)`
// (attrs op = "maximum"|"minimum", operand = 0|1) gives the 0/1 mask of where
// that operand wins.
#include <cmath>
#include <string>

#include "ops/binary.hpp"
#include "ops/vjp_util.hpp"

namespace tptk {

namespace {

template <class T>
bool is_nan(T v) {
  if constexpr (is_float_v<T>) {
    return std::isnan(static_cast<compute_t<T>>(v));
  } else {
    return false;
  }
}

struct MaximumK {
  template <class T>
  T operator()(T a, T b) const {
    return (a > b || is_nan(a)) ? a : b;  // NaN propagates
  }
};

struct MinimumK {
  template <class T>
  T operator()(T a, T b) const {
    return (a < b || is_nan(a)) ? a : b;
  }
};

constexpr auto kAny = DtypeClass::any;
constexpr auto kFloat = DtypeClass::floating;

constexpr AttrSpec kMaskAttrs[] = {{"op", kAttrString}, {"operand", kAttrInt}};

Array eval_mask(const Node& node, std::span<const Array* const> inputs) {
  const bool maximum = node.attrs.get_string("op", "maximum") == "maximum";
  const bool first = node.attrs.get_int("operand", 0) == 0;
  const Array& a = *inputs[0];
  const Array& b = *inputs[1];
  auto shape = broadcast_shapes(a.shape(), b.shape());
  if (!shape) broadcast_error(*node.op, a.shape(), b.shape());
  Array out(std::move(*shape), a.dtype());
  dispatch_float(a.dtype(), node.op->name, [&]<class T>() {
    broadcast_binary<T>(a, b, out, [=](T x, T y) -> T {
      const bool x_wins = maximum ? x >= y : x <= y;
      return static_cast<T>(x_wins == first ? 1.0f : 0.0f);
    });
  });
  return out;
}

NodePtr mask(const Node& node, int operand) {
  Attrs attrs;
  attrs.set("op", std::string(node.op->name));
  attrs.set("operand", std::int64_t{operand});
  return call_op("minmax_mask", {node.inputs[0], node.inputs[1]},
                 std::move(attrs));
}

std::vector<NodePtr> vjp_minmax(const Node& node, const NodePtr& g) {
  if (!is_float(node.dtype)) return {nullptr, nullptr};
  return {sum_to(call_op("multiply", {g, mask(node, 0)}), node.inputs[0]),
          sum_to(call_op("multiply", {g, mask(node, 1)}), node.inputs[1])};
}

}  // namespace

const OpDef kMaximum{
    "maximum",  2, 2, {}, &infer_binary<kAny>, &eval_binary<MaximumK, kAny>,
    &vjp_minmax};
const OpDef kMinimum{
    "minimum",  2, 2, {}, &infer_binary<kAny>, &eval_binary<MinimumK, kAny>,
    &vjp_minmax};
const OpDef kMinmaxMask{"minmax_mask",         2,          2,      kMaskAttrs,
                        &infer_binary<kFloat>, &eval_mask, nullptr};

}  // namespace tptk

TPTK_EXPORT_OP(maximum, tptk::kMaximum)
TPTK_EXPORT_OP(minimum, tptk::kMinimum)
TPTK_INTERNAL_OP(minmax_mask, tptk::kMinmaxMask)
