// The runner's results model: what each group's child reported (cases,
// entries not provided, failures outside cases) plus what the runner saw
// (crashes, restarts, time-outs), and the verdicts derived from it. Pure data
// and functions: the reports and the unit tests use it without a child.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tensorplug::conformance::runner {

enum class CaseStatus { kPassed, kFailed, kSkipped };
std::string_view case_status_name(CaseStatus status);  // "passed", ...

/// How a child ended abnormally while a case (or the group) was running.
struct CrashInfo {
  /// "crash" (a signal or a non-zero exit) or "timeout".
  std::string kind = "crash";
  /// "killed by signal SIGSEGV (Segmentation fault)", "exited with status 3",
  /// "timed out after 600 s".
  std::string description;
  /// "SIGSEGV" when a signal is known (also under ASan), else empty.
  std::string signal;
  /// The last lines of the child's stdout+stderr (abort messages, ASan).
  std::string log_tail;
};

struct CaseResult {
  std::size_t index = 0;
  std::string entry;
  std::string name;
  CaseStatus status = CaseStatus::kPassed;
  std::vector<std::string> failures;
  /// Why a skipped case was skipped.
  std::string reason;
  double seconds = 0;
  /// Set when the child died during this case.
  std::optional<CrashInfo> crash;
};

/// The backend as the children described it (group_start), plus the path
/// the runner resolved itself.
struct BackendInfo {
  std::string target;
  std::string backend;
  std::string library;
  std::string description;
  std::string api_version;
  std::vector<std::string> dtypes;
  std::string dtypes_source;
  bool loaded = false;  ///< some child reported the backend's details
};

enum class GroupStatus { kPassed, kFailed, kCrashed, kTimedOut, kNotRun };

struct GroupResult {
  std::string name;
  std::vector<CaseResult> cases;
  /// Entries reported not provided, merged, in first-seen order, with their
  /// details (joined by "; " when repeated with different details).
  std::vector<std::pair<std::string, std::string>> not_provided;
  /// Failures outside any case: assertions, escaped exceptions, a child that
  /// died outside a case or ran out of restarts.
  std::vector<std::string> failures;
  /// Crashes (and a time-out) of this group's children, in order.
  std::vector<CrashInfo> crashes;
  int restarts = 0;
  /// Set when the backend could not be loaded in this group's child.
  std::optional<std::string> load_failed;
  bool timed_out = false;
  /// Whether a child of this group got as far as reporting group_start
  /// (after loading the backend, except in the loading group).
  bool child_started = false;
  double seconds = 0;
  /// Where the child logs were kept (--keep-logs), for the report.
  std::vector<std::string> logs;

  void add_not_provided(const std::string& entry, const std::string& detail);
};

GroupStatus group_status(const GroupResult& group);
/// "passed", "FAILED", "CRASHED (SIGSEGV, restarted)", "TIMED OUT",
/// "NOT RUN" for the console table.
std::string group_status_label(const GroupResult& group);
/// "passed", "failed", "crashed", "timed out", "not run" for JSON.
std::string_view group_status_name(GroupStatus status);

/// One entry's verdict across all groups: "failed" if any of its cases
/// failed, "passed" if it had cases and none failed, "skipped" if all its
/// cases were skipped, "not provided" if it was only reported not provided.
using EntryVerdicts = std::map<std::string, std::string>;
EntryVerdicts entry_verdicts(const std::vector<GroupResult>& groups);

/// Per-group entry counts for the table.
struct GroupCounts {
  int entries_tested = 0;  ///< provided entries with at least one case
  int entries_passed = 0;
  int entries_failed = 0;
  int not_provided = 0;
  int cases_passed = 0;
  int cases_failed = 0;
  int cases_skipped = 0;
};
GroupCounts count_group(const GroupResult& group);

/// The one counting rule of every report (docs/conformance.md, "How the
/// reports count"): a test is a case; an entry not provided (a skipped
/// test); a group's failures outside its cases (one test: an error when a
/// child of the group crashed, else a failure); a group that could not run
/// because the backend did not load (one error). A failed case is an error
/// when its child crashed, else a failure. JUnit's attributes and the
/// console's summary line give these numbers.
struct TestCounts {
  int tests = 0;
  int passed = 0;
  int failures = 0;
  int errors = 0;
  int skipped = 0;
  /// What the tests are: tests == cases + not_provided + group_problems.
  int cases = 0;
  int not_provided = 0;  ///< per group: an entry can be in several
  int group_problems = 0;
};
TestCounts count_tests(const GroupResult& group);

struct RunResult {
  BackendInfo backend;
  /// The options that shape the cases (--seed, --dtypes, ...), as given,
  /// for the command that re-runs what failed.
  std::vector<std::string> case_options;
  std::vector<GroupResult> groups;
  double seconds = 0;
};

struct Summary {
  int groups = 0;
  int groups_passed = 0;
  int cases = 0;
  int cases_passed = 0;
  int cases_failed = 0;
  int cases_skipped = 0;
  int crashes = 0;
  int entries_tested = 0;
  int entries_passed = 0;
  int entries_failed = 0;
  int entries_not_provided = 0;
  std::vector<std::string> failed_entries;
  /// The reports' tests (count_tests summed over the groups).
  TestCounts tests;
  /// Groups that failed outside their cases or did not run, with why:
  /// "lifecycle not run", "ops crashed outside any case".
  std::vector<std::string> group_problems;
  bool passed = false;
};
Summary summarize(const RunResult& run);

/// 0 when the run passed; 1 otherwise.
int exit_code(const Summary& summary);

/// "conformance: PASSED" or "conformance: FAILED (2 entries failed: dot,
/// relu; group lifecycle not run)".
std::string verdict_line(const Summary& summary);

}  // namespace tensorplug::conformance::runner
