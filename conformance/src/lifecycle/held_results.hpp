// The lifecycle group's cases for values handed out (TP_ABI_22): results of
// calls and of `get_value` are read in place by the host for as long as it
// keeps them, so a backend must not write or reuse their memory meanwhile,
// and their deleters may run on another thread while the context computes.
#pragma once

#include "kit.hpp"

namespace tensorplug::conformance {

/// Enumerates the held-results cases on `b`, the backend under test.
void check_held_results(Kit& kit, const Backend& b);

}  // namespace tensorplug::conformance
