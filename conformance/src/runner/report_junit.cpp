// The JUnit XML report (see report_junit.hpp).
#include "runner/report_junit.hpp"

#include <fmt/format.h>

#include "runner/xml.hpp"

namespace tensorplug::conformance::runner {
namespace {

struct Totals {
  TestCounts counts;
  double time = 0;
};

std::string first_line(std::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

std::string join_lines(const std::vector<std::string>& lines) {
  return fmt::format("{}", fmt::join(lines, "\n"));
}

std::string testcase(std::string_view classname, std::string_view name,
                     double seconds, std::string_view body) {
  if (body.empty()) {
    return fmt::format(
        "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.6f}\"/>\n",
        xml_escape(classname), xml_escape(name), seconds);
  }
  return fmt::format(
      "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.6f}\">\n{}    "
      "</testcase>\n",
      xml_escape(classname), xml_escape(name), seconds, body);
}

std::string element(std::string_view tag, std::string_view type,
                    std::string_view message, std::string_view text) {
  return fmt::format("      <{} message=\"{}\" type=\"{}\">{}</{}>\n", tag,
                     xml_escape(message), xml_escape(type), xml_escape(text),
                     tag);
}

std::string skipped(std::string_view message) {
  return fmt::format("      <skipped message=\"{}\"/>\n", xml_escape(message));
}

std::string properties(const BackendInfo& b) {
  std::string out = "    <properties>\n";
  const auto prop = [&](std::string_view name, std::string_view value) {
    out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name,
                       xml_escape(value));
  };
  prop("target", b.target);
  prop("backend", b.backend);
  prop("library", b.library);
  prop("description", b.description);
  prop("api_version", b.api_version);
  prop("dtypes", fmt::format("{}", fmt::join(b.dtypes, ",")));
  prop("dtypes_source", b.dtypes_source);
  out += "    </properties>\n";
  return out;
}

// The testcases written here are exactly the tests count_tests() counts
// (results.hpp), the numbers on the testsuite.
std::string render_suite(const GroupResult& g, const BackendInfo& backend,
                         Totals& total) {
  const TestCounts n = count_tests(g);
  double case_time = 0;
  std::string cases;
  if (g.load_failed) {
    cases += testcase(
        g.name, "not run", 0,
        element("error", "not run", "not run: " + first_line(*g.load_failed),
                *g.load_failed));
  }
  if (!g.failures.empty()) {
    // A child that died outside a case is an error, like a crashed case.
    const bool crashed = !g.crashes.empty();
    cases += testcase(
        g.name, "outside any case", 0,
        element(crashed ? "error" : "failure",
                g.timed_out ? "timeout"
                : crashed   ? "crash"
                            : "failure",
                first_line(g.failures.front()), join_lines(g.failures)));
  }
  for (const CaseResult& c : g.cases) {
    case_time += c.seconds;
    const std::string classname = g.name + "." + c.entry;
    std::string body;
    if (c.status == CaseStatus::kFailed && c.crash) {
      std::string text = join_lines(c.failures);
      if (!c.crash->log_tail.empty()) {
        text += "\nlast lines of the child's output:\n" + c.crash->log_tail;
      }
      body = element("error", c.crash->kind, c.crash->description, text);
    } else if (c.status == CaseStatus::kFailed) {
      body = element("failure", "failure", first_line(c.failures.front()),
                     join_lines(c.failures));
    } else if (c.status == CaseStatus::kSkipped) {
      body = skipped(c.reason.empty() ? "skipped" : c.reason);
    }
    cases += testcase(classname, c.name, c.seconds, body);
  }
  for (const auto& [entry, detail] : g.not_provided) {
    cases += testcase(
        g.name + "." + entry, "not provided", 0,
        skipped(detail.empty() ? "not provided" : "not provided: " + detail));
  }
  // The group's wall time (with loading and restarts) when it is known.
  const double time = g.seconds > 0 ? g.seconds : case_time;
  total.counts.tests += n.tests;
  total.counts.failures += n.failures;
  total.counts.errors += n.errors;
  total.counts.skipped += n.skipped;
  total.time += time;
  return fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "skipped=\"{}\" time=\"{:.6f}\">\n{}{}  </testsuite>\n",
      xml_escape(g.name), n.tests, n.failures, n.errors, n.skipped, time,
      properties(backend), cases);
}

}  // namespace

std::string render_junit(const RunResult& run) {
  Totals total;
  std::string suites;
  for (const GroupResult& g : run.groups) {
    suites += render_suite(g, run.backend, total);
  }
  const double time = run.seconds > 0 ? run.seconds : total.time;
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"tensorplug-conformance\" tests=\"{}\" "
      "failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.6f}\">\n"
      "{}</testsuites>\n",
      total.counts.tests, total.counts.failures, total.counts.errors,
      total.counts.skipped, time, suites);
}

}  // namespace tensorplug::conformance::runner
