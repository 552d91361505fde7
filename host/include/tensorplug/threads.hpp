// The thread-count setting: how many threads a backend may use for the work
// of one context, its own pool and the pools of the libraries beneath it
// (BLAS, OpenMP) together. One setting for every backend; it reaches the
// plugin as tp_context.num_threads (plugin API 0.4).
#pragma once

#include <string_view>

#include "tensorplug/config.hpp"
#include "tensorplug/export.hpp"

namespace tensorplug {

/// The environment variable of the setting.
inline constexpr std::string_view kThreadsEnvironmentVariable =
    "TENSORPLUG_NUM_THREADS";
/// The largest thread count accepted.
inline constexpr unsigned kMaxThreads = 1024;

/// The thread count a backend is given, with its source: `application`
/// (LoadOptions::num_threads) when it is not 0; else TENSORPLUG_NUM_THREADS
/// when `use_environment` and it is set and not empty; else 0 with the
/// default source, which tells the backend to use its default (one thread
/// per available core). Throws ConfigError, naming the value and its
/// source, for an application value above kMaxThreads or a variable that is
/// not a whole number from 1 to kMaxThreads.
TENSORPLUG_API Setting<unsigned> thread_setting(unsigned application,
                                                bool use_environment = true);

/// "4 (environment TENSORPLUG_NUM_THREADS)", "the backend's default (one
/// per available core)".
TENSORPLUG_API std::string describe(const Setting<unsigned>& threads);

}  // namespace tensorplug
