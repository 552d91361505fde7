// Collecting a child's events and attributing its crash (see collect.hpp).
#include "runner/collect.hpp"

#include <fmt/format.h>

namespace tensorplug::conformance::runner {
namespace {

CaseStatus parse_status(std::string_view s) {
  if (s == "passed") return CaseStatus::kPassed;
  if (s == "skipped") return CaseStatus::kSkipped;
  return CaseStatus::kFailed;
}

std::string with_log(std::string message, const CrashInfo& crash) {
  if (crash.log_tail.empty()) return message;
  return fmt::format("{}\nlast lines of the child's output:\n{}", message,
                     crash.log_tail);
}

}  // namespace

void AttemptCollector::apply(const Event& e) {
  if (e.type == "group_start") {
    group_.child_started = true;
  } else if (e.type == "backend") {
    if (!backend_.loaded) {
      backend_.loaded = true;
      backend_.backend = e.str("backend");
      // The runner's own resolution is authoritative for the path.
      if (backend_.library.empty()) backend_.library = e.str("library");
      backend_.description = e.str("description");
      backend_.api_version = e.str("api_version");
      backend_.dtypes = e.strings("dtypes");
      backend_.dtypes_source = e.str("dtypes_source");
    }
  } else if (e.type == "load_failed") {
    group_.load_failed = e.str("message", "the backend could not be loaded");
  } else if (e.type == "not_provided") {
    group_.add_not_provided(e.str("entry", "?"), e.str("detail"));
  } else if (e.type == "case_start") {
    CaseResult c;
    c.index = e.index("index");
    c.entry = e.str("entry", "?");
    c.name = e.str("case", "?");
    running_ = std::move(c);
    running_since_ = std::chrono::steady_clock::now();
  } else if (e.type == "case_end") {
    CaseResult c;
    c.index = e.index("index");
    c.entry = e.str("entry", "?");
    c.name = e.str("case", "?");
    c.status = parse_status(e.str("status"));
    c.failures = e.strings("failures");
    c.reason = e.str("reason");
    c.seconds = e.number("seconds");
    if (c.status == CaseStatus::kFailed && c.failures.empty()) {
      c.failures.push_back("failed (the kit recorded no message)");
    }
    running_.reset();
    idle_since_ = std::chrono::steady_clock::now();
    last_ended_ = c.index;
    group_.cases.push_back(std::move(c));
    if (on_case_) on_case_(group_, group_.cases.back());
  } else if (e.type == "group_failure") {
    group_.failures.push_back(e.str("message", "failed outside any case"));
  } else if (e.type == "group_end") {
    group_ended_ = true;
  }
  // Unknown events are ignored: a newer child may add some.
}

std::optional<std::size_t> AttemptCollector::conclude(const ChildExit& exit,
                                                      std::string_view log) {
  const bool clean = exit.kind == ChildExit::Kind::kExited && exit.status == 0;
  if (group_ended_ && clean) return std::nullopt;

  CrashInfo crash = describe_exit(exit, log);
  if (group_ended_) {
    // Every case ran, but the process did not end well: a leak report at
    // exit, a crash in a destructor, a hang in static destruction.
    group_.failures.push_back(
        with_log(fmt::format("the child {} after finishing the group",
                             crash.description),
                 crash));
    group_.crashes.push_back(std::move(crash));
    if (exit.kind == ChildExit::Kind::kTimedOut) group_.timed_out = true;
    return std::nullopt;
  }
  if (clean) {
    crash.description = "exited with status 0 before the end of the group";
  }

  if (!running_) {
    const std::string where = last_ended_
                                  ? fmt::format("after case {}", *last_ended_)
                                  : std::string("before its first case");
    group_.failures.push_back(
        with_log(fmt::format("the child {} outside any case ({})",
                             crash.description, where),
                 crash));
    if (exit.kind == ChildExit::Kind::kTimedOut) group_.timed_out = true;
    group_.crashes.push_back(std::move(crash));
    return std::nullopt;
  }

  CaseResult c = std::move(*running_);
  running_.reset();
  c.status = CaseStatus::kFailed;
  const bool killed_by_runner = exit.kind == ChildExit::Kind::kTimedOut ||
                                exit.kind == ChildExit::Kind::kHung;
  c.failures.push_back(killed_by_runner
                           ? crash.description
                           : fmt::format("crashed: {} while running this case",
                                         crash.description));
  c.crash = crash;
  const std::size_t next = c.index + 1;
  group_.cases.push_back(std::move(c));
  if (on_case_) on_case_(group_, group_.cases.back());
  group_.crashes.push_back(std::move(crash));

  if (exit.kind == ChildExit::Kind::kTimedOut) {
    // The time limit is the group's: nothing is left to restart with.
    group_.timed_out = true;
    group_.failures.push_back(
        fmt::format("the group {}; the cases after case {} were not run",
                    group_.crashes.back().description, next - 1));
    return std::nullopt;
  }
  if (group_.restarts >= kMaxRestarts) {
    group_.failures.push_back(fmt::format(
        "gave up after {} restarts; the cases after case {} were not run",
        group_.restarts, next - 1));
    return std::nullopt;
  }
  ++group_.restarts;
  return next;
}

}  // namespace tensorplug::conformance::runner
