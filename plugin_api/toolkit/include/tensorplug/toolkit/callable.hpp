// The tp_callable handed to the host by `function`: it owns a compiled Plan
// (which keeps every node it uses alive, independently of the context's
// handles) and runs it at each `call`.
#pragma once

#include <tensorplug/plugin.hpp>

#include "plan.hpp"

namespace tptk {

/**
 * Fills `out` (struct_size preset by the caller) with a callable running
 * `plan`. `out->private_data` owns the plan until `out->release(out)`.
 */
void make_callable(Plan plan, tp_callable* out);

}  // namespace tptk
