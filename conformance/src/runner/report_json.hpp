// The JSON report (--json, --json-file): the same results as the console
// report, for scripts. Shape in docs/conformance.md.
#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "runner/results.hpp"

namespace tensorplug::conformance::runner {

boost::json::value report_json(const RunResult& run, const Summary& summary);
/// report_json serialized on one line, with a final newline.
std::string render_json(const RunResult& run, const Summary& summary);

}  // namespace tensorplug::conformance::runner
