// The thread-count setting as a toolkit backend reads it: the context's
// `num_threads` (rule TP_ABI_13a; the host fills it from the application or
// TENSORPLUG_NUM_THREADS), or one thread per available core when it is 0.
#pragma once

#include <tensorplug/plugin_api.h>

namespace tptk {

/** The cores this process may run on (sched_getaffinity), at least 1. */
int available_cores() noexcept;

/**
 * The threads a backend may keep busy for `context`'s work, its own pool and
 * the libraries beneath it together: `context.num_threads` when the struct
 * has the field and it is not 0, else available_cores().
 */
int thread_count(const tp_context& context) noexcept;

}  // namespace tptk
