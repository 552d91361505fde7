// Translations of the Keras crossentropies categorical_crossentropy,
// sparse_categorical_crossentropy and binary_crossentropy and their fused
// backward ops `<name>_grad(target, output, grad)` (d loss / d output),
// composed from TF's elementwise ops and reductions exactly as the
// toolkit's kernels compute them (the epsilon clipping, the output
// normalisation, the log-sum-exp of logits, the gradients zeroed where the
// clipping is active). float16 is computed in float32 and rounded once, as
// the toolkit does (tptk::Acc).
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/ops/nn_common.hpp>
#include <tensorplug/toolkit/ops/op.hpp>
#include <tensorplug/toolkit/text.hpp>

#include <cstdint>

#include "nn_util.hpp"
#include "translate.hpp"

namespace tftf {
namespace {

using tptk::fail;

/** The common state of one translation: builder, compute dtype, epsilon. */
struct Xent {
  Builder& b;
  DLDataType acc;
  bool logits;
  TF_Output eps, one_minus_eps, zero, one;

  Xent(Builder& bb, const tptk::Node& n) : b(bb) {
    require_float(n, *n.inputs[1], "output");
    acc = acc_dtype(n.inputs[1]->dtype);
    logits = n.attrs.get_bool("from_logits", false);
    const double e = n.attrs.get_float("epsilon", 1e-7);
    // eps and 1 - eps rounded as the kernel's compute type rounds them.
    if (tp::dtype_equal(acc, tptk::kFloat64)) {
      eps = b.scalar(e, acc);
      one_minus_eps = b.scalar(1.0 - e, acc);
    } else {
      const float ef = static_cast<float>(e);
      eps = b.scalar(ef, acc);
      one_minus_eps = b.scalar(1.0f - ef, acc);
    }
    zero = b.scalar(0, acc);
    one = b.scalar(1, acc);
  }

  TF_Output bin(const char* op, TF_Output x, TF_Output y) {
    return b.op(op).in(x).in(y).out();
  }
  TF_Output un(const char* op, TF_Output x) { return b.op(op).in(x).out(); }
  TF_Output reduce(const char* op, TF_Output x, std::size_t axis, bool keep) {
    return b.op(op)
        .in(x)
        .in(b.int32s({static_cast<std::int64_t>(axis)}))
        .attr("keep_dims", keep)
        .out();
  }
  /** min(max(v, eps), 1 - eps). */
  TF_Output clip(TF_Output v) {
    return bin("Minimum", bin("Maximum", v, eps), one_minus_eps);
  }
  /** eps <= v <= 1 - eps (false for NaN). */
  TF_Output inside(TF_Output v) {
    return bin("LogicalAnd", bin("GreaterEqual", v, eps),
               bin("LessEqual", v, one_minus_eps));
  }
  /** cond ? v : 0. */
  TF_Output or_zero(TF_Output cond, TF_Output v) {
    return b.op("SelectV2").in(cond).in(v).in(zero).out();
  }
  /** m + log(sum(exp(p - m))), m = max(p), kept along `axis`. */
  TF_Output log_sum_exp(TF_Output p, std::size_t axis) {
    const TF_Output m = reduce("Max", p, axis, true);
    const TF_Output s = reduce("Sum", un("Exp", bin("Sub", p, m)), axis, true);
    return bin("AddV2", m, un("Log", s));
  }

  /** Categorical loss of targets t (probabilities or a one-hot). */
  TF_Output categorical(TF_Output t, TF_Output p, std::size_t axis) {
    if (logits) {
      const TF_Output lse = log_sum_exp(p, axis);
      return un("Neg",
                reduce("Sum", bin("Mul", t, bin("Sub", p, lse)), axis, false));
    }
    // output / sum(output), clipped, then -sum(t * log).
    const TF_Output s = reduce("Sum", p, axis, true);
    const TF_Output q = clip(bin("RealDiv", p, s));
    return un("Neg", reduce("Sum", bin("Mul", t, un("Log", q)), axis, false));
  }

