// The console report (see report_console.hpp).
#include "runner/report_console.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

namespace tensorplug::conformance::runner {
namespace {

std::string or_none(const std::string& s, std::string_view none) {
  return s.empty() ? std::string(none) : s;
}

/// Indents every line of `text` by `spaces`.
std::string indent(std::string_view text, int spaces) {
  const std::string pad(static_cast<std::size_t>(spaces), ' ');
  std::string out;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t nl = text.find('\n', begin);
    const std::string_view line =
        text.substr(begin, nl == std::string_view::npos ? nl : nl - begin);
    out += pad;
    out += line;
    out += '\n';
    if (nl == std::string_view::npos) break;
    begin = nl + 1;
  }
  return out;
}

std::string render_header(const RunResult& run) {
  const BackendInfo& b = run.backend;
  std::string out;
  out += fmt::format("tensorplug-conformance: {}\n", b.target);
  out += fmt::format("  backend      {}\n", or_none(b.backend, b.target));
  out += fmt::format("  library      {}\n", or_none(b.library, "(unknown)"));
  if (b.loaded) {
    out += fmt::format("  description  {}\n",
                       or_none(b.description, "(none given)"));
    out += fmt::format("  API version  {}\n", b.api_version);
    out += fmt::format("  dtypes       {} (from {})\n",
                       fmt::join(b.dtypes, ", "), b.dtypes_source);
  } else {
    out += "  (the backend did not load in any group)\n";
  }
  return out;
}

std::string render_table(const RunResult& run) {
  constexpr std::size_t kColumns = 7;
  using Row = std::array<std::string, kColumns>;
  std::vector<Row> rows;
  rows.push_back({"group", "entries tested", "passed", "failed", "not provided",
                  "cases passed/failed/skipped", "status"});
  for (const GroupResult& g : run.groups) {
    const GroupCounts n = count_group(g);
    rows.push_back({g.name, std::to_string(n.entries_tested),
                    std::to_string(n.entries_passed),
                    std::to_string(n.entries_failed),
                    std::to_string(n.not_provided),
                    fmt::format("{}/{}/{}", n.cases_passed, n.cases_failed,
                                n.cases_skipped),
                    group_status_label(g)});
  }
  std::array<std::size_t, kColumns> width{};
  for (const Row& r : rows) {
    for (std::size_t i = 0; i < kColumns; ++i) {
      width[i] = std::max(width[i], r[i].size());
    }
  }
  std::string out;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    std::string line;
    for (std::size_t i = 0; i < kColumns; ++i) {
      if (i > 0) line += " | ";
      // Names left-aligned, counts right-aligned, the status last, unpadded.
      if (i == 0) {
        line += fmt::format("{:<{}}", rows[k][i], width[i]);
      } else if (i + 1 == kColumns) {
        line += rows[k][i];
      } else {
        line += fmt::format("{:>{}}", rows[k][i], width[i]);
      }
    }
    out += line + '\n';
    if (k == 0) {
      std::string rule;
      for (std::size_t i = 0; i < kColumns; ++i) {
        if (i > 0) rule += "-|-";
        rule += std::string(width[i], '-');
      }
      out += rule + '\n';
    }
  }
  return out;
}

std::string render_failures(const RunResult& run) {
  std::string out;
  for (const GroupResult& g : run.groups) {
    if (g.load_failed) {
      out += fmt::format("{}: not run\n", g.name);
      out += indent(*g.load_failed, 4);
    }
    for (const std::string& f : g.failures) {
      out += fmt::format("{}: failed outside its cases\n", g.name);
      out += indent(f, 4);
    }
    bool tail_shown = false;
    for (const CaseResult& c : g.cases) {
      if (c.status != CaseStatus::kFailed) continue;
      out += fmt::format("{}/{}: {}\n", g.name, c.entry, c.name);
      for (const std::string& f : c.failures) out += indent(f, 4);
      if (c.crash && !c.crash->log_tail.empty()) {
        // Repeated crashes print much the same output: the first is shown;
        // the JUnit and JSON reports keep every one.
        if (!tail_shown) {
          out += "    last lines of the child's output:\n";
          out += indent(c.crash->log_tail, 6);
          tail_shown = true;
        }
      }
    }
    if (group_status(g) != GroupStatus::kPassed) {
      for (const std::string& log : g.logs) {
        out += fmt::format("{}: child output kept in {}\n", g.name, log);
      }
    }
  }
  return out;
}

}  // namespace

std::string format_case_line(const GroupResult& group, const CaseResult& c) {
  std::string status;
  switch (c.status) {
    case CaseStatus::kPassed:
      status = "passed";
      break;
    case CaseStatus::kFailed:
      status = c.crash ? "CRASHED" : "FAILED";
      break;
    case CaseStatus::kSkipped:
      status =
          c.reason.empty() ? "skipped" : fmt::format("skipped ({})", c.reason);
      break;
  }
  return fmt::format("  {}/{}: {} ... {} ({:.3f} s)", group.name, c.entry,
                     c.name, status, c.seconds);
}

namespace {

/// `text` as one POSIX shell word: as it is when it is made of safe
/// characters only, else in single quotes.
std::string shell_quote(const std::string& text) {
  const bool safe =
      !text.empty() &&
      std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return std::isalnum(c) ||
               (c != 0 && std::strchr("_-./=,:+@%", c) != nullptr);
      });
  if (safe) return text;
  std::string out = "'";
  for (char c : text)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// How to re-run only what failed: one command per group with failed cases.
std::string render_rerun_hint(const RunResult& run) {
  std::string out;
  for (const GroupResult& g : run.groups) {
    std::vector<std::string> entries;
    for (const CaseResult& c : g.cases) {
      if (c.status == CaseStatus::kFailed &&
          std::find(entries.begin(), entries.end(), c.entry) == entries.end()) {
        entries.push_back(c.entry);
      }
    }
    if (entries.empty()) continue;
    std::vector<std::string> args = {"tensorplug-conformance", "--group",
                                     g.name};
    for (const std::string& e : entries) {
      args.insert(args.end(), {"--entry", e});
    }
    args.insert(args.end(), run.case_options.begin(), run.case_options.end());
    args.insert(args.end(), {"--", run.backend.target});
    std::vector<std::string> quoted;
    for (const std::string& a : args) quoted.push_back(shell_quote(a));
    out += fmt::format("  {}\n", fmt::join(quoted, " "));
  }
  return out.empty() ? out : "\nRe-run only what failed:\n" + out;
}

}  // namespace

std::string render_console(const RunResult& run, const Summary& summary) {
  std::string out = render_header(run);
  out += '\n';
  out += render_table(run);
  const std::string failures = render_failures(run);
  if (!failures.empty()) {
    out += "\nFailures\n";
    out += failures;
    out += render_rerun_hint(run);
  }
  // The tests as the JUnit report counts them (count_tests), then the
  // cases and entries they are made of.
  const TestCounts& t = summary.tests;
  out += fmt::format(
      "\n{} tests: {} passed, {} failed, {} errors, {} skipped ({} cases, {} "
      "not provided in a group, {} group problems); {} entries tested, {} "
      "not provided; {:.1f} s\n",
      t.tests, t.passed, t.failures, t.errors, t.skipped, t.cases,
      t.not_provided, t.group_problems, summary.entries_tested,
      summary.entries_not_provided, run.seconds);
  out += verdict_line(summary) + '\n';
  return out;
}

}  // namespace tensorplug::conformance::runner
