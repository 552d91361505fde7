// The table of op cases of the conformance kit: per op of TP_CORE_OPS_V1,
// a list of cases (operand shapes, dtypes, value ranges, attributes), and
// the evaluator that builds and runs one case on a backend exactly as an
// application would (placeholders -> op -> function -> call).
//
// The "ops" group runs every case on the backend under test and on the
// reference backend and compares; the "gradients" group reuses the cases
// marked `differentiable` (in float64) for finite-difference checks.
//
// The table is split by op family (ops/cases_*.cpp); op_cases() returns the
// concatenation in TP_CORE_OPS_V1 order, and the same order on every run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tensorplug/array.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/ops.hpp"
#include "values.hpp"

namespace tensorplug::conformance {

/// How an input's values are drawn (always from the case's seeded rng).
enum class Fill {
  /// Uniform in [lo, hi) (integers: [ceil(lo), floor(hi)]; bool: 0/1).
  kUniform,
  /// Every element distinct (a shuffled ramp inside [lo, hi], steps exactly
  /// representable in float16): no ties for max/argmax/pooling/maximum.
  kDistinct,
  /// Magnitude uniform in [lo, hi) with lo > 0, random sign: divisors.
  kAwayFromZero,
  /// Whole numbers in [lo, hi], in any dtype (class indices, exponents).
  kIntegers,
  /// Positive (in [lo, hi) before normalising), every slice along the last
  /// axis sums to 1: probabilities for the crossentropies.
  kProbabilities,
  /// Exactly InputSpec::values, in order (signed zeros, special values).
  kValues,
};

/// An op applied to an operand's placeholder before the case's op
/// (`transpose`, `permute_dimensions`): the case's op then sees a computed
/// tensor instead of a fed one, in a backend with views a non-contiguous one.
struct Prep {
  std::string op{};
  Attrs attrs{};
};

/// One input of a case: an operand, or a tensor-valued attribute.
struct InputSpec {
  std::vector<std::int64_t> shape{};
  /// nullopt: the dtype under test; otherwise this dtype (int32 indices...).
  std::optional<DLDataType> dtype{};
  Fill fill = Fill::kUniform;
  double lo = -1.0;
  double hi = 1.0;
  /// Non-empty: the array is passed as this VALUE attribute (constant's
  /// `value`) instead of as an operand.
  std::string attr{};
  /// Applied in order to the operand's placeholder before the case's op (or
  /// chain step) sees it; `shape` is the shape fed, before them.
  std::vector<Prep> prep{};
  /// The element values of Fill::kValues (as many as the shape holds).
  std::vector<double> values{};
};

/// One step of a chain after the case's op: `op(previous result)` or, with
/// `operand` >= 0, `op(previous result, c.inputs[operand])`. The inputs a
/// chain step takes are not operands of the case's op.
struct ChainStep {
  std::string op{};
  Attrs attrs{};
  int operand = -1;
};

/// How a case's results are checked.
enum class Check {
  /// Every output (values, static shape and dtype) against the reference.
  kReference,
  /// random_uniform: shape, dtype, bounds [minval, maxval), sample mean and
  /// stddev, same seed -> same sequence on both backends.
  kUniformSamples,
  /// random_normal: shape, dtype, sample mean and stddev, seeded sequence.
  kNormalSamples,
  /// dropout: every element 0 or x / (1 - level), keep fraction ~ 1 - level.
  kDropoutSamples,
};

struct OpCase {
  /// The Keras entry name ("add").
  std::string op{};
  /// What the case checks, with its shapes ("broadcast (2, 1) + (3,)"); the
  /// dtype is appended by case_label.
  std::string name{};
  /// Operands (and VALUE attributes, see InputSpec::attr), in order.
  std::vector<InputSpec> inputs{};
  /// Attributes passed as they are (see dtype_attr for the dtype under test).
  Attrs attrs{};
  /// The dtypes the case runs for: the op's documented class (docs/ops.md),
  /// narrowed where the case needs it. Intersected with Kit::dtypes().
  std::vector<DLDataType> dtypes{};
  /// Non-empty: the DTYPE attribute that receives the dtype under test
  /// (zeros' "dtype"); the operands then have no dtype of their own.
  std::string dtype_attr{};
  /// Number of results the op returns.
  std::size_t num_outputs = 1;
  /// Float tolerances are tolerance_for(dtype) scaled by this:
  /// transcendental chains (see docs/conformance.md).
  double tol_scale = 1.0;
  /// > 0: every result element is a sum of at most `terms` rounded terms
  /// (products for dot/batch_dot/conv2d, elements for sum/mean/avg pooling)
  /// that a backend may add in any order (blocked, vectorised, threaded).
  /// Float results may then also differ by the forward error bound of such
  /// a sum, kReorderedSumFactor * terms * eps * M per element, where M is
  /// the case run on the reference with every float operand replaced by its
  /// |value| (so M is sum_k |a_ik| |b_kj| for dot) and eps the machine
  /// epsilon of the accumulation (accumulation_epsilon).
  std::int64_t terms = 0;
  /// Applied in order to the case op's (first) result; the case's result is
  /// the last step's (fused elementwise chains).
  std::vector<ChainStep> chain{};
  /// Also fed as strided DLPack views with a byte_offset (TP_ABI_15: a
  /// transposed view for rank 2, see strided_layouts()) on the backend
  /// under test: the results must match the reference's compact run.
  bool strided_feed = false;
  /// Non-empty: the documented result, compared bit for bit (dtype, shape,
  /// every byte: the sign of a zero counts) on the backend and on the
  /// reference, instead of comparing the two within a tolerance.
  std::vector<double> exact{};
  /// The op has a gradient and this case's inputs suit finite differences.
  bool differentiable = false;
  /// Operand indices gradients are taken with respect to (empty: every
  /// float operand), e.g. only `output` for the crossentropies.
  std::vector<int> grad_inputs{};
  /// Whether the case is also run with axis 0 of every operand of rank >= 1
  /// unknown (-1) in its placeholder (the values must not change).
  bool unknown_batch = true;
  Check check = Check::kReference;
};

/// Every case, in TP_CORE_OPS_V1 order of their ops, in a fixed order.
const std::vector<OpCase>& op_cases();
/// The cases of one op, in table order (empty for an op without cases).
std::vector<const OpCase*> op_cases_for(std::string_view op);

/// The dtype of `spec` when the case runs for `dtype`.
DLDataType input_dtype(const InputSpec& spec, DLDataType dtype);
/// Random arrays for every entry of c.inputs (operands and VALUE attributes,
/// in order) for `dtype`, drawn from `rng`.
std::vector<Array> make_inputs(const OpCase& c, DLDataType dtype,
                               std::mt19937_64& rng);
/// The operands among `inputs` (those whose spec has no `attr`).
std::vector<Array> operands_of(const OpCase& c,
                               const std::vector<Array>& inputs);
/// c.attrs, plus dtype_attr = `dtype`, plus the VALUE attributes in `inputs`.
Attrs attrs_for(const OpCase& c, DLDataType dtype,
                const std::vector<Array>& inputs);
/// The dtypes of c.dtypes that `supported` holds and for which every other
/// dtype the case needs (fixed input dtypes, DTYPE attributes) is supported.
std::vector<DLDataType> case_dtypes(const OpCase& c,
                                    const std::vector<DLDataType>& supported);
/// tolerance_for(dtype), scaled by c.tol_scale for float dtypes.
Tolerance case_tolerance(const OpCase& c, DLDataType dtype);
/// The machine epsilon of the accumulation of a `dtype` sum: float32's for
/// float16 (float16 math is computed in float, docs/ops.md), else the
/// dtype's own; 0 for integer and bool dtypes (exact).
double accumulation_epsilon(DLDataType dtype);
/// The constant c of the reordered-sum bound c * terms * eps * M. A sum of
/// K terms computed in any order (sequential, blocked, pairwise, split over
/// threads) is within (K - 1) * u * sum |term| of the exact sum, u = eps / 2
/// the unit roundoff (Higham, Accuracy and Stability of Numerical
/// Algorithms, 2nd ed., section 4.2). The backend and the reference may
/// each err so: together less than K * eps * M, so c = 1. The rounding of
/// a float16 result to half is the base tolerance's (rtol 1e-3).
inline constexpr double kReorderedSumFactor = 1.0;
/// The ops the case needs besides c.op (prep and chain ops), in order,
/// without duplicates.
std::vector<std::string> extra_ops(const OpCase& c);
/// "broadcast (2, 1) + (3,) float32".
std::string case_label(const OpCase& c, DLDataType dtype);
/// For failure messages: "op add, case broadcast ..., dtype float32,
/// operands float32 (2, 1), float32 (3,), attrs {axis=-1, keepdims=true}".
std::string describe_case(const OpCase& c, DLDataType dtype);
/// "{axis=-1, keepdims=true}" ("{}" when empty).
std::string format_attrs(const Attrs& attrs);

/// An op applied to placeholders (one per operand, axis 0 unknown when
/// `unknown_batch`), before it is compiled.
struct OpGraph {
  std::vector<Tensor> placeholders;
  std::vector<Tensor> outputs;
};
/// Builds the graph of `c` for `dtype` on `backend` (`inputs` from
/// make_inputs: they give the VALUE attributes).
OpGraph build_op_graph(const Backend& backend, const OpCase& c,
                       DLDataType dtype, const std::vector<Array>& inputs,
                       bool unknown_batch = false);

/// What one run of a case on one backend gave.
struct OpResult {
  std::vector<Array> outputs;
  /// Per output, the static shape (-1 unknown) and dtype through
  /// `tensor_info` (nullopt when the backend does not export it).
  std::vector<std::optional<std::vector<std::int64_t>>> static_shapes;
  std::vector<std::optional<DLDataType>> static_dtypes;
};
/// build_op_graph, then function(placeholders, outputs), then one call with
/// the operands of `inputs`. Exceptions (PluginError...) propagate.
OpResult run_op_case(const Backend& backend, const OpCase& c, DLDataType dtype,
                     const std::vector<Array>& inputs,
                     bool unknown_batch = false);
/// run_op_case with every operand fed as the first of strided_layouts() of
/// its shape (a non-compact DLTensor with a byte_offset), through the raw
/// `call`. Failures of the backend throw std::runtime_error.
OpResult run_op_case_strided(const Backend& backend, const OpCase& c,
                             DLDataType dtype,
                             const std::vector<Array>& inputs);

}  // namespace tensorplug::conformance
