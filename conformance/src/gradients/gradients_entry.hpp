// The `gradients` entry's own cases (see gradients_entry.cpp).
#pragma once

#include "tensorplug/array.hpp"

namespace tensorplug::conformance {

/// Runs (or skips, when `sum`/`multiply` are missing) the cases of the
/// `gradients` entry in `dtype`; the caller has checked that `gradients` is
/// exported.
void run_gradients_entry_cases(DLDataType dtype);

}  // namespace tensorplug::conformance
