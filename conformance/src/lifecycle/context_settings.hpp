// The loading group's checks that a context honours the Keras settings the
// host writes into it (TP_ABI_13): floatx, epsilon and image_data_format.
#pragma once

#include <functional>

#include "kit.hpp"

namespace tensorplug::conformance {

/// Called inside a case body: the backend under test with the default
/// settings (loaded the first time a case asks), or nullptr after it has
/// ended the running case with Kit::skip_running_case (the backend did not
/// load, or the dtypes under test are unknown).
using LoadedBackend = std::function<const Backend*()>;

/// Enumerates the settings cases, the same ones on every run (nothing is
/// loaded outside a case body): each case gets what it needs itself, so it
/// also runs alone (--entry) or after a restart (--start-at).
void check_context_settings(Kit& kit, const LoadedBackend& loaded);

}  // namespace tensorplug::conformance
