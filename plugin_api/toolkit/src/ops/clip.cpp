// clip(x, min_value, max_value): Keras 2 semantics: None bounds are -inf /
// +inf, and max_value < min_value means max_value = min_value. Floats and
// integers (integer bounds are ceil(min) / floor(max), saturated to the
// type's range). NaN stays NaN. The gradient passes where
// min_value <= x <= max_value (inclusive, like TensorFlow's clip_by_value),
// through the fused internal op `clip_grad(x, g)`.
#include <cmath>
#include <limits>
#include <type_traits>

#include "ops/binary.hpp"
#include "ops/elementwise.hpp"
#include "ops/vjp_util.hpp"

namespace tptk {

namespace {

constexpr AttrSpec kClipAttrs[] = {{"min_value", kAttrFloat | kAttrNone},
                                   {"max_value", kAttrFloat | kAttrNone}};

struct Bounds {
  double lo;
  double hi;
};

Bounds bounds_of(const Attrs& a) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  Bounds b{a.get_optional_float("min_value").value_or(-inf),
           a.get_optional_float("max_value").value_or(inf)};
  if (b.hi < b.lo) b.hi = b.lo;
  return b;
}

Signature infer_clip(const OpDef& op, std::span<const NodePtr> inputs,
                     const Attrs& attrs) {
  require_dtype_class(op, *inputs[0], DtypeClass::numeric);
  for (const char* name : {"min_value", "max_value"}) {
    if (std::isnan(attrs.get_float(name, 0.0))) {
      fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": ", name, " is NaN");
    }
  }
  return {inputs[0]->dtype, inputs[0]->shape};
}

/** A double bound as T: integers round inward and saturate. */
template <class T>
T bound_as(double v, bool lower) {
  if constexpr (std::is_integral_v<T>) {
    v = lower ? std::ceil(v) : std::floor(v);
    constexpr double lo = static_cast<double>(std::numeric_limits<T>::min());
    constexpr double hi_excl =
        -static_cast<double>(std::numeric_limits<T>::min());
    if (v <= lo) return std::numeric_limits<T>::min();
    if (v >= hi_excl) return std::numeric_limits<T>::max();
    return static_cast<T>(v);
  } else {
    return static_cast<T>(v);
  }
}

Array eval_clip(const Node& node, std::span<const Array* const> inputs) {
  const Bounds b = bounds_of(node.attrs);
  const Array& x = *inputs[0];
  Array out(x.shape(), x.dtype());
  dispatch_numeric(x.dtype(), node.op->name, [&]<class T>() {
    using C = compute_t<T>;
    const C lo = bound_as<C>(b.lo, true);
    const C hi = bound_as<C>(b.hi, false);
    map_unary<T>(x, out,
                 [=](C v) -> C { return v < lo ? lo : (v > hi ? hi : v); });
  });
  return out;
}

Array eval_clip_grad(const Node& node, std::span<const Array* const> inputs) {
  const Bounds b = bounds_of(node.attrs);
  const Array& x = *inputs[0];
  const Array& g = *inputs[1];
  check_unary_grad(*node.op, x, g);
  Array out(x.shape(), x.dtype());
  dispatch_float(x.dtype(), node.op->name, [&]<class T>() {
    using C = compute_t<T>;
    const C lo = static_cast<C>(b.lo);
    const C hi = static_cast<C>(b.hi);
    map_unary_grad<T>(x, g, out, [=](C v, C gv) -> C {
      return (v >= lo && v <= hi) ? gv : C(0);
    });
  });
  return out;
}

std::vector<NodePtr> vjp_clip(const Node& node, const NodePtr& g) {
  if (!is_float(node.dtype)) return {nullptr};
  return {call_op("clip_grad", {node.inputs[0], g}, node.attrs)};
}

// Linear in g: gradient w.r.t. g is the same op, none w.r.t. x.
std::vector<NodePtr> vjp_clip_grad(const Node& node, const NodePtr& gg) {
  return {nullptr, call_op("clip_grad", {node.inputs[0], gg}, node.attrs)};
}

}  // namespace

const OpDef kClip{"clip", 1, 1, kClipAttrs, &infer_clip, &eval_clip, &vjp_clip};
const OpDef kClipGrad{
    "clip_grad",   2, 2, kClipAttrs, &infer_unary_grad, &eval_clip_grad,
    &vjp_clip_grad};

}  // namespace tptk

TPTK_EXPORT_OP(clip, tptk::kClip)
TPTK_INTERNAL_OP(clip_grad, tptk::kClipGrad)
