// The runner's command line (see options.hpp).
#include "runner/options.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "values.hpp"

namespace tensorplug::conformance::runner {
namespace {

constexpr int kUsage = 64;  // ExitCode::kUsage

int usage_error(const std::string& message) {
  std::cerr << "tensorplug-conformance: error: " << message
            << "\nRun `tensorplug-conformance --help` for usage.\n";
  return kUsage;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

std::optional<int> parse_options(int argc, char** argv, RunnerOptions& o) {
  CLI::App app{
      "tensorplug-conformance: checks that a backend plugin loads, honours "
      "the ABI contract and computes what the reference backend computes.",
      "tensorplug-conformance"};
  app.footer(fmt::format(
      "Groups, in run order: {}. Each group runs in its own child process:\n"
      "a crash fails the running case, and the group goes on after it.\n"
      "Exit status: 0 every provided entry passed, 1 a failure, 3 backend\n"
      "not found, 64 usage. See docs/conformance.md.",
      fmt::join(kGroups, ", ")));
  std::vector<std::string> groups;
  std::string seed_text;
  app.add_option("backend", o.kit.target,
                 "Backend name (`reference`, `my_package.my_module`) or a "
                 "library path (contains `/` or ends in .so/.dll/.dylib)");
  app.add_option("--group", groups,
                 "Run only this group (repeatable; default: all)")
      ->type_name("GROUP")
      ->allow_extra_args(false);  // `--group ops reference`: one each
  app.add_option("--junit", o.junit_file, "Write a JUnit XML report to FILE")
      ->type_name("FILE");
  app.add_flag("--json", o.json,
               "Print the JSON report on stdout instead of the table");
  app.add_option("--json-file", o.json_file, "Write the JSON report to FILE")
      ->type_name("FILE");
  app.add_option("--dtypes", o.dtypes_text,
                 "Test these dtypes (float16,float32,float64,int32,int64,"
                 "bool) instead of what the backend declares")
      ->type_name("LIST");
  app.add_option("--seed", o.kit.seed, "Seed of the random inputs")
      ->capture_default_str();
  app.add_option("--cycles", o.kit.cycles,
                 "Create/release cycles per lifecycle case")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  // At most 1e6 s (11 days): larger values would overflow the clock.
  app.add_option("--timeout", o.timeout_seconds,
                 "Time limit of each group, restarts included, in seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 1e6));
  app.add_option("--case-timeout", o.case_timeout_seconds,
                 "Time limit of one case, in seconds: a case that runs "
                 "longer fails as hung and the group goes on after it")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 1e6));
  app.add_option("--threads", o.threads,
                 fmt::format("Thread count of the backend: sets {} in the "
                             "children (default: the environment's {}, "
                             "else {})",
                             kThreadsEnv, kThreadsEnv, kDefaultThreads))
      ->type_name("N")
      ->check(CLI::Range(1, 4096));
  app.add_option("--sanitizer-runtime", o.sanitizer_runtime,
                 "Preload this sanitizer runtime into the group children, "
                 "for a backend built with it: `asan` (the AddressSanitizer "
                 "runtime the backend needs) or a library path")
      ->type_name("RUNTIME");
  app.add_flag("--no-isolate", o.no_isolate,
               "Run the groups in this process (for a debugger; a crash "
               "ends the run)");
  app.add_option("--keep-logs", o.keep_logs,
                 "Keep each child's output and events in DIR")
      ->type_name("DIR");
  app.add_flag("--list-groups", o.list_groups, "Print the groups and exit");
  app.add_flag("-v,--verbose", o.verbose, "Print each case as it ends");
  app.add_option("--entry", o.kit.only_entries,
                 "Run only this entry's cases (repeatable), named as in the "
                 "report: dot, placeholder, function, ...")
      ->type_name("ENTRY")
      ->allow_extra_args(false);
  // Child mode: how the runner starts itself; not for people.
  app.add_option("--child", o.child_group)->group("");
  app.add_option("--events", o.events_file)->group("");
  app.add_option("--start-at", o.start_at)->group("");
  app.add_option("--skip-entry", o.kit.skip_entries)
      ->group("")
      ->allow_extra_args(false);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help "fails" with 0; every real usage error is 64 (EX_USAGE).
    if (e.get_exit_code() == 0) return app.exit(e);
    return usage_error(e.what());
  }

  if (o.list_groups) return std::nullopt;
  if (o.kit.target.empty()) {
    return usage_error("a backend name or library path is required");
  }
  for (const std::string& g : groups) {
    if (std::find(kGroups.begin(), kGroups.end(), g) == kGroups.end()) {
      return usage_error(fmt::format("unknown group `{}` (groups: {})", g,
                                     fmt::join(kGroups, ", ")));
    }
    if (std::find(o.groups.begin(), o.groups.end(), g) == o.groups.end()) {
      o.groups.push_back(g);
    }
  }
  if (o.groups.empty()) o.groups.assign(kGroups.begin(), kGroups.end());
  if (!o.dtypes_text.empty()) {
    std::vector<DLDataType> dtypes;
    for (const std::string& name : split_commas(o.dtypes_text)) {
      const std::optional<DLDataType> dt = parse_dtype(name);
      if (!dt) {
        std::vector<std::string> known;
        for (DLDataType k : all_dtypes()) known.push_back(dtype_name(k));
        return usage_error(
            fmt::format("--dtypes: unknown dtype `{}` (known: {})", name,
                        fmt::join(known, ", ")));
      }
      dtypes.push_back(*dt);
    }
    if (dtypes.empty()) return usage_error("--dtypes: no dtype given");
    o.kit.dtypes = std::move(dtypes);
  }
  if (!o.sanitizer_runtime.empty() && o.no_isolate) {
    return usage_error(
        "--sanitizer-runtime preloads the runtime into the group children, "
        "which --no-isolate does not start; preload it yourself: "
        "LD_PRELOAD=<runtime> tensorplug-conformance --no-isolate ...");
  }
  if (o.is_child() && o.events_file.empty()) {
    return usage_error("--child needs --events FILE");
  }
  return std::nullopt;
}

std::string apply_thread_setting(const RunnerOptions& options) {
  if (options.threads > 0) {
    const std::string value = std::to_string(options.threads);
    ::setenv(kThreadsEnv, value.c_str(), 1);
    return value;
  }
  const char* current = std::getenv(kThreadsEnv);
  if (current != nullptr && *current != '\0') return current;
  const std::string value = std::to_string(kDefaultThreads);
  ::setenv(kThreadsEnv, value.c_str(), 1);
  return value;
}

std::vector<std::string> child_arguments(
    const RunnerOptions& o, const std::string& group,
    const std::string& events_file, std::size_t start_at,
    const std::vector<std::string>& skip_entries) {
  std::vector<std::string> args = {"--child",    group,
                                   "--events",   events_file,
                                   "--start-at", std::to_string(start_at),
                                   "--seed",     std::to_string(o.kit.seed),
                                   "--cycles",   std::to_string(o.kit.cycles)};
  if (!o.dtypes_text.empty()) {
    args.push_back("--dtypes");
    args.push_back(o.dtypes_text);
  }
  for (const std::string& entry : o.kit.only_entries) {
    args.push_back("--entry");
    args.push_back(entry);
  }
  for (const std::string& entry : skip_entries) {
    args.push_back("--skip-entry");
    args.push_back(entry);
  }
  // After "--": a target starting with '-' is still the target.
  args.push_back("--");
  args.push_back(o.kit.target);
  return args;
}

}  // namespace tensorplug::conformance::runner
