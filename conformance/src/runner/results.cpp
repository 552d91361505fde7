// Verdicts of the results model (see results.hpp).
#include "runner/results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace tensorplug::conformance::runner {

std::string_view case_status_name(CaseStatus status) {
  switch (status) {
    case CaseStatus::kPassed:
      return "passed";
    case CaseStatus::kFailed:
      return "failed";
    case CaseStatus::kSkipped:
      return "skipped";
  }
  return "failed";
}

void GroupResult::add_not_provided(const std::string& entry,
                                   const std::string& detail) {
  for (auto& [name, details] : not_provided) {
    if (name != entry) continue;
    // Merged: one line per entry, every distinct detail kept.
    if (!detail.empty() && details.find(detail) == std::string::npos) {
      details = details.empty() ? detail : details + "; " + detail;
    }
    return;
  }
  not_provided.emplace_back(entry, detail);
}

GroupStatus group_status(const GroupResult& group) {
  if (group.load_failed) return GroupStatus::kNotRun;
  if (group.timed_out) return GroupStatus::kTimedOut;
  if (!group.crashes.empty()) return GroupStatus::kCrashed;
  const bool case_failed = std::any_of(
      group.cases.begin(), group.cases.end(),
      [](const auto& c) { return c.status == CaseStatus::kFailed; });
  if (case_failed || !group.failures.empty()) return GroupStatus::kFailed;
  return GroupStatus::kPassed;
}

std::string_view group_status_name(GroupStatus status) {
  switch (status) {
    case GroupStatus::kPassed:
      return "passed";
    case GroupStatus::kFailed:
      return "failed";
    case GroupStatus::kCrashed:
      return "crashed";
    case GroupStatus::kTimedOut:
      return "timed out";
    case GroupStatus::kNotRun:
      return "not run";
  }
  return "failed";
}

std::string group_status_label(const GroupResult& group) {
  switch (group_status(group)) {
    case GroupStatus::kPassed:
      return "passed";
    case GroupStatus::kFailed:
      return "FAILED";
    case GroupStatus::kNotRun:
      return "NOT RUN";
    case GroupStatus::kTimedOut:
      return "TIMED OUT";
    case GroupStatus::kCrashed: {
      // Name the distinct signals (or "exit"), in order of appearance.
      std::vector<std::string> causes;
      for (const CrashInfo& c : group.crashes) {
        const std::string cause = !c.signal.empty()  ? c.signal
                                  : c.kind == "hang" ? "hang"
                                                     : "exit";
        if (std::find(causes.begin(), causes.end(), cause) == causes.end()) {
          causes.push_back(cause);
        }
      }
      return fmt::format("CRASHED ({}{})", fmt::join(causes, ", "),
                         group.restarts > 0 ? ", restarted" : "");
    }
  }
  return "FAILED";
}

EntryVerdicts entry_verdicts(const std::vector<GroupResult>& groups) {
  struct Tally {
    int passed = 0, failed = 0, skipped = 0;
    bool not_provided = false;
  };
  std::map<std::string, Tally> tally;
  for (const GroupResult& g : groups) {
    for (const CaseResult& c : g.cases) {
      Tally& t = tally[c.entry];
      if (c.status == CaseStatus::kPassed) ++t.passed;
      if (c.status == CaseStatus::kFailed) ++t.failed;
      if (c.status == CaseStatus::kSkipped) ++t.skipped;
    }
    for (const auto& [entry, detail] : g.not_provided) {
      tally[entry].not_provided = true;
    }
  }
  EntryVerdicts out;
  for (const auto& [entry, t] : tally) {
    if (t.failed > 0) {
      out[entry] = "failed";
    } else if (t.passed > 0) {
      out[entry] = "passed";
    } else if (t.not_provided) {
      out[entry] = "not provided";
    } else {
      out[entry] = "skipped";
    }
  }
  return out;
}

GroupCounts count_group(const GroupResult& group) {
  GroupCounts n;
  struct Seen {
    bool failed = false, passed = false;
  };
  std::map<std::string, Seen> entries;
  for (const CaseResult& c : group.cases) {
    Seen& seen = entries[c.entry];
    if (c.status == CaseStatus::kPassed) {
      ++n.cases_passed;
      seen.passed = true;
    } else if (c.status == CaseStatus::kSkipped) {
      ++n.cases_skipped;
    } else {
      ++n.cases_failed;
      seen.failed = true;
    }
  }
  // As in entry_verdicts: an entry whose cases were all skipped is tested
  // but neither passed nor failed.
  n.entries_tested = static_cast<int>(entries.size());
  for (const auto& [entry, seen] : entries) {
    if (seen.failed) {
      ++n.entries_failed;
    } else if (seen.passed) {
      ++n.entries_passed;
    }
  }
  n.not_provided = static_cast<int>(group.not_provided.size());
  return n;
}

