// Translations of the random ops (toolkit ops/random.cpp: random_uniform,
// random_normal) and of dropout (ops/dropout.cpp: the mask node, whose OpDef
// is named "dropout", and dropout_apply = x * mask).
//
// Samples come from TF's stateful RandomUniform / RandomStandardNormal, drawn
// in float64 and transformed as eval transforms its 53-bit doubles, then
// rounded once to the dtype. Seeds: a toolkit seed s becomes TF's pair
// (seed 87654321, seed2 s), what tf.random.* uses for an op seed without a
// graph seed (so never the (0, 0) that means "nondeterministic"); no seed is
// (0, 0), a fresh nondeterministic seed for each kernel.
//
// What a seeded sequence means here: the toolkit's evaluation k of a node
// uses sample k of its seed, counted by the node's `draws` over every
// function the node is compiled into. Here each compiled function is one TF
// session, whose random kernel starts the seed's Philox stream when the
// session is created and advances it at every call: call k of a function
// gets sample k, a second function (or graph) built with the same seed
// repeats the sequence from its start, and the numbers differ from the
// toolkit's mt19937_64 ones. The kit checks exactly that: a second graph
// repeats the first evaluation and the next call draws new samples; values
// are checked statistically, never against the reference backend.
#include <tensorplug/toolkit/dtype.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "translate.hpp"

