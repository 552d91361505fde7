// The required group's `function` cases (TP_ABI_11, TP_ABI_12, TP_ABI_14):
// inputs and outputs in order, updates applied after the outputs and all
// computed before any variable changes, repeated calls, release.
#pragma once

#include "kit.hpp"

namespace tensorplug::conformance {

/// Enumerates the `function` cases (and set_value's, when provided) on `b`.
void check_functions(Kit& kit, const Backend& b);

}  // namespace tensorplug::conformance
