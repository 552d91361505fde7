// Running the groups (see run_groups.hpp).
#include "runner/run_groups.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "events.hpp"
#include "runner/collect.hpp"
#include "runner/report_console.hpp"
#include "runner/spawn.hpp"

namespace tensorplug::conformance::runner {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// The directory for the children's logs and events: --keep-logs DIR, or a
/// new temporary one that is removed at the end.
class WorkDir {
 public:
  explicit WorkDir(const std::string& keep) {
    if (!keep.empty()) {
      path_ = keep;
      std::error_code ec;
      fs::create_directories(path_, ec);
      if (ec) {
        throw std::runtime_error(fmt::format(
            "--keep-logs: cannot create {}: {}", keep, ec.message()));
      }
      keep_ = true;
      return;
    }
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string tmpl = (base / "tensorplug-conformance.XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      throw std::runtime_error(
          fmt::format("cannot create a work directory in {}: {}", base.string(),
                      std::strerror(errno)));
    }
    path_ = tmpl;
  }
  ~WorkDir() {
    if (keep_) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  bool kept() const { return keep_; }

 private:
  fs::path path_;
  bool keep_ = false;
};

void print_case(const RunnerOptions& options, const GroupResult& g,
                const CaseResult& c) {
  // With --json, stdout is the report's alone.
  std::FILE* out = options.json ? stderr : stdout;
  std::fputs((format_case_line(g, c) + "\n").c_str(), out);
  std::fflush(out);
}

/// One child per attempt; restarts after a crashed case.
void run_isolated(const RunnerOptions& options, const std::string& exe,
                  const WorkDir& work, GroupResult& g, BackendInfo& backend) {
  const Clock::time_point deadline =
      Clock::now() +
      std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(options.timeout_seconds));
  std::size_t start_at = 0;
  // An entry that crashed the backend once would crash it again in each of
  // its later cases: those are reported as not run instead of restarting
  // the group once per case.
  std::vector<std::string> crashed_entries;
  for (int attempt = 0;; ++attempt) {
    const std::string stem =
        attempt == 0 ? g.name : fmt::format("{}.restart{}", g.name, attempt);
    const fs::path events = work.path() / (stem + ".events.jsonl");
    const fs::path log = work.path() / (stem + ".log");
    std::error_code ec;
    fs::remove(events, ec);  // a kept directory may hold an older run
    fs::remove(log, ec);
    if (work.kept()) g.logs.push_back(log.string());

    AttemptCollector collector(g, backend);
    if (options.verbose) {
      collector.on_case([&](const GroupResult& group, const CaseResult& c) {
        print_case(options, group, c);
      });
    }
    EventReader reader;
    FileTail tail(events);
    const pid_t pid =
        spawn_child(exe,
                    child_arguments(options, g.name, events.string(), start_at,
                                    crashed_entries),
                    log);
    const auto case_limit = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(options.case_timeout_seconds));
    const ChildExit exit = wait_child(
        pid, deadline, options.timeout_seconds,
        [&] { collector.apply_all(reader.feed(tail.read_new())); },
        [&] { return Clock::now() - collector.phase_since() > case_limit; },
        options.case_timeout_seconds);
    collector.apply_all(reader.finish());
    for (const std::string& p : reader.problems()) g.failures.push_back(p);
    const std::optional<std::size_t> next =
        collector.conclude(exit, read_file_end(log));
    if (!next) return;
    if (options.verbose) {
      std::fprintf(options.json ? stderr : stdout,
                   "  %s: the child crashed; restarting at case %zu\n",
                   g.name.c_str(), *next);
    }
    start_at = *next;
    if (!g.cases.empty() && g.cases.back().crash) {
      crashed_entries.push_back(g.cases.back().entry);
    }
  }
}

/// --no-isolate: the group runs in this process; a crash ends the run.
void run_in_process(const RunnerOptions& options, const WorkDir& work,
                    GroupResult& g, BackendInfo& backend) {
  const fs::path events = work.path() / (g.name + ".events.jsonl");
  std::error_code ec;
  fs::remove(events, ec);
  const int status = run_group(options.kit, g.name, events, 0);
  AttemptCollector collector(g, backend);
  if (options.verbose) {
    collector.on_case([&](const GroupResult& group, const CaseResult& c) {
      print_case(options, group, c);
    });
  }
  std::vector<std::string> problems;
  collector.apply_all(read_events(read_file_end(events, SIZE_MAX), &problems));
  for (const std::string& p : problems) g.failures.push_back(p);
  ChildExit exit;
  exit.status = status;
  collector.conclude(exit, "");
}

}  // namespace

void run_groups(const RunnerOptions& options, const std::string& exe,
                RunResult& run) {
  const Clock::time_point start = Clock::now();
  const WorkDir work(options.keep_logs);
  const bool progress = !options.verbose && isatty(STDERR_FILENO);
  // Set when a child crashed or hung while loading the backend (before it
  // reported group_start): every later group would do the same.
  std::optional<std::string> load_broken;
  for (const std::string& name : options.groups) {
    GroupResult& g = run.groups.emplace_back();
    g.name = name;
    if (load_broken) {
      g.load_failed = *load_broken;
      continue;
    }
    if (progress) {
      std::fprintf(stderr, "tensorplug-conformance: running %s ...\n",
                   name.c_str());
    }
    const Clock::time_point group_start = Clock::now();
    if (options.no_isolate) {
      run_in_process(options, work, g, run.backend);
    } else {
      run_isolated(options, exe, work, g, run.backend);
    }
    g.seconds = seconds_since(group_start);
    if (!g.child_started && !g.crashes.empty()) {
      load_broken = fmt::format(
          "not run: the child of group `{}` {} while loading the backend, "
          "before its first case",
          name, g.crashes.back().description);
    }
  }
  run.seconds = seconds_since(start);
}

}  // namespace tensorplug::conformance::runner
