// The one counting rule of the conformance kit's reports (count_tests,
// docs/conformance.md "How the reports count"): the JUnit attributes and the
// console's summary line give the same tests, passes, failures, errors and
// skips.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <string>

#include "runner/report_console.hpp"
#include "runner/report_junit.hpp"
#include "runner/results.hpp"

namespace runner = tensorplug::conformance::runner;
using runner::CaseStatus;

namespace {

runner::CaseResult make_case(const std::string& entry, CaseStatus status) {
  runner::CaseResult c;
  c.entry = entry;
  c.name = entry + " case";
  c.status = status;
  if (status == CaseStatus::kFailed) c.failures = {"wrong numbers"};
  if (status == CaseStatus::kSkipped) c.reason = "needs gradients";
  return c;
}

/// A run with every kind of test: passed, failed, crashed and skipped cases,
/// an entry not provided in two groups, a group failure outside its cases
/// after a crash, and a group that could not run.
runner::RunResult mixed_run() {
  runner::RunResult run;
  runner::GroupResult& ops = run.groups.emplace_back();
  ops.name = "ops";
  ops.cases.push_back(make_case("add", CaseStatus::kPassed));
  ops.cases.push_back(make_case("add", CaseStatus::kPassed));
  ops.cases.push_back(make_case("dot", CaseStatus::kFailed));
  runner::CaseResult crashed = make_case("relu", CaseStatus::kFailed);
  crashed.crash =
      runner::CrashInfo{"crash", "killed by signal SIGSEGV", "SIGSEGV", ""};
  ops.cases.push_back(crashed);
  ops.add_not_provided("conv2d", "not exported");
  runner::GroupResult& grads = run.groups.emplace_back();
  grads.name = "gradients";
  grads.cases.push_back(make_case("add", CaseStatus::kSkipped));
  grads.add_not_provided("conv2d", "not exported");
  grads.failures = {"the child died outside any case"};
  grads.crashes.push_back(
      runner::CrashInfo{"crash", "exited with status 3", "", ""});
  runner::GroupResult& life = run.groups.emplace_back();
  life.name = "lifecycle";
  life.load_failed = "context_init failed";
  return run;
}

}  // namespace

TEST_CASE("Every kind of test is counted once by the one rule",
          "[conformance][runner]") {
  const runner::Summary s = runner::summarize(mixed_run());
  const runner::TestCounts& t = s.tests;
  // 5 cases + conv2d not provided in 2 groups + 2 group problems.
  CHECK(t.cases == 5);
  CHECK(t.not_provided == 2);
  CHECK(t.group_problems == 2);
  CHECK(t.tests == t.cases + t.not_provided + t.group_problems);
  CHECK(t.passed == 2);
  CHECK(t.failures == 1);  // dot
  CHECK(t.errors == 3);    // relu's crash, the crash outside, not run
  CHECK(t.skipped == 3);   // the skipped case and the 2 not provided
  CHECK(t.tests == t.passed + t.failures + t.errors + t.skipped);
  // Entries count once across groups: conv2d is one entry not provided.
  CHECK(s.entries_not_provided == 1);
}

TEST_CASE("The JUnit report and the console summary give the same counts",
          "[conformance][runner]") {
  const runner::RunResult run = mixed_run();
  const runner::Summary s = runner::summarize(run);
  const runner::TestCounts& t = s.tests;
  SECTION("the JUnit totals are the rule's") {
    const std::string xml = runner::render_junit(run);
    CHECK_THAT(xml, Catch::Contains(fmt::format(
                        "<testsuites name=\"tensorplug-conformance\" "
                        "tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                        "skipped=\"{}\"",
                        t.tests, t.failures, t.errors, t.skipped)));
  }
  SECTION("each JUnit testsuite counts its group by the rule") {
    const std::string xml = runner::render_junit(run);
    for (const auto& g : run.groups) {
      const runner::TestCounts n = runner::count_tests(g);
      CHECK_THAT(xml, Catch::Contains(fmt::format(
                          "<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" "
                          "errors=\"{}\" skipped=\"{}\"",
                          g.name, n.tests, n.failures, n.errors, n.skipped)));
    }
  }
  SECTION("the console's summary line is the rule's") {
    const std::string console = runner::render_console(run, s);
    CHECK_THAT(console,
               Catch::Contains(fmt::format(
                   "\n{} tests: {} passed, {} failed, {} errors, {} skipped "
                   "({} cases, {} not provided in a group, {} group "
                   "problems)",
                   t.tests, t.passed, t.failures, t.errors, t.skipped, t.cases,
                   t.not_provided, t.group_problems)));
  }
}
