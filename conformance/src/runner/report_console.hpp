// The console report (stdout): the backend's header, one table row per
// group, the failures with their messages, and the verdict line.
#pragma once

#include <string>

#include "runner/results.hpp"

namespace tensorplug::conformance::runner {

std::string render_console(const RunResult& run, const Summary& summary);

/// One line per case for --verbose: "  ops/dot: (3, 4) x (4, 2) float32 ...
/// FAILED (0.002 s)".
std::string format_case_line(const GroupResult& group, const CaseResult& c);

}  // namespace tensorplug::conformance::runner
