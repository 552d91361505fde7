// The runner's command line (CLI11): the public options, and the hidden
// child mode (`--child <group> --events <file> [--start-at N]`) with which
// the runner starts itself once per group.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kit.hpp"

namespace tensorplug::conformance::runner {

struct RunnerOptions {
  /// target, dtypes (parsed), seed, cycles.
  KitOptions kit;
  /// --dtypes as given, passed on to the children.
  std::string dtypes_text;
  /// The groups to run, in order (default: kGroups).
  std::vector<std::string> groups;
  std::string junit_file;
  bool json = false;
  std::string json_file;
  double timeout_seconds = 600;
  /// A case running longer than this is a hang: its child is killed and the
  /// group goes on after it (--case-timeout).
  double case_timeout_seconds = 120;
  bool no_isolate = false;
  /// --threads: TENSORPLUG_NUM_THREADS for the backend (0: not given, then
  /// the environment's value, else kDefaultThreads).
  int threads = 0;
  std::string keep_logs;
  /// --sanitizer-runtime: `asan` or the path of a runtime library to preload
  /// into the children (runner/sanitizer_runtime.hpp); empty: none.
  std::string sanitizer_runtime;
  bool list_groups = false;
  bool verbose = false;

  // Child mode.
  std::string child_group;
  std::string events_file;
  std::size_t start_at = 0;
  bool is_child() const { return !child_group.empty(); }
};

/// The backend's thread count the kit runs with unless the user set
/// TENSORPLUG_NUM_THREADS (or --threads): above 1, so that threaded kernels
/// split their work, and no more than the machines CI runs on have.
inline constexpr int kDefaultThreads = 2;
/// The environment variable a backend reads its thread count from.
inline constexpr const char* kThreadsEnv = "TENSORPLUG_NUM_THREADS";

/// Sets TENSORPLUG_NUM_THREADS in this process, so that the children (and,
/// with --no-isolate, the backend loaded here) inherit it: to --threads when
/// given, else to kDefaultThreads unless the environment already has a
/// value. Returns the value in effect.
std::string apply_thread_setting(const RunnerOptions& options);

/// Parses the command line. Returns the exit status to end with right away
/// (0 after --help, 64 after a usage error, with the message printed), or
/// nothing to go on.
std::optional<int> parse_options(int argc, char** argv, RunnerOptions& out);

/// The arguments (after argv[0]) that start a child for `group`, which
/// starts at case `start_at` and does not run the cases of `skip_entries`
/// (entries that crashed the backend in an earlier attempt).
std::vector<std::string> child_arguments(
    const RunnerOptions& options, const std::string& group,
    const std::string& events_file, std::size_t start_at,
    const std::vector<std::string>& skip_entries = {});

}  // namespace tensorplug::conformance::runner
