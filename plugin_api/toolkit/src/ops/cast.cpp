// cast(x, dtype): Keras `cast`. Any supported dtype to any supported dtype;
// see ops/cast.hpp for the conversion rules. The gradient flows back (cast
// to the operand's dtype) between float dtypes only.
#include "ops/cast.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "dtype.hpp"
#include "ops/elementwise.hpp"
#include "ops/vjp_util.hpp"

namespace tptk {

namespace {

template <class F, class I>
I float_to_int(F v) {
  const double d = static_cast<double>(v);
  if (std::isnan(d)) return 0;
  constexpr double lo = static_cast<double>(std::numeric_limits<I>::min());
  constexpr double hi_excl = -lo;  // 2^31 or 2^63, exact
  if (d >= hi_excl) return std::numeric_limits<I>::max();
  if (d < lo) return std::numeric_limits<I>::min();  // trunc fits otherwise
  return static_cast<I>(d);
}

}  // namespace

Array cast_array(const Array& x, DLDataType to, std::string_view entry) {
  Array out(x.shape(), to);
  if (tp::dtype_equal(x.dtype(), to)) {
    if (x.nbytes() > 0) std::memcpy(out.bytes(), x.bytes(), x.nbytes());
    return out;
  }
  if (is_float(x.dtype()) && is_integer(to)) {
    dispatch_float(x.dtype(), entry, [&]<class F>() {
      dispatch_numeric(to, entry, [&]<class I>() {
        if constexpr (std::is_integral_v<I>) {
          const F* px = x.data<F>();
          I* po = out.data<I>();
          for (std::size_t i = 0; i < x.size(); ++i) {
            po[i] = float_to_int<F, I>(px[i]);
          }
        }
      });
    });
    return out;
  }
  convert(x.bytes(), x.dtype(), out.bytes(), to, x.size(), entry);
  return out;
}

namespace {

constexpr AttrSpec kCastAttrs[] = {{"dtype", kAttrDtype}};

DLDataType target_dtype(const OpDef& op, const Attrs& attrs) {
  auto dt = attrs.get_dtype("dtype");
  if (!dt)
    fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": attribute 'dtype' is required");
  if (TP_DTYPE_IS_DEFAULT(*dt))
    dt = attrs.get_dtype("floatx").value_or(kFloat32);
  return *dt;
}

Signature infer_cast(const OpDef& op, std::span<const NodePtr> inputs,
                     const Attrs& attrs) {
  require_dtype_class(op, *inputs[0], DtypeClass::any);
  const DLDataType to = target_dtype(op, attrs);
  if (!is_supported(to)) {
    unsupported_dtype(to, op.name,
                      "float16, float32, float64, int32, int64, bool");
  }
  return {to, inputs[0]->shape};
}

Array eval_cast(const Node& node, std::span<const Array* const> inputs) {
  return cast_array(*inputs[0], node.dtype, node.op->name);
}

std::vector<NodePtr> vjp_cast(const Node& node, const NodePtr& g) {
  const NodePtr& x = node.inputs[0];
  if (!is_float(node.dtype) || !is_float(x->dtype)) return {nullptr};
  if (tp::dtype_equal(node.dtype, x->dtype)) return {g};
  Attrs attrs;
  attrs.set("dtype", x->dtype);
  return {call_op("cast", {g}, std::move(attrs))};
}

}  // namespace

const OpDef kCast{"cast", 1, 1, kCastAttrs, &infer_cast, &eval_cast, &vjp_cast};

}  // namespace tptk

TPTK_EXPORT_OP(cast, tptk::kCast)
