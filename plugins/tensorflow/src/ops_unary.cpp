// Translations of the elementwise unary ops: negative, abs, square, sign,
// sqrt, exp, log, the internal log_positive (pow's exponent gradient), cast,
// and clip with its internal gradient clip_grad.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/shape.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "translate.hpp"

namespace tftf {
namespace {

using tptk::kBool;
using tptk::kFloat16;
using tptk::kFloat32;
using tptk::kFloat64;
using tptk::kInt32;
using tptk::kInt64;

bool same(DLDataType a, DLDataType b) { return tp::dtype_equal(a, b); }

/** A scalar Const of C++ element type T holding exactly `v`. */
template <class T>
TF_Output typed_scalar(Builder& b, T v) {
  tptk::Array a(tptk::Shape{}, tptk::dtype_of<T>());
  *a.data<T>() = v;
  return b.constant(a);
}

TF_Output select(Builder& b, TF_Output cond, TF_Output x, TF_Output y) {
  return b.op("SelectV2").in(cond).in(x).in(y).out();
}

TF_Output binary(Builder& b, const char* type, TF_Output x, TF_Output y) {
  return b.op(type).in(x).in(y).out();
}

// negative/abs/square of integers wrap like eval: Neg(MIN) == MIN,
// Abs(MIN) == MIN, Square overflows modulo 2^bits. Floats: Neg flips the
// sign bit (negative(+0) == -0), Abs clears it (abs(-0) == +0).
TF_Output tr_negative(Builder& b, const tptk::Node&,
                      std::span<const TF_Output> in) {
  return b.op("Neg").in(in[0]).out();
}

TF_Output tr_abs(Builder& b, const tptk::Node&, std::span<const TF_Output> in) {
  return b.op("Abs").in(in[0]).out();
}

TF_Output tr_square(Builder& b, const tptk::Node&,
                    std::span<const TF_Output> in) {
  return b.op("Square").in(in[0]).out();
}

// TF's Sign gives -1/0/1 with sign(-0) == +0 and NaN staying NaN, as eval's
// (v > 0) - (v < 0).
TF_Output tr_sign(Builder& b, const tptk::Node&,
                  std::span<const TF_Output> in) {
  return b.op("Sign").in(in[0]).out();
}

TF_Output tr_sqrt(Builder& b, const tptk::Node&,
                  std::span<const TF_Output> in) {
  return b.op("Sqrt").in(in[0]).out();
}

TF_Output tr_exp(Builder& b, const tptk::Node&, std::span<const TF_Output> in) {
  return b.op("Exp").in(in[0]).out();
}

TF_Output tr_log(Builder& b, const tptk::Node&, std::span<const TF_Output> in) {
  return b.op("Log").in(in[0]).out();
}

// log(x) where x > 0, else 0 (NaN included: NaN > 0 is false). The Log of
// the discarded elements (NaN, -inf) is computed but never selected.
TF_Output tr_log_positive(Builder& b, const tptk::Node& n,
                          std::span<const TF_Output> in) {
  TF_Output zero = b.scalar(0.0, n.dtype);
  TF_Output positive = binary(b, "Greater", in[0], zero);
  return select(b, positive, b.op("Log").in(in[0]).out(), zero);
}

// ---- cast ---------------------------------------------------------------

// Float to integer as eval: truncation toward zero, NaN -> 0, values at or
// beyond the type's range saturate to MIN/MAX. TF's Cast is a plain
// static_cast there (x86 gives MIN for NaN and out-of-range values), so
// only in-range values reach it; the others are selected afterwards.
TF_Output float_to_int(Builder& b, TF_Output x, DLDataType from,
                       DLDataType to) {
  if (same(from, kFloat16)) {  // exact in float; its range fits int32
    x = b.cast(x, kFloat16, kFloat32);
    from = kFloat32;
  }
  const bool wide = same(to, kInt64);
  const double lim = wide ? 0x1p63 : 0x1p31;  // exact in float and double
  TF_Output lo = b.scalar(-lim, from);
  TF_Output hi = b.scalar(lim, from);
  TF_Output above = binary(b, "GreaterEqual", x, hi);
  TF_Output below = binary(b, "Less", x, lo);
  TF_Output in_range = binary(b, "LogicalAnd", binary(b, "GreaterEqual", x, lo),
                              binary(b, "Less", x, hi));
  TF_Output safe = select(b, in_range, x, b.scalar(0.0, from));
  TF_Output y = b.cast(safe, from, to);
  TF_Output max =
      wide ? typed_scalar(b, std::numeric_limits<std::int64_t>::max())
           : typed_scalar(b, std::numeric_limits<std::int32_t>::max());
  TF_Output min =
      wide ? typed_scalar(b, std::numeric_limits<std::int64_t>::min())
           : typed_scalar(b, std::numeric_limits<std::int32_t>::min());
  y = select(b, above, max, y);
  return select(b, below, min, y);
}

// float64 to float16 rounded once, to nearest even, as eval's _Float16
// conversion. TF's Cast goes through float (Eigen's half(double)), which
// rounds twice. Rounding to float with round-to-odd first makes the
// second rounding exact (float keeps 13 more significand bits than half):
// when the float differs from the double and its last bit is even, step
// one ulp toward the double (magnitudes: the bits are sign-magnitude).
TF_Output double_to_half(Builder& b, TF_Output d) {
  TF_Output f = b.cast(d, kFloat64, kFloat32);
  TF_Output back = b.cast(f, kFloat32, kFloat64);
  TF_Output mag_d = b.op("Abs").in(d).out();
  TF_Output mag_f = b.op("Abs").in(back).out();
  // +1 when |d| > |f|, -1 when |d| < |f|, 0 when exact or NaN.
  TF_Output up = b.cast(binary(b, "Greater", mag_d, mag_f), kBool, kInt32);
  TF_Output down = b.cast(binary(b, "Less", mag_d, mag_f), kBool, kInt32);
  TF_Output bits = b.op("Bitcast").in(f).attr_type("type", TF_INT32).out();
  TF_Output one = typed_scalar(b, std::int32_t{1});
  TF_Output even =
      binary(b, "Sub", one, binary(b, "BitwiseAnd", bits, one));  // 1 if even
  TF_Output step = binary(b, "Mul", binary(b, "Sub", up, down), even);
  TF_Output odd = b.op("Bitcast")
                      .in(binary(b, "AddV2", bits, step))
                      .attr_type("type", TF_FLOAT)
                      .out();
  return b.cast(odd, kFloat32, kFloat16);
}

// The other conversions are TF's Cast exactly: to bool is != 0 (NaN ->
// true), from bool is 0/1, int64 -> int32 wraps, integers to floats and
// between floats round to nearest even once (int64 -> float16 through
// float is exact where it matters: beyond 2^24 both give +-inf).
TF_Output tr_cast(Builder& b, const tptk::Node& n,
                  std::span<const TF_Output> in) {
  const DLDataType from = n.inputs[0]->dtype;
  const DLDataType to = n.dtype;
  // A fresh op even for the identity: TF refuses to fetch a fed Placeholder.
  if (same(from, to)) return b.op("Identity").in(in[0]).out();
  if (tptk::is_float(from) && tptk::is_integer(to)) {
    return float_to_int(b, in[0], from, to);
  }
  if (same(from, kFloat64) && same(to, kFloat16)) {
    return double_to_half(b, in[0]);
  }
  return b.cast(in[0], from, to);
}

// ---- clip ---------------------------------------------------------------

struct Bounds {
  double lo;
  double hi;
};

/** As eval: None bounds are -inf/+inf, and max < min means max = min. */
Bounds bounds_of(const tptk::Attrs& a) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  Bounds b{a.get_optional_float("min_value").value_or(-inf),
           a.get_optional_float("max_value").value_or(inf)};
  if (b.hi < b.lo) b.hi = b.lo;
  return b;
}

/** eval's integer bound: ceil (lower) / floor (upper), saturated. */
template <class T>
T int_bound(double v, bool lower) {
  v = lower ? std::ceil(v) : std::floor(v);
  constexpr double lo = static_cast<double>(std::numeric_limits<T>::min());
  constexpr double hi_excl = -lo;
  if (v <= lo) return std::numeric_limits<T>::min();
  if (v >= hi_excl) return std::numeric_limits<T>::max();
  return static_cast<T>(v);
}

/**
 * x < lo ? lo : (x > hi ? hi : x) in T (float16 computes in float, as
 * eval). Selects rather than ClipByValue/Minimum/Maximum: NaN stays NaN,
 * a signed zero x is kept as is, and integer bounds with lo > hi (clip of
 * ints to [0.5, 0.5] is [1, 0]) resolve in eval's order. A bound that can
 * never apply (-inf/+inf, or the integer type's MIN/MAX) is left out.
 */
template <class T>
TF_Output clip_in(Builder& b, TF_Output x, const Bounds& bd) {
  T lo, hi;
  bool has_lo, has_hi;
  if constexpr (std::is_integral_v<T>) {
    lo = int_bound<T>(bd.lo, true);
    hi = int_bound<T>(bd.hi, false);
    has_lo = lo != std::numeric_limits<T>::min();
    has_hi = hi != std::numeric_limits<T>::max();
  } else {
    lo = static_cast<T>(bd.lo);
    hi = static_cast<T>(bd.hi);
    has_lo = lo != -std::numeric_limits<T>::infinity();
    has_hi = hi != std::numeric_limits<T>::infinity();
  }
  TF_Output r = x;
  if (has_hi) {
    TF_Output h = typed_scalar(b, hi);
    r = select(b, binary(b, "Greater", x, h), h, r);
  }
  if (has_lo) {
    TF_Output l = typed_scalar(b, lo);
    r = select(b, binary(b, "Less", x, l), l, r);
  }
  // No bound applies: still an op of its own (TF refuses to fetch a fed
  // Placeholder).
  if (!has_lo && !has_hi) r = b.op("Identity").in(x).out();
  return r;
}

TF_Output tr_clip(Builder& b, const tptk::Node& n,
                  std::span<const TF_Output> in) {
  const Bounds bd = bounds_of(n.attrs);
  const DLDataType dt = n.dtype;
  if (same(dt, kFloat16)) {
    // eval compares in float and rounds the float bound to half.
    TF_Output r = clip_in<float>(b, b.cast(in[0], kFloat16, kFloat32), bd);
    return b.cast(r, kFloat32, kFloat16);
  }
  if (same(dt, kFloat32)) return clip_in<float>(b, in[0], bd);
  if (same(dt, kFloat64)) return clip_in<double>(b, in[0], bd);
  if (same(dt, kInt32)) return clip_in<std::int32_t>(b, in[0], bd);
  return clip_in<std::int64_t>(b, in[0], bd);
}

// clip_grad(x, g): g where lo <= x <= hi (inclusive, bounds not rounded
// inward; NaN x gets 0), else +0. float16 x is compared in float.
template <class C>
TF_Output clip_grad_mask(Builder& b, TF_Output x, const Bounds& bd) {
  TF_Output lo = typed_scalar(b, static_cast<C>(bd.lo));
  TF_Output hi = typed_scalar(b, static_cast<C>(bd.hi));
  return binary(b, "LogicalAnd", binary(b, "GreaterEqual", x, lo),
                binary(b, "LessEqual", x, hi));
}

TF_Output tr_clip_grad(Builder& b, const tptk::Node& n,
                       std::span<const TF_Output> in) {
  const Bounds bd = bounds_of(n.attrs);
  const DLDataType dt = n.inputs[0]->dtype;
  TF_Output inside;
  if (same(dt, kFloat64)) {
    inside = clip_grad_mask<double>(b, in[0], bd);
  } else {
    inside = clip_grad_mask<float>(b, b.cast(in[0], dt, kFloat32), bd);
  }
  return select(b, inside, in[1], b.scalar(0.0, n.dtype));
}

}  // namespace

TFTF_TRANSLATE(negative, tr_negative)
TFTF_TRANSLATE(abs, tr_abs)
TFTF_TRANSLATE(square, tr_square)
TFTF_TRANSLATE(sign, tr_sign)
TFTF_TRANSLATE(sqrt, tr_sqrt)
TFTF_TRANSLATE(exp, tr_exp)
TFTF_TRANSLATE(log, tr_log)
TFTF_TRANSLATE(log_positive, tr_log_positive)
TFTF_TRANSLATE(cast, tr_cast)
TFTF_TRANSLATE(clip, tr_clip)
TFTF_TRANSLATE(clip_grad, tr_clip_grad)

}  // namespace tftf
