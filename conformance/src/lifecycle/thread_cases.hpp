// The lifecycle group's thread cases (TP_ABI_10, TP_ABI_12): two contexts
// of the backend under test used from two threads at once must each give
// exactly the results a single thread gets.
#pragma once

#include "kit.hpp"

namespace tensorplug::conformance {

/// Enumerates the thread cases; `b` is the backend under test (only asked
/// what it provides: the threads use contexts of their own).
void check_threads(Kit& kit, const Backend& b);

}  // namespace tensorplug::conformance
