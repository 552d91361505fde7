// How a child process ended, described for a person: signal names
// ("SIGSEGV (Segmentation fault)"), exit statuses, and crashes that a
// sanitizer caught (under ASan a SEGV makes the child exit with status 1 and
// "AddressSanitizer: SEGV" in its log, so the exit status alone would hide
// the signal).
#pragma once

#include <string>
#include <string_view>

#include "runner/results.hpp"

namespace tensorplug::conformance::runner {

/// How a child ended, as the runner saw it.
struct ChildExit {
  /// kTimedOut: the group's time limit passed; kHung: one case ran longer
  /// than the per-case limit. The runner killed the child in both.
  enum class Kind { kExited, kSignaled, kTimedOut, kHung };
  Kind kind = Kind::kExited;
  int status = 0;              ///< exit status (kExited)
  int signal = 0;              ///< terminating signal (kSignaled)
  double timeout_seconds = 0;  ///< the limit it hit (kTimedOut, kHung)
};

/// "SIGSEGV" (or "signal 42" for one without a name).
std::string signal_name(int signal);
/// "SIGSEGV (Segmentation fault)".
std::string signal_display(int signal);

/// The crash info for a child that ended abnormally. `log` is (the end of)
/// its stdout+stderr: it is searched for sanitizer reports and its last
/// `tail_lines` lines are attached.
CrashInfo describe_exit(const ChildExit& exit, std::string_view log,
                        int tail_lines = 20);

/// The last `lines` lines of a child's log that say something: blank lines
/// and Catch2's banners and rules are left out.
std::string log_tail(std::string_view log, int lines);

/// The last `lines` lines of `text` (without a trailing empty line).
std::string last_lines(std::string_view text, int lines);

}  // namespace tensorplug::conformance::runner
