// Translations of the reductions: sum, mean, max, min (Sum / Mean / Max /
// Min), their fused backward op reduce_grad, and argmax / argmin (ArgMax /
// ArgMin). The axes are read with the toolkit's reduced_axes, as `eval` reads
// them (None = all, negative axes, repeats rejected).
//
// Where TensorFlow and the reference kernel differ:
//  - mean, max and min of zero elements are errors in the reference; TF
//    gives NaN / -inf. When the reduced count is unknown statically, an
//    Assert (count > 0) guards the operand at run time.
//  - mean of an integer tensor is the int64 (wrapping) sum divided with
//    truncation toward zero: Sum in int64, then TruncateDiv.
//  - float16 sums and means accumulate in float32 (the reference uses
//    double), rounded to float16 once.
//  - TF's Max / Min propagate NaN, as the reference does; TF's ArgMax / ArgMin
//    give the first position on ties but ignore NaN, where the reference
//    picks the first NaN: float operands select ArgMax(IsNan(x)) wherever
//    the reduced slice holds a NaN.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/ops/reduce.hpp>
#include <tensorplug/toolkit/text.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "translate.hpp"

namespace tftf {
namespace {

using tptk::AxisMask;
using tptk::kFloat16;
using tptk::kFloat32;
using tptk::kFloat64;
using tptk::kInt64;

std::vector<std::int64_t> axes_of(const AxisMask& mask) {
  std::vector<std::int64_t> axes;
  for (std::size_t d = 0; d < mask.size(); ++d) {
    if (mask[d]) axes.push_back(static_cast<std::int64_t>(d));
  }
  return axes;
}

TF_Output reduce(Builder& b, const char* type, TF_Output x,
                 const std::vector<std::int64_t>& axes, bool keepdims) {
  return b.op(type).in(x).in(b.int32s(axes)).attr("keep_dims", keepdims).out();
}

/** The elements reduced into each result element, as an int64 scalar. */
TF_Output reduced_count(Builder& b, const tptk::Node& x, TF_Output xv,
                        const AxisMask& mask) {
  const std::int64_t count = tptk::reduced_count(x.shape, mask);
  if (count != tptk::kUnknownDim) return b.scalar(double(count), kInt64);
  const TF_Output shape =
      b.op("Shape").in(xv).attr_type("out_type", TF_INT64).out();
  const TF_Output dims = b.op("GatherV2")
                             .in(shape)
                             .in(b.int32s(axes_of(mask)))
                             .in(b.int32_scalar(0))
                             .out();
  return reduce(b, "Prod", dims, {0}, false);
}

/**
 * `value`, available only once Assert(ok, [data]) has passed: an Identity
 * with the Assert as control input. The Assert is named `what` so that TF's
 * message says what failed.
 */
TF_Output guarded(Builder& b, TF_Output value, TF_Output ok, TF_Output data,
                  const std::string& what) {
  const TF_Output items[] = {data};
  TF_Operation* check =
      b.op_named("Assert", what).in(ok).in_list(items).finish();
  return b.op("Identity").in(value).control(check).out();
}

/** x with a run-time check that each result reduces at least one element
 * (only when that is not known statically: infer checked it then). */
TF_Output check_not_empty(Builder& b, const tptk::Node& n, const tptk::Node& x,
                          TF_Output xv, const AxisMask& mask) {
  if (tptk::reduced_count(x.shape, mask) != tptk::kUnknownDim) return xv;
  const TF_Output count = reduced_count(b, x, xv, mask);
  const TF_Output ok = b.op("Greater").in(count).in(b.scalar(0, kInt64)).out();
  return guarded(b, xv, ok, count,
                 tptk::cat(n.op->name, "_cannot_reduce_zero_elements"));
}

/** The result shape with keepdims (reduced axes as 1), as int32. */
TF_Output kept_shape(Builder& b, const tptk::Node& x, TF_Output xv,
                     const AxisMask& mask) {
  const tptk::Shape kept = tptk::reduced_shape(x.shape, mask, true);
  if (tptk::is_fully_known(kept)) return b.shape_tensor(kept, xv);
  // Shape(x) * !mask + mask.
  std::vector<std::int64_t> keep(mask.size()), ones(mask.size());
  for (std::size_t d = 0; d < mask.size(); ++d) {
    keep[d] = mask[d] ? 0 : 1;
    ones[d] = mask[d] ? 1 : 0;
  }
  const TF_Output kept_dims =
      b.op("Mul").in(b.shape_of(xv)).in(b.int32s(keep)).out();
  return b.op("AddV2").in(kept_dims).in(b.int32s(ones)).out();
}

TF_Output tr_reduce(Builder& b, const tptk::Node& n,
                    std::span<const TF_Output> in) {
  const std::string_view op = n.op->name;
  const tptk::Node& x = *n.inputs[0];
  const AxisMask mask = tptk::reduced_axes(op, n.attrs, x.shape);
  const bool keepdims = n.attrs.get_bool("keepdims", false);
  const std::vector<std::int64_t> axes = axes_of(mask);
  const DLDataType dt = x.dtype;
  TF_Output xv = in[0];
  if (op == "max" || op == "min") {
    xv = check_not_empty(b, n, x, xv, mask);
    return reduce(b, op == "max" ? "Max" : "Min", xv, axes, keepdims);
  }
  if (op == "mean") xv = check_not_empty(b, n, x, xv, mask);
  if (tptk::is_float(dt)) {
    const DLDataType work = tp::dtype_equal(dt, kFloat16) ? kFloat32 : dt;
    const TF_Output r = reduce(b, op == "mean" ? "Mean" : "Sum",
                               b.cast(xv, dt, work), axes, keepdims);
    return b.cast(r, work, dt);
  }
  if (op == "sum") return reduce(b, "Sum", xv, axes, keepdims);  // wraps
  // Integer mean: the int64 sum, truncated toward zero by the count.
  const TF_Output sum =
      reduce(b, "Sum", b.cast(xv, dt, kInt64), axes, keepdims);
  const TF_Output q =
      b.op("TruncateDiv").in(sum).in(reduced_count(b, x, xv, mask)).out();
  return b.cast(q, kInt64, dt);
}

// reduce_grad(g, x): attrs axis, keepdims, mode. g (the result's gradient,
// kept dims or not) is reshaped to the kept shape and broadcast to x; mean
// scales by 1/count in float64 as the reference does; max/min route g to
// the first extreme of each reduced slice only (a NaN counts as the
// extreme): the smallest flat index where x equals the slice's Max / Min.
TF_Output tr_reduce_grad(Builder& b, const tptk::Node& n,
                         std::span<const TF_Output> in) {
  const tptk::Node& x = *n.inputs[1];
  const TF_Output xv = in[1];
  const std::string mode = n.attrs.get_string("mode", "sum");
  const AxisMask mask = tptk::reduced_axes(mode, n.attrs, x.shape);
  const std::vector<std::int64_t> axes = axes_of(mask);
  const DLDataType dt = x.dtype;
  TF_Output g = b.op("Reshape").in(in[0]).in(kept_shape(b, x, xv, mask)).out();
  if (mode == "max" || mode == "min") {
    const TF_Output m =
        reduce(b, mode == "max" ? "Max" : "Min", xv, axes, true);
    const TF_Output hit = b.op("LogicalOr")
                              .in(b.op("Equal").in(xv).in(m).out())
                              .in(b.op("IsNan").in(xv).out())
                              .out();
    const TF_Output size =
        b.op("Size").in(xv).attr_type("out_type", TF_INT64).out();
    const TF_Output range = b.op("Range")
                                .in(b.scalar(0, kInt64))
                                .in(size)
                                .in(b.scalar(1, kInt64))
                                .out();
    const TF_Output index =
        b.op("Reshape").in(range).in(b.shape_tensor(x.shape, xv)).out();
    const TF_Output candidate =
        b.op("SelectV2").in(hit).in(index).in(size).out();
    const TF_Output first = reduce(b, "Min", candidate, axes, true);
    const TF_Output chosen = b.op("Equal").in(index).in(first).out();
    return b.op("SelectV2").in(chosen).in(g).in(b.scalar(0, dt)).out();
  }
  if (mode == "mean") {
    const std::int64_t count = tptk::reduced_count(x.shape, mask);
    TF_Output scale;
    if (count != tptk::kUnknownDim) {
      scale = b.scalar(count > 0 ? 1.0 / double(count) : 1.0, kFloat64);
    } else {
      // A run-time count of 0 means x is empty: dx is empty whatever scale.
      const TF_Output c =
          b.cast(reduced_count(b, x, xv, mask), kInt64, kFloat64);
      scale = b.op("RealDiv").in(b.scalar(1.0, kFloat64)).in(c).out();
    }
    g = b.cast(b.op("Mul").in(b.cast(g, dt, kFloat64)).in(scale).out(),
               kFloat64, dt);
  }
  return b.op("BroadcastTo").in(g).in(b.shape_tensor(x.shape, xv)).out();
}

// argmax / argmin along one axis -> int64; an empty axis is TF's own error.
TF_Output tr_arg(Builder& b, const tptk::Node& n,
                 std::span<const TF_Output> in) {
  const tptk::Node& x = *n.inputs[0];
  const auto rank = static_cast<std::int64_t>(x.shape.size());
  if (rank == 0) {
    tptk::fail(TP_ERROR_SHAPE, n.op->name,
               ": operand must have rank >= 1, got ()");
  }
  const auto axis = static_cast<std::int64_t>(tptk::normalize_axis(
      n.op->name, n.attrs.get_int("axis", -1), rank, x.shape));
  const bool is_max = std::string_view(n.op->name) == "argmax";
  TF_Output r = b.op(is_max ? "ArgMax" : "ArgMin")
                    .in(in[0])
                    .in(b.int32_scalar(axis))
                    .attr_type("output_type", TF_INT64)
                    .out();
  if (!tptk::is_float(x.dtype)) return r;
  const TF_Output nan = b.op("IsNan").in(in[0]).out();
  const TF_Output any_nan = reduce(b, "Any", nan, {axis}, false);
  const TF_Output first_nan = b.op("ArgMax")
                                  .in(nan)
                                  .in(b.int32_scalar(axis))
                                  .attr_type("output_type", TF_INT64)
                                  .out();
  return b.op("SelectV2").in(any_nan).in(first_nan).in(r).out();
}

}  // namespace

TFTF_TRANSLATE(sum, tr_reduce)
TFTF_TRANSLATE(mean, tr_reduce)
TFTF_TRANSLATE(max, tr_reduce)
TFTF_TRANSLATE(min, tr_reduce)
TFTF_TRANSLATE(reduce_grad, tr_reduce_grad)
TFTF_TRANSLATE(argmax, tr_arg)
TFTF_TRANSLATE(argmin, tr_arg)

}  // namespace tftf
