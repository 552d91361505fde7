// The differentiable ops the "gradients" group checks, with operands chosen
// away from the points where the op is not differentiable (0 for abs/relu,
// ties for max/min/maximum/minimum/max pooling, the bounds of clip), so that
// a central finite difference is a meaningful oracle.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tensorplug/ops.hpp"

namespace tensorplug::conformance {

/// Makes `n` element values (as doubles; converted to the case's dtype).
using ValueGenerator =
    std::function<std::vector<double>(std::mt19937_64& rng, std::size_t n)>;

/// One operand of a gradient case, in the op's operand order (docs/ops.md).
struct GradOperand {
  /// The operand's name in docs/ops.md ("x", "kernel", "output"), for
  /// messages and case names.
  std::string name;
  std::vector<std::int64_t> shape;
  ValueGenerator values;
  /// Whether the gradient w.r.t. this operand is checked (false: the operand
  /// is only fed, e.g. a crossentropy's target or gather's indices).
  bool differentiate = true;
  /// Integer class indices (int32, else int64) instead of the float dtype.
  bool index = false;
};

struct GradCase {
  GradCase(std::string op_, std::string label_,
           std::vector<GradOperand> operands_, Attrs attrs_ = {})
      : op(std::move(op_)),
        label(std::move(label_)),
        operands(std::move(operands_)),
        attrs(std::move(attrs_)) {}
  std::string op;
  /// What distinguishes the case from others of the same op ("axis=1"),
  /// may be empty.
  std::string label;
  std::vector<GradOperand> operands;
  Attrs attrs;
};

/// Every gradient case, in a fixed order (the runner restarts a group after
/// a crashed case by index).
const std::vector<GradCase>& gradient_cases();

// Value generators (exposed for the `gradients` entry's own cases).
/// Uniform in [lo, hi).
ValueGenerator uniform(double lo, double hi);
/// Magnitudes uniform in [lo, hi), random signs: keeps away from 0.
ValueGenerator signed_magnitude(double lo, double hi);
/// n distinct values in [lo, hi) at least (hi - lo) / (4 n) apart, shuffled
/// (no ties or near-ties for max/min). With `parity` 0 or 1 only every
/// other grid point is used, so two operands made with parities 0 and 1
/// never come near each other (maximum/minimum).
ValueGenerator distinct(double lo, double hi, int parity = -1);
/// Uniform in [lo, hi) but at least `margin` away from each of `points`.
ValueGenerator uniform_avoiding(double lo, double hi,
                                std::vector<double> points, double margin);
/// Integers in [0, count), as doubles (class indices).
ValueGenerator integers(std::int64_t count);

}  // namespace tensorplug::conformance