  /** d categorical / d p, g the loss gradient (the loss's shape). */
  TF_Output categorical_grad(TF_Output t, TF_Output p, TF_Output grad,
                             std::size_t axis) {
    const TF_Output g = b.op("ExpandDims")
                            .in(grad)
                            .in(b.int32_scalar(static_cast<std::int64_t>(axis)))
                            .out();
    if (logits) {  // g * (softmax(p) * sum(t) - t)
      const TF_Output lse = log_sum_exp(p, axis);
      const TF_Output tsum = reduce("Sum", t, axis, true);
      const TF_Output sm = un("Exp", bin("Sub", p, lse));
      return bin("Mul", g, bin("Sub", bin("Mul", sm, tsum), t));
    }
    // Through q = p / s: dq = -t / q where unclipped, then the quotient rule.
    const TF_Output s = reduce("Sum", p, axis, true);
    const TF_Output q = bin("RealDiv", p, s);
    const TF_Output dq = or_zero(inside(q), bin("RealDiv", un("Neg", t), q));
    const TF_Output dot = reduce("Sum", bin("Mul", dq, q), axis, true);
    return bin("RealDiv", bin("Mul", g, bin("Sub", dq, dot)), s);
  }
};

std::size_t class_axis(const tptk::Node& n) {
  const tptk::Node& o = *n.inputs[1];
  return tptk::normalize_axis(*n.op, n.attrs.get_int("axis", -1),
                              o.shape.size(), o.shape);
}

TF_Output tr_categorical(Builder& b, const tptk::Node& n,
                         std::span<const TF_Output> in) {
  Xent x(b, n);
  const TF_Output t = b.cast(in[0], n.inputs[0]->dtype, x.acc);
  const TF_Output p = b.cast(in[1], n.inputs[1]->dtype, x.acc);
  return b.cast(x.categorical(t, p, class_axis(n)), x.acc, n.dtype);
}

TF_Output tr_categorical_grad(Builder& b, const tptk::Node& n,
                              std::span<const TF_Output> in) {
  Xent x(b, n);
  const TF_Output t = b.cast(in[0], n.inputs[0]->dtype, x.acc);
  const TF_Output p = b.cast(in[1], n.inputs[1]->dtype, x.acc);
  const TF_Output g = b.cast(in[2], n.inputs[2]->dtype, x.acc);
  return b.cast(x.categorical_grad(t, p, g, class_axis(n)), x.acc, n.dtype);
}

/**
 * The sparse target as a one-hot along the class axis (compute dtype).
 * Class indices are checked as the kernel checks them (0 <= v < classes,
 * float targets truncated): an index out of range fails the call through
 * GatherV2's own range check (InvalidArgument).
 */
TF_Output sparse_one_hot(Xent& x, const tptk::Node& n,
                         std::span<const TF_Output> in, std::size_t axis) {
  Builder& b = x.b;
  const tptk::Node& t = *n.inputs[0];
  const tptk::Node& o = *n.inputs[1];
  TF_Output classes;  // int32 scalar
  if (o.shape[axis] != tptk::kUnknownDim) {
    classes = b.int32_scalar(o.shape[axis]);
  } else {
    const auto a = static_cast<std::int64_t>(axis);
    classes = b.op("StridedSlice")
                  .in(b.shape_of(in[1]))
                  .in(b.int32s({a}))
                  .in(b.int32s({a + 1}))
                  .in(b.int32s({1}))
                  .attr("shrink_axis_mask", 1)
                  .out();
  }
  TF_Output idx = in[0];
  if (t.shape.size() == o.shape.size()) {  // (..., 1, ...) targets
    idx = b.op("Squeeze")
              .in(idx)
              .attr_ints("squeeze_dims", {static_cast<std::int64_t>(axis)})
              .out();
  }
  if (tptk::is_float(t.dtype)) {
    // Out-of-range (or NaN) values become -1 before truncation, so that
    // (-1, 0) is refused as the kernel refuses it.
    const TF_Output v = b.cast(idx, t.dtype, tptk::kFloat64);
    const TF_Output lim = b.cast(classes, tptk::kInt32, tptk::kFloat64);
    const TF_Output ok = x.bin(
        "LogicalAnd", x.bin("GreaterEqual", v, b.scalar(0, tptk::kFloat64)),
        x.bin("Less", v, lim));
    idx = b.op("SelectV2").in(ok).in(v).in(b.scalar(-1, tptk::kFloat64)).out();
    idx = b.cast(idx, tptk::kFloat64, tptk::kInt64);
  } else {
    idx = b.cast(idx, t.dtype, tptk::kInt64);
  }
  const TF_Output range = b.op("Range")
                              .in(b.scalar(0, tptk::kInt64))
                              .in(b.cast(classes, tptk::kInt32, tptk::kInt64))
                              .in(b.scalar(1, tptk::kInt64))
                              .out();
  idx = b.op("GatherV2").in(range).in(idx).in(b.int32_scalar(0)).out();
  return b.op("OneHot")
      .in(idx)
      .in(classes)
      .in(x.one)
      .in(x.zero)
      .attr("axis", static_cast<std::int64_t>(axis))
      .out();
}

TF_Output tr_sparse(Builder& b, const tptk::Node& n,
                    std::span<const TF_Output> in) {
  Xent x(b, n);
  const std::size_t axis = class_axis(n);
  const TF_Output hot = sparse_one_hot(x, n, in, axis);
  const TF_Output p = b.cast(in[1], n.inputs[1]->dtype, x.acc);
  if (x.logits) return b.cast(x.categorical(hot, p, axis), x.acc, n.dtype);
  // Keras: log(clip(output)) as logits: log(sum(clip(p))) - log(clip(p)[k]).
  const TF_Output cp = x.clip(p);
  const TF_Output s = x.reduce("Sum", cp, axis, false);
  const TF_Output pk = x.reduce("Sum", x.bin("Mul", cp, hot), axis, false);
  const TF_Output l = x.bin("Sub", x.un("Log", s), x.un("Log", pk));
  return b.cast(l, x.acc, n.dtype);
}

TF_Output tr_sparse_grad(Builder& b, const tptk::Node& n,
                         std::span<const TF_Output> in) {
  Xent x(b, n);
  const std::size_t axis = class_axis(n);
  const TF_Output hot = sparse_one_hot(x, n, in, axis);
  const TF_Output p = b.cast(in[1], n.inputs[1]->dtype, x.acc);
  const TF_Output grad = b.cast(in[2], n.inputs[2]->dtype, x.acc);
  if (x.logits) {
    return b.cast(x.categorical_grad(hot, p, grad, axis), x.acc, n.dtype);
  }
  // g * (1 / s - [j == k] / clip(p)), zero where p is clipped.
  const TF_Output g = b.op("ExpandDims")
                          .in(grad)
                          .in(b.int32_scalar(static_cast<std::int64_t>(axis)))
                          .out();
  const TF_Output cp = x.clip(p);
  const TF_Output s = x.reduce("Sum", cp, axis, true);
  const TF_Output d = x.bin("Sub", x.bin("RealDiv", x.one, s),
                            x.bin("Mul", hot, x.bin("RealDiv", x.one, cp)));
  return b.cast(x.bin("Mul", g, x.or_zero(x.inside(p), d)), x.acc, n.dtype);
}

/** z: the logits (from_logits) or log(c / (1 - c)), c = clip(output). */
TF_Output binary_z(Xent& x, TF_Output o, TF_Output& c) {
  c = x.clip(o);
  if (x.logits) return o;
  return x.un("Log", x.bin("RealDiv", c, x.bin("Sub", x.one, c)));
}

TF_Output tr_binary(Builder& b, const tptk::Node& n,
                    std::span<const TF_Output> in) {
  Xent x(b, n);
  const TF_Output t = b.cast(in[0], n.inputs[0]->dtype, x.acc);
  const TF_Output o = b.cast(in[1], n.inputs[1]->dtype, x.acc);
  TF_Output c;
  const TF_Output z = binary_z(x, o, c);
  // max(z, 0) - z * t + log1p(exp(-|z|)).
  const TF_Output l = x.bin(
      "AddV2", x.bin("Sub", x.bin("Maximum", z, x.zero), x.bin("Mul", z, t)),
      x.un("Log1p", x.un("Exp", x.un("Neg", x.un("Abs", z)))));
  return b.cast(l, x.acc, n.dtype);
}

TF_Output tr_binary_grad(Builder& b, const tptk::Node& n,
                         std::span<const TF_Output> in) {
  Xent x(b, n);
  const TF_Output t = b.cast(in[0], n.inputs[0]->dtype, x.acc);
  const TF_Output o = b.cast(in[1], n.inputs[1]->dtype, x.acc);
  const TF_Output g = b.cast(in[2], n.inputs[2]->dtype, x.acc);
  TF_Output c;
  const TF_Output z = binary_z(x, o, c);
  TF_Output d;
  if (x.logits) {  // 1 / (1 + exp(-z)) - t
    d = x.bin("Sub",
              x.bin("RealDiv", x.one,
                    x.bin("AddV2", x.one, x.un("Exp", x.un("Neg", z)))),
              t);
  } else {  // (c - t) / (c (1 - c)) where unclipped
    d = x.or_zero(x.inside(o), x.bin("RealDiv", x.bin("Sub", c, t),
                                     x.bin("Mul", c, x.bin("Sub", x.one, c))));
  }
  return b.cast(x.bin("Mul", g, d), x.acc, n.dtype);
}

}  // namespace

TFTF_TRANSLATE(categorical_crossentropy, tr_categorical)
TFTF_TRANSLATE(categorical_crossentropy_grad, tr_categorical_grad)
TFTF_TRANSLATE(sparse_categorical_crossentropy, tr_sparse)
TFTF_TRANSLATE(sparse_categorical_crossentropy_grad, tr_sparse_grad)
TFTF_TRANSLATE(binary_crossentropy, tr_binary)
TFTF_TRANSLATE(binary_crossentropy_grad, tr_binary_grad)

}  // namespace tftf
