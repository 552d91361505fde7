// tensorplug-conformance: the runner. It resolves the backend (without
// loading it), starts itself once per group in child mode, collects what
// the children report (surviving their crashes), and writes the console,
// JUnit and JSON reports. In child mode (`--child <group> --events <file>`)
// it runs one group in-process (events.hpp).
#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>

#include "events.hpp"
#include "runner/files.hpp"
#include "runner/options.hpp"
#include "runner/report_console.hpp"
#include "runner/report_json.hpp"
#include "runner/report_junit.hpp"
#include "runner/run_groups.hpp"
#include "runner/sanitizer_runtime.hpp"
#include "runner/spawn.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/resolve.hpp"

namespace {

using namespace tensorplug::conformance;
using namespace tensorplug::conformance::runner;

int run_parent(const RunnerOptions& options, const char* argv0) {
  // With SIGCHLD ignored (inherited through exec), children would be reaped
  // by the kernel and their exit status lost.
  std::signal(SIGCHLD, SIG_DFL);
  RunResult run;
  run.backend.target = options.kit.target;
  // What shapes the cases and their inputs, for the re-run command.
  const RunnerOptions defaults;
  if (options.kit.seed != defaults.kit.seed) {
    run.case_options.insert(run.case_options.end(),
                            {"--seed", std::to_string(options.kit.seed)});
  }
  if (!options.dtypes_text.empty()) {
    run.case_options.insert(run.case_options.end(),
                            {"--dtypes", options.dtypes_text});
  }
  if (options.kit.cycles != defaults.kit.cycles) {
    run.case_options.insert(run.case_options.end(),
                            {"--cycles", std::to_string(options.kit.cycles)});
  }
  if (options.threads > 0) {
    run.case_options.insert(run.case_options.end(),
                            {"--threads", std::to_string(options.threads)});
  }
  if (options.case_timeout_seconds != defaults.case_timeout_seconds) {
    run.case_options.insert(
        run.case_options.end(),
        {"--case-timeout", fmt::format("{:g}", options.case_timeout_seconds)});
  }
  try {
    // The same resolution the children make, so that a missing backend is
    // reported once, with every path tried.
    run.backend.library = resolve_target(options.kit.target).library.string();
  } catch (const tensorplug::Error& e) {
    std::cerr << "tensorplug-conformance: error: " << e.what() << "\n";
    return static_cast<int>(e.code());
  }
  if (!options.sanitizer_runtime.empty()) {
    try {
      preload_in_children(find_sanitizer_runtime(options.sanitizer_runtime,
                                                 run.backend.library));
    } catch (const std::runtime_error& e) {
      std::cerr << "tensorplug-conformance: error: " << e.what() << "\n";
      return 64;
    }
    run.case_options.insert(run.case_options.end(),
                            {"--sanitizer-runtime", options.sanitizer_runtime});
  }
  run_groups(options, self_executable(argv0), run);

  const Summary summary = summarize(run);
  if (!options.kit.only_entries.empty() && summary.cases == 0 &&
      summary.entries_not_provided == 0 && summary.group_problems.empty()) {
    std::cerr << fmt::format(
        "tensorplug-conformance: error: no case of the groups run tests "
        "--entry {} (entries are named as in the report: dot, placeholder, "
        "function, library, ...)\n",
        fmt::join(options.kit.only_entries, ", "));
    return 64;
  }
  const std::string report =
      options.json ? render_json(run, summary) : render_console(run, summary);
  std::fwrite(report.data(), 1, report.size(), stdout);
  std::fflush(stdout);
  // A report CI asked for and did not get fails the run, after the console
  // report was printed anyway.
  int status = exit_code(summary);
  const auto write = [&](const std::string& file, const std::string& text) {
    if (file.empty()) return;
    try {
      write_file_atomically(file, text);
    } catch (const std::exception& e) {
      std::cerr << "tensorplug-conformance: error: " << e.what() << "\n";
      status = 1;
    }
  };
  write(options.junit_file, render_junit(run));
  write(options.json_file, render_json(run, summary));
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  RunnerOptions options;
  if (const std::optional<int> done = parse_options(argc, argv, options)) {
    return *done;
  }
  if (options.list_groups) {
    for (std::string_view g : kGroups) std::cout << g << "\n";
    return 0;
  }
  try {
    // The children inherit the backend's thread count (a child leaves the
    // environment it was given alone).
    if (!options.is_child()) apply_thread_setting(options);
    if (options.is_child()) {
      return run_group(options.kit, options.child_group, options.events_file,
                       options.start_at);
    }
    return run_parent(options, argv[0]);
  } catch (const std::exception& e) {
    std::cerr << "tensorplug-conformance: error: " << e.what() << "\n";
    return 1;
  }
}