namespace tftf {
namespace {

using tptk::Array;
using tptk::Node;

/** TF python's DEFAULT_GRAPH_SEED (random_seed.py). */
constexpr std::int64_t kGraphSeed = 87654321;

/** A shape (a Shape or an INTS attribute) as a 1-D int64 Const. */
template <class Dims>
TF_Output dims_const(Builder& b, const Dims& shape) {
  Array dims(tptk::Shape{static_cast<std::int64_t>(shape.size())},
             tptk::kInt64);
  for (std::size_t d = 0; d < shape.size(); ++d) {
    dims.data<std::int64_t>()[d] = shape[d];
  }
  return b.constant(dims);
}

/** A stateful TF random op of float64 samples of `shape`, seeded as above. */
TF_Output random_doubles(Builder& b, const char* type, const tptk::Attrs& a,
                         TF_Output shape) {
  const auto seed = a.get_optional_int("seed");
  return b.op(type)
      .in(shape)
      .attr_type("dtype", TF_DOUBLE)
      .attr("seed", seed ? kGraphSeed : std::int64_t{0})
      .attr("seed2", seed ? *seed : std::int64_t{0})
      .out();
}

/** static_cast<T>(v) back in double, T the float dtype `dt`. */
double round_to(double v, DLDataType dt) {
  if (tp::dtype_equal(dt, tptk::kFloat16)) {
    return static_cast<double>(static_cast<tptk::half>(v));
  }
  if (tp::dtype_equal(dt, tptk::kFloat32)) {
    return static_cast<double>(static_cast<float>(v));
  }
  return v;
}

/** The largest value of dtype `dt` below `v` (a value of `dt`). */
double below(double v, DLDataType dt) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (tp::dtype_equal(dt, tptk::kFloat16)) {
    const tptk::half h = static_cast<tptk::half>(v);
    std::uint16_t bits;
    std::memcpy(&bits, &h, sizeof bits);
    if ((bits & 0x7fff) == 0) {
      bits = 0x8001;  // -denorm_min below ±0
    } else if (bits & 0x8000) {
      ++bits;
    } else {
      --bits;
    }
    tptk::half p;
    std::memcpy(&p, &bits, sizeof p);
    return static_cast<double>(p);
  }
  if (tp::dtype_equal(dt, tptk::kFloat32)) {
    return static_cast<double>(
        std::nextafter(static_cast<float>(v), static_cast<float>(-kInf)));
  }
  return std::nextafter(v, -kInf);
}

// eval: v = T(lo + (hi - lo) * u), u uniform in [0, 1), redrawn while v
// reaches T(hi) (the kept samples are then uniform on the doubles below the
// point B where rounding to T starts giving T(hi)); when T(lo) == T(hi),
// T(lo) everywhere. Here: d = lo + (B - lo) * u in float64 (u TF's
// 52-bit float64 uniform), the same distribution without redraws, rounded
// to T; a min with the largest T below T(hi) catches d rounding onto B.
TF_Output tr_random_uniform(Builder& b, const Node& n,
                            std::span<const TF_Output>) {
  const double lo = n.attrs.get_float("minval", 0.0);
  const double hi = n.attrs.get_float("maxval", 1.0);
  const DLDataType dt = n.dtype;
  const TF_Output shape = dims_const(b, n.shape);
  const double top = round_to(hi, dt);
  if (!(round_to(lo, dt) < top)) {
    return b.op("Fill").in(shape).in(b.scalar(lo, dt)).out();
  }
  const double prev = below(top, dt);
  double bound = top;  // float64: d < T(hi) = hi exactly
  if (!tp::dtype_equal(dt, tptk::kFloat64)) {
    // Round to nearest: the midpoint between prev and top (for top = inf,
    // prev plus half of prev's ulp), exact in double.
    bound = std::isinf(top) ? prev + (prev - below(prev, dt)) / 2
                            : prev + (top - prev) / 2;
  }
  const TF_Output u = random_doubles(b, "RandomUniform", n.attrs, shape);
  const TF_Output scaled =
      b.op("Mul").in(u).in(b.scalar(bound - lo, tptk::kFloat64)).out();
  const TF_Output d =
      b.op("AddV2").in(b.scalar(lo, tptk::kFloat64)).in(scaled).out();
  const TF_Output v = b.cast(d, tptk::kFloat64, dt);
  return b.op("Minimum").in(v).in(b.scalar(prev, dt)).out();
}

// eval: mean + stddev * z in double (z standard normal, Box-Muller), rounded
// to the dtype; here z is TF's float64 RandomStandardNormal.
TF_Output tr_random_normal(Builder& b, const Node& n,
                           std::span<const TF_Output>) {
  const double mean = n.attrs.get_float("mean", 0.0);
  const double sd = n.attrs.get_float("stddev", 1.0);
  const TF_Output z = random_doubles(b, "RandomStandardNormal", n.attrs,
                                     dims_const(b, n.shape));
  const TF_Output scaled =
      b.op("Mul").in(b.scalar(sd, tptk::kFloat64)).in(z).out();
  const TF_Output v =
      b.op("AddV2").in(b.scalar(mean, tptk::kFloat64)).in(scaled).out();
  return b.cast(v, tptk::kFloat64, n.dtype);
}

// The mask: of noise_shape, or of x's shape (at run time when not static);
// an element is T(1 / (1 - level)) when its uniform u >= level, else 0, as
// eval's integer compare of 53-bit uniforms (TF's have 52 bits: the keep
// probability differs by at most 2^-52). This is Keras 2's tf.nn.dropout
// mask (random_uniform >= rate, scale 1 / (1 - rate)); level 0 keeps all.
TF_Output tr_dropout_mask(Builder& b, const Node& n,
                          std::span<const TF_Output> in) {
  const double level = n.attrs.get_float("level", 0.0);
  TF_Output shape;
  if (const auto noise = n.attrs.get_ints("noise_shape")) {
    shape = dims_const(b, *noise);
  } else if (tptk::is_fully_known(n.shape)) {
    shape = dims_const(b, n.shape);
  } else {
    shape = b.shape_of(in[0]);
  }
  const TF_Output u = random_doubles(b, "RandomUniform", n.attrs, shape);
  const TF_Output keep =
      b.op("GreaterEqual").in(u).in(b.scalar(level, tptk::kFloat64)).out();
  return b.op("SelectV2")
      .in(keep)
      .in(b.scalar(1.0 / (1.0 - level), n.dtype))
      .in(b.scalar(0.0, n.dtype))
      .out();
}

// x * mask, broadcast (the mask has noise_shape). float16: TF's half Mul
// rounds the float product once, like eval's product in Acc<T>.
TF_Output tr_dropout_apply(Builder& b, const Node&,
                           std::span<const TF_Output> in) {
  return b.op("Mul").in(in[0]).in(in[1]).out();
}

}  // namespace

TFTF_TRANSLATE(random_uniform, tr_random_uniform)
TFTF_TRANSLATE(random_normal, tr_random_normal)
TFTF_TRANSLATE(dropout, tr_dropout_mask)
TFTF_TRANSLATE(dropout_apply, tr_dropout_apply)

}  // namespace tftf
