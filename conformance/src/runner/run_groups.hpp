// Running the groups: one child per group (restarted after the case that
// crashed), or all in this process with --no-isolate; the results of all.
#pragma once

#include <string>

#include "runner/options.hpp"
#include "runner/results.hpp"

namespace tensorplug::conformance::runner {

/// Runs every group of `options` and returns the results; `run.backend`
/// must already hold the target and the resolved library. `exe` is this
/// program (children are started from it). Throws std::runtime_error when
/// the work directory cannot be made.
void run_groups(const RunnerOptions& options, const std::string& exe,
                RunResult& run);

}  // namespace tensorplug::conformance::runner