TestCounts count_tests(const GroupResult& group) {
  TestCounts n;
  if (group.load_failed) ++n.tests, ++n.errors, ++n.group_problems;
  if (!group.failures.empty()) {
    ++n.tests, ++n.group_problems;
    group.crashes.empty() ? ++n.failures : ++n.errors;
  }
  for (const CaseResult& c : group.cases) {
    ++n.tests, ++n.cases;
    if (c.status == CaseStatus::kPassed) {
      ++n.passed;
    } else if (c.status == CaseStatus::kSkipped) {
      ++n.skipped;
    } else {
      c.crash ? ++n.errors : ++n.failures;
    }
  }
  const auto not_provided = static_cast<int>(group.not_provided.size());
  n.tests += not_provided;
  n.skipped += not_provided;
  n.not_provided = not_provided;
  return n;
}

Summary summarize(const RunResult& run) {
  Summary s;
  s.groups = static_cast<int>(run.groups.size());
  std::vector<std::string> not_run;
  for (const GroupResult& g : run.groups) {
    const GroupStatus status = group_status(g);
    if (status == GroupStatus::kPassed) ++s.groups_passed;
    const GroupCounts n = count_group(g);
    s.cases_passed += n.cases_passed;
    s.cases_failed += n.cases_failed;
    s.cases_skipped += n.cases_skipped;
    s.crashes += static_cast<int>(g.crashes.size());
    const TestCounts t = count_tests(g);
    s.tests.tests += t.tests;
    s.tests.passed += t.passed;
    s.tests.failures += t.failures;
    s.tests.errors += t.errors;
    s.tests.skipped += t.skipped;
    s.tests.cases += t.cases;
    s.tests.not_provided += t.not_provided;
    s.tests.group_problems += t.group_problems;
    if (status == GroupStatus::kNotRun) {
      not_run.push_back(g.name);
    } else if (status == GroupStatus::kTimedOut) {
      s.group_problems.push_back(fmt::format("group {} timed out", g.name));
    } else if (!g.failures.empty()) {
      const std::string& first = g.failures.front();
      s.group_problems.push_back(fmt::format(
          "group {}: {}", g.name, first.substr(0, first.find('\n'))));
    }
  }
  if (!not_run.empty()) {
    s.group_problems.push_back(
        fmt::format("{} {} not run", not_run.size() == 1 ? "group" : "groups",
                    fmt::join(not_run, ", ")));
  }
  s.cases = s.cases_passed + s.cases_failed + s.cases_skipped;
  for (const auto& [entry, verdict] : entry_verdicts(run.groups)) {
    if (verdict == "not provided") {
      ++s.entries_not_provided;
      continue;
    }
    ++s.entries_tested;
    if (verdict == "failed") {
      ++s.entries_failed;
      s.failed_entries.push_back(entry);
    } else if (verdict == "passed") {
      ++s.entries_passed;
    }
  }
  s.passed = s.cases_failed == 0 && s.groups_passed == s.groups;
  return s;
}

int exit_code(const Summary& summary) { return summary.passed ? 0 : 1; }

std::string verdict_line(const Summary& summary) {
  if (summary.passed) return "conformance: PASSED";
  std::vector<std::string> parts;
  if (!summary.failed_entries.empty()) {
    parts.push_back(
        fmt::format("{} {} failed: {}", summary.failed_entries.size(),
                    summary.failed_entries.size() == 1 ? "entry" : "entries",
                    fmt::join(summary.failed_entries, ", ")));
  }
  parts.insert(parts.end(), summary.group_problems.begin(),
               summary.group_problems.end());
  if (parts.empty()) {
    // A crash attributed to a case always fails its entry; this is a group
    // that failed without a failed case or a recorded problem.
    parts.push_back(fmt::format("{} of {} groups did not pass",
                                summary.groups - summary.groups_passed,
                                summary.groups));
  }
  return fmt::format("conformance: FAILED ({})", fmt::join(parts, "; "));
}

}  // namespace tensorplug::conformance::runner
