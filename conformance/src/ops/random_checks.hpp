// Statistical checks for the random ops (random_uniform, random_normal,
// dropout), whose values cannot be compared with the reference backend's.
#pragma once

#include <vector>

#include "ops/op_cases.hpp"

namespace tensorplug::conformance {

/// Runs case `c` (c.check is not Check::kReference) on `backend` for
/// `dtype` and records Catch2 failures naming the case: shape, dtype,
/// bounds, sample mean/stddev, dropout scaling and keep fraction, and that
/// a seed gives the same sequence in a second graph and new samples at the
/// next evaluation. `inputs` come from make_inputs.
void check_random_case(const Backend& backend, const OpCase& c,
                       DLDataType dtype, const std::vector<Array>& inputs);

}  // namespace tensorplug::conformance
