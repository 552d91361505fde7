// Checking a backend's symbolic gradients against central finite differences
// computed with the backend's own forward pass.
//
// For an op f with operands x0..xn the loss is sum(f(x) * r), r a random
// constant of f's result shape fed through a placeholder (so only the ops
// `multiply` and `sum` are needed besides f; r gives every output element a
// distinct weight). `gradients(loss, targets)` is evaluated through a
// `function` and compared, element by element, with
// (loss(x + h e_k) - loss(x - h e_k)) / (x_k+ - x_k-), where x_k+- are the
// perturbed values as actually stored in the dtype.
#pragma once

#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gradients/grad_cases.hpp"
#include "tensorplug/array.hpp"
#include "tensorplug/backend.hpp"

namespace tensorplug::conformance {

/// Step and tolerance of the finite-difference check for a dtype
/// (docs/conformance.md): float64 h = 1e-6 max(1, |x|), |fd - sym| <= 1e-6
/// max(1, |fd|, |sym|); float32 h = 1e-3 max(1, |x|), tolerance 2e-2.
struct FiniteDifference {
  double step = 1e-6;
  double tolerance = 1e-6;
};
FiniteDifference finite_difference_for(DLDataType dtype);

/// The float dtype gradients are checked in: float64 when under test, else
/// float32; nullopt when neither is.
std::optional<DLDataType> gradient_dtype();
/// The dtype of index operands (int32, else int64, when under test).
std::optional<DLDataType> index_dtype();

/// Runs the check of one case on `backend` (inside a kit case body): records
/// a failure per mismatching element (the first few) naming the op, the
/// operand, the element, both values and the tolerance. Throws the backend's
/// error when building or running the graph fails.
void check_op_gradient(const Backend& backend, const GradCase& c,
                       DLDataType dtype, std::mt19937_64& rng);

}  // namespace tensorplug::conformance
