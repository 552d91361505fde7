// The loading group's checks that a context honours the Keras settings the
// host writes into it (TP_ABI_13): floatx, epsilon and image_data_format.
#pragma once

#include "kit.hpp"

namespace tensorplug::conformance {

/// Enumerates the settings cases. `backend` is the backend under test with
/// the default settings, or nullptr when it did not load (every case is
/// then skipped with "the backend did not load").
void check_context_settings(Kit& kit, const Backend* backend);

}  // namespace tensorplug::conformance
