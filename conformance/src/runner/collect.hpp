// Turning one child's events and its end into results: cases, entries not
// provided, group failures, and the crash attribution (the case that was
// started but never ended is the one that was running when the child died)
// that decides where a restarted child starts.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

#include "runner/crash.hpp"
#include "runner/event_reader.hpp"
#include "runner/results.hpp"

namespace tensorplug::conformance::runner {

/// At most this many restarts per group after crashes.
inline constexpr int kMaxRestarts = 20;

/// Collects the events of one child (one attempt at a group) into `group`
/// and `backend`.
class AttemptCollector {
 public:
  AttemptCollector(GroupResult& group, BackendInfo& backend)
      : group_(group),
        backend_(backend),
        idle_since_(std::chrono::steady_clock::now()) {}

  /// Called with each case as its case_end is read (--verbose).
  void on_case(std::function<void(const GroupResult&, const CaseResult&)> f) {
    on_case_ = std::move(f);
  }

  void apply(const Event& event);
  void apply_all(const std::vector<Event>& events) {
    for (const Event& e : events) apply(e);
  }

  bool group_ended() const { return group_ended_; }
  /// The case started and not ended (the one running when the child died).
  const std::optional<CaseResult>& running() const { return running_; }
  /// When the current phase began, for --case-timeout: the running case's
  /// start, else the end of the last case, else the child's start (loading
  /// the backend happens before the first case).
  std::chrono::steady_clock::time_point phase_since() const {
    return running_ ? running_since_ : idle_since_;
  }
  /// Index of the last case that ended, if any.
  std::optional<std::size_t> last_ended() const { return last_ended_; }

  /// Records how the child ended (with its log for crash details) and
  /// returns the case index to restart the group at, or nothing when the
  /// group is over (no restart after a time-out or kMaxRestarts).
  std::optional<std::size_t> conclude(const ChildExit& exit,
                                      std::string_view log);

 private:
  GroupResult& group_;
  BackendInfo& backend_;
  std::function<void(const GroupResult&, const CaseResult&)> on_case_;
  std::optional<CaseResult> running_;
  std::chrono::steady_clock::time_point running_since_;
  std::chrono::steady_clock::time_point idle_since_;
  std::optional<std::size_t> last_ended_;
  bool group_ended_ = false;
};

}  // namespace tensorplug::conformance::runner
