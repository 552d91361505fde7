// Translations of the activations (toolkit ops/activations.cpp): relu (with
// Keras 2.2's alpha, max_value and threshold) and its internal gradient
// relu_grad, elu and elu_grad, sigmoid, tanh and softplus.
//
// The toolkit computes float16 in float (compute_t) and rounds once: where a
// composition multiplies or compares with an attribute, float16 operands are
// cast to float first (half(0.1) != 0.1, and rounding twice differs).
#include <tensorplug/toolkit/dtype.hpp>

#include <cmath>
#include <limits>

#include "translate.hpp"

namespace tftf {
namespace {

using tptk::Node;

/** The dtype the toolkit computes `dt` in: float for float16. */
DLDataType compute_dtype(DLDataType dt) {
  return tp::dtype_equal(dt, tptk::kFloat16) ? tptk::kFloat32 : dt;
}

/** relu's attributes, read as the toolkit's ReluParams reads them. */
struct ReluParams {
  double alpha;
  double threshold;
  double max_value;  // +inf when None
  explicit ReluParams(const tptk::Attrs& a)
      : alpha(a.get_float("alpha", 0.0)),
        threshold(a.get_float("threshold", 0.0)),
        max_value(a.get_optional_float("max_value")
                      .value_or(std::numeric_limits<double>::infinity())) {}
  bool plain() const {
    return alpha == 0.0 && threshold == 0.0 && std::isinf(max_value) &&
           max_value > 0;
  }
};

TF_Output select(Builder& b, TF_Output cond, TF_Output t, TF_Output e) {
  return b.op("SelectV2").in(cond).in(t).in(e).out();
}
TF_Output binary(Builder& b, const char* type, TF_Output x, TF_Output y) {
  return b.op(type).in(x).in(y).out();
}

// x >= threshold: clip(x, 0, max_value); otherwise alpha * (x - threshold)
// + 0 (the + 0 makes alpha 0's -0 a +0). NaN fails x >= threshold and stays
// NaN through the lower branch, as in eval. With alpha 0 the lower branch is
// +0 (NaN for NaN), also for x = -inf: docs/ops.md's "+0, as max(x, 0)" and
// Keras's tf.nn.relu, where eval's 0 * (-inf - threshold) gives NaN.
TF_Output tr_relu(Builder& b, const Node& n, std::span<const TF_Output> in) {
  const ReluParams p(n.attrs);
  const DLDataType dt = n.dtype;
  if (p.plain()) {
    // TF's Relu is max(x, 0): +0 for -0 in float32/float64, but its float16
    // kernel keeps -0, hence the + 0 there. Relu(NaN) is NaN.
    TF_Output y = b.op("Relu").in(in[0]).out();
    if (tp::dtype_equal(dt, tptk::kFloat16)) {
      y = binary(b, "AddV2", y, b.scalar(0.0, dt));
    }
    return y;
  }
  const DLDataType c = compute_dtype(dt);
  const TF_Output x = b.cast(in[0], dt, c);
  const TF_Output zero = b.scalar(0.0, c);
  TF_Output below;
  if (p.alpha == 0.0) {
    below = select(b, b.op("IsNan").in(x).out(), x, zero);
  } else {
    TF_Output shifted = x;  // x - 0 is x, signed zeros and NaN included
    if (p.threshold != 0.0) {
      shifted = binary(b, "Sub", x, b.scalar(p.threshold, c));
    }
    below = binary(b, "AddV2", binary(b, "Mul", b.scalar(p.alpha, c), shifted),
                   zero);
  }
  // Above the threshold x is not NaN: Relu is x <= 0 ? +0 : x (TF's float
  // and double Relu give +0 for -0), then min with max_value.
  TF_Output above = b.op("Relu").in(x).out();
  if (p.max_value < std::numeric_limits<double>::infinity()) {
    const TF_Output maxv = b.scalar(p.max_value, c);
    above = select(b, binary(b, "Greater", above, maxv), maxv, above);
  }
  const TF_Output ge = binary(b, "GreaterEqual", x, b.scalar(p.threshold, c));
  return b.cast(select(b, ge, above, below), c, dt);
}

// d relu: alpha * g below the threshold; g where 0 < x < max_value (max_value
// +inf when None, so x = +inf gives 0); 0 elsewhere (x = 0, NaN). Composed:
// TF's ReluGrad gives g at x = +inf and signed zeros differently.
TF_Output tr_relu_grad(Builder& b, const Node& n,
                       std::span<const TF_Output> in) {
  const ReluParams p(n.attrs);
  const DLDataType dt = n.dtype;
  const DLDataType c = compute_dtype(dt);
  const TF_Output x = b.cast(in[0], dt, c);
  const TF_Output g = b.cast(in[1], n.inputs[1]->dtype, c);
  const TF_Output zero = b.scalar(0.0, c);
  const TF_Output below = binary(b, "Mul", b.scalar(p.alpha, c), g);
  const TF_Output inside =
      binary(b, "LogicalAnd", binary(b, "Greater", x, zero),
             binary(b, "Less", x, b.scalar(p.max_value, c)));
  const TF_Output above = select(b, inside, g, zero);
  const TF_Output lt = binary(b, "Less", x, b.scalar(p.threshold, c));
  return b.cast(select(b, lt, below, above), c, dt);
}

// x > 0 ? x : alpha * expm1(x). Composed: TF's Elu computes exp(x) - 1,
// which cancels near 0 (elu(-1e-30) is 0 there, 1e-3 relative error at
// -1e-4 in float32) where expm1 is exact.
TF_Output tr_elu(Builder& b, const Node& n, std::span<const TF_Output> in) {
  const double alpha = n.attrs.get_float("alpha", 1.0);
  const DLDataType dt = n.dtype;
  const DLDataType c = compute_dtype(dt);
  const TF_Output x = b.cast(in[0], dt, c);
  TF_Output neg = b.op("Expm1").in(x).out();
  if (alpha != 1.0) neg = binary(b, "Mul", b.scalar(alpha, c), neg);
  const TF_Output pos = binary(b, "Greater", x, b.scalar(0.0, c));
  return b.cast(select(b, pos, x, neg), c, dt);
}

// x > 0 ? g : g * alpha * exp(x). TF's EluGrad takes elu's output and uses
// g * (y + 1), which loses exp(x)'s precision for very negative x and gives
// g (not alpha * g) at x = 0: composed.
TF_Output tr_elu_grad(Builder& b, const Node& n,
                      std::span<const TF_Output> in) {
  const double alpha = n.attrs.get_float("alpha", 1.0);
  const DLDataType dt = n.dtype;
  const DLDataType c = compute_dtype(dt);
  const TF_Output x = b.cast(in[0], dt, c);
  const TF_Output g = b.cast(in[1], n.inputs[1]->dtype, c);
  const TF_Output neg =
      binary(b, "Mul", binary(b, "Mul", g, b.scalar(alpha, c)),
             b.op("Exp").in(x).out());
  const TF_Output pos = binary(b, "Greater", x, b.scalar(0.0, c));
  return b.cast(select(b, pos, g, neg), c, dt);
}

/** TF op `type` on x, computed in float for float16 as eval does (TF's
 * float16 Sigmoid and Softplus are up to 1 ulp off eval's rounded float). */
TF_Output unary_in_compute(Builder& b, const Node& n, TF_Output x,
                           const char* type) {
  const DLDataType c = compute_dtype(n.dtype);
  return b.cast(b.op(type).in(b.cast(x, n.dtype, c)).out(), c, n.dtype);
}

// TF's Sigmoid does not overflow (its float kernels evaluate the logistic
// stably; sigmoid(-60) is 8.76e-27 in float32, like eval's e^x / (1 + e^x)).
TF_Output tr_sigmoid(Builder& b, const Node& n, std::span<const TF_Output> in) {
  return unary_in_compute(b, n, in[0], "Sigmoid");
}

TF_Output tr_tanh(Builder& b, const Node& n, std::span<const TF_Output> in) {
  return unary_in_compute(b, n, in[0], "Tanh");
}

// TF's Softplus is log1p(exp(x)) with thresholds (x for large x, exp(x) for
// very negative x): no overflow, softplus(800) == 800, within rounding of
// eval's max(x, 0) + log1p(exp(-|x|)).
TF_Output tr_softplus(Builder& b, const Node& n,
                      std::span<const TF_Output> in) {
  return unary_in_compute(b, n, in[0], "Softplus");
}

}  // namespace

TFTF_TRANSLATE(relu, tr_relu)
TFTF_TRANSLATE(relu_grad, tr_relu_grad)
TFTF_TRANSLATE(elu, tr_elu)
TFTF_TRANSLATE(elu_grad, tr_elu_grad)
TFTF_TRANSLATE(sigmoid, tr_sigmoid)
TFTF_TRANSLATE(tanh, tr_tanh)
TFTF_TRANSLATE(softplus, tr_softplus)

}  // namespace tftf
