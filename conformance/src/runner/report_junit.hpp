// The JUnit XML report (--junit FILE) for CI systems: one <testsuite> per
// group, one <testcase> per case (classname "<group>.<entry>"), a failed
// case as <failure>, a case that crashed or timed out as <error>, skipped
// cases and entries not provided as <skipped>.
#pragma once

#include <string>

#include "runner/results.hpp"

namespace tensorplug::conformance::runner {

std::string render_junit(const RunResult& run);

}  // namespace tensorplug::conformance::runner
