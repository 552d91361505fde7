// The conformance runner's pure parts: reading events files (including a
// child that died mid-line), attributing crashes to the running case,
// deciding restarts, the verdicts and exit code, and the reports' escaping.
#include <catch2/catch.hpp>
#include <csignal>
#include <string>

#include "runner/collect.hpp"
#include "runner/crash.hpp"
#include "runner/event_reader.hpp"
#include "runner/report_console.hpp"
#include "runner/report_json.hpp"
#include "runner/report_junit.hpp"
#include "runner/results.hpp"
#include "runner/xml.hpp"

namespace runner = tensorplug::conformance::runner;
using runner::CaseStatus;
using runner::ChildExit;

namespace {

const std::string kStart =
    R"({"event":"backend","backend":"acme","library":"/x/acme.so","description":"acme 1.0","api_version":"0.3","dtypes":["float32"],"dtypes_source":"capabilities"})"
    "\n"
    R"({"event":"group_start","group":"ops"})"
    "\n";

std::string case_start(int index, const std::string& entry,
                       const std::string& name) {
  return R"({"event":"case_start","index":)" + std::to_string(index) +
         R"(,"entry":")" + entry + R"(","case":")" + name + "\"}\n";
}

std::string case_end(int index, const std::string& entry,
                     const std::string& name, const std::string& status,
                     const std::string& failure = "") {
  std::string failures = failure.empty() ? "[]" : "[\"" + failure + "\"]";
  return R"({"event":"case_end","index":)" + std::to_string(index) +
         R"(,"entry":")" + entry + R"(","case":")" + name + R"(","status":")" +
         status + R"(","failures":)" + failures + R"(,"seconds":0.5})" + "\n";
}

ChildExit exited(int status) {
  ChildExit e;
  e.kind = ChildExit::Kind::kExited;
  e.status = status;
  return e;
}

ChildExit signaled(int signal) {
  ChildExit e;
  e.kind = ChildExit::Kind::kSignaled;
  e.signal = signal;
  return e;
}

/// Collects `text` as one child's events and concludes it with `exit`.
std::optional<std::size_t> collect(runner::GroupResult& g,
                                   runner::BackendInfo& b,
                                   const std::string& text,
                                   const ChildExit& exit,
                                   const std::string& log = "") {
  runner::AttemptCollector collector(g, b);
  collector.apply_all(runner::read_events(text));
  return collector.conclude(exit, log);
}

runner::CaseResult make_case(const std::string& entry, CaseStatus status) {
  runner::CaseResult c;
  c.entry = entry;
  c.name = entry + " case";
  c.status = status;
  if (status == CaseStatus::kFailed) c.failures = {"wrong numbers"};
  return c;
}

}  // namespace

TEST_CASE(
    "An events file cut off in the middle of its last line keeps the "
    "events before it",
    "[conformance][runner]") {
  const std::string text =
      kStart + case_start(0, "dot", "a") + case_end(0, "dot", "a", "passed") +
      case_start(1, "relu", "b") + R"({"event":"case_end","index":1,"ent)";
  std::vector<std::string> problems;
  const auto events = runner::read_events(text, &problems);
  REQUIRE(events.size() == 5);  // backend, group_start, 3 case events
  CHECK(events[4].type == "case_start");
  CHECK(events[4].index("index") == 1);
  CHECK(events[4].str("entry") == "relu");
  CHECK(problems.empty());
}

TEST_CASE("A complete line that is not an event is reported as a problem",
          "[conformance][runner]") {
  std::vector<std::string> problems;
  const auto events =
      runner::read_events(kStart + "garbage\n{\"no_event\":1}\n", &problems);
  CHECK(events.size() == 2);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].find("line 3") != std::string::npos);
}

TEST_CASE("Events fed in pieces are parsed when their line is complete",
          "[conformance][runner]") {
  runner::EventReader reader;
  const std::string line = case_start(3, "dot", "x");
  CHECK(reader.feed(line.substr(0, 10)).empty());
  const auto events = reader.feed(line.substr(10));
  REQUIRE(events.size() == 1);
  CHECK(events[0].index("index") == 3);
  CHECK(reader.finish().empty());
  CHECK_FALSE(reader.truncated());
}

TEST_CASE(
    "A child killed during a case fails that case with the signal and "
    "the group restarts after it",
    "[conformance][runner]") {
  runner::GroupResult g;
  g.name = "ops";
  runner::BackendInfo b;
  const std::string text = kStart + case_start(0, "dot", "a") +
                           case_end(0, "dot", "a", "passed") +
                           case_start(1, "relu", "(3,) float32");
  const auto next =
      collect(g, b, text, signaled(SIGSEGV), "line 1\nrelu: about to fault\n");
  REQUIRE(next.has_value());
  CHECK(*next == 2);
  CHECK(g.restarts == 1);
  REQUIRE(g.cases.size() == 2);
  const runner::CaseResult& crashed = g.cases[1];
  CHECK(crashed.entry == "relu");
  CHECK(crashed.status == CaseStatus::kFailed);
  REQUIRE(crashed.failures.size() == 1);
  CHECK(crashed.failures[0] ==
        "crashed: killed by signal SIGSEGV (Segmentation fault) while running "
        "this case");
  REQUIRE(crashed.crash.has_value());
  CHECK(crashed.crash->log_tail == "line 1\nrelu: about to fault");
  CHECK(g.failures.empty());
  CHECK(runner::group_status(g) == runner::GroupStatus::kCrashed);
  CHECK(runner::group_status_label(g) == "CRASHED (SIGSEGV, restarted)");
  CHECK(b.backend == "acme");
}

TEST_CASE(
    "An AddressSanitizer SEGV report names SIGSEGV although the child "
    "exited with status 1",
    "[conformance][runner]") {
  const std::string log =
      "==123==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000\n"
      "    #0 0x7f in relu fixture.c:10\n"
      "SUMMARY: AddressSanitizer: SEGV fixture.c:10 in relu\n";
  const runner::CrashInfo info = runner::describe_exit(exited(1), log);
  CHECK(info.signal == "SIGSEGV");
  CHECK(info.description.starts_with(
      "killed by signal SIGSEGV (Segmentation fault)"));
}

TEST_CASE(
    "A sanitizer error other than a signal is named with the exit "
    "status",
    "[conformance][runner]") {
  const runner::CrashInfo info = runner::describe_exit(
      exited(1), "==9==ERROR: AddressSanitizer: heap-buffer-overflow on 0x1\n");
  CHECK(info.signal.empty());
  CHECK(info.description ==
        "exited with status 1 (AddressSanitizer: heap-buffer-overflow)");
}

TEST_CASE(
    "A child that dies outside any case fails the group without a "
    "restart",
    "[conformance][runner]") {
  runner::GroupResult g;
  g.name = "lifecycle";
  runner::BackendInfo b;
  const auto next = collect(g, b,
                            kStart + case_start(0, "context", "a") +
                                case_end(0, "context", "a", "passed"),
                            signaled(SIGABRT), "terminate called\n");
  CHECK_FALSE(next.has_value());
  REQUIRE(g.failures.size() == 1);
  CHECK(g.failures[0].find("killed by signal SIGABRT") != std::string::npos);
  CHECK(g.failures[0].find("outside any case (after case 0)") !=
        std::string::npos);
  CHECK(g.failures[0].find("terminate called") != std::string::npos);
  CHECK(runner::group_status(g) == runner::GroupStatus::kCrashed);
}

TEST_CASE(
    "A child that runs out of time fails the running case and the "
    "rest of the group is not run",
    "[conformance][runner]") {
  runner::GroupResult g;
  g.name = "lifecycle";
  runner::BackendInfo b;
  ChildExit timeout;
  timeout.kind = ChildExit::Kind::kTimedOut;
  timeout.timeout_seconds = 600;
  const auto next =
      collect(g, b, kStart + case_start(4, "threads", "two contexts"), timeout);
  CHECK_FALSE(next.has_value());
  REQUIRE(g.cases.size() == 1);
  CHECK(g.cases[0].failures.at(0) == "timed out after 600 s");
  CHECK(g.timed_out);
  CHECK(runner::group_status(g) == runner::GroupStatus::kTimedOut);
}

TEST_CASE(
    "A case that outlives the per-case limit fails as hung and the group "
    "restarts after it",
    "[conformance][runner]") {
  runner::GroupResult g;
  g.name = "ops";
  runner::BackendInfo b;
  ChildExit hung;
  hung.kind = ChildExit::Kind::kHung;
  hung.timeout_seconds = 120;
  const auto next =
      collect(g, b, kStart + case_start(7, "exp", "(2, 3) float32"), hung);
  REQUIRE(next.has_value());
  CHECK(*next == 8);
  REQUIRE(g.cases.size() == 1);
  CHECK(g.cases[0].status == CaseStatus::kFailed);
  CHECK(g.cases[0].failures.at(0).find("hung: no result after 120 s") == 0);
  CHECK_FALSE(g.timed_out);
  CHECK(runner::group_status_label(g).find("hang") != std::string::npos);
}

TEST_CASE("Restarts stop after the maximum number per group",
          "[conformance][runner]") {
  runner::GroupResult g;
  g.name = "ops";
  g.restarts = runner::kMaxRestarts;
  runner::BackendInfo b;
  const auto next =
      collect(g, b, kStart + case_start(30, "relu", "x"), signaled(SIGSEGV));
  CHECK_FALSE(next.has_value());
  REQUIRE(g.failures.size() == 1);
  CHECK(g.failures[0].find("gave up after 20 restarts") != std::string::npos);
}

TEST_CASE(
    "A child that exits non-zero after finishing its group fails the "
    "group",
    "[conformance][runner]") {
  runner::GroupResult g;
  g.name = "required";
  runner::BackendInfo b;
  const auto next =
      collect(g, b, kStart + R"({"event":"group_end"})" + "\n", exited(23),
              "==1==ERROR: LeakSanitizer: detected memory leaks\n");
  CHECK_FALSE(next.has_value());
  REQUIRE(g.failures.size() == 1);
  CHECK(g.failures[0].find(
            "exited with status 23 (LeakSanitizer: detected memory leaks)") !=
        std::string::npos);
}

TEST_CASE("A finished group that exited cleanly has no crash and no failure",
          "[conformance][runner]") {
  runner::GroupResult g;
  g.name = "ops";
  runner::BackendInfo b;
  const auto next = collect(g, b,
                            kStart + case_start(0, "dot", "a") +
                                case_end(0, "dot", "a", "passed") +
                                R"({"event":"group_end"})" + "\n",
                            exited(0));
  CHECK_FALSE(next.has_value());
  CHECK(g.crashes.empty());
  CHECK(runner::group_status(g) == runner::GroupStatus::kPassed);
}

TEST_CASE(
    "A group whose child could not run its cases is not run, whichever group "
    "it is",
    "[conformance][runner]") {
  // A child reports load_failed when the backend under test does not load
  // (never for the loading group, whose cases report that themselves) and
  // when the kit's oracle does not load (for every group).
  const std::string text =
      R"({"event":"group_start","group":"x"})"
      "\n"
      R"({"event":"load_failed","message":"the reference backend, the kit's oracle, cannot be loaded"})"
      "\n"
      R"({"event":"group_end"})"
      "\n";
  for (const char* name : {"ops", "loading"}) {
    INFO(name);
    runner::BackendInfo b;
    runner::GroupResult g;
    g.name = name;
    collect(g, b, text, exited(0));
    CHECK(runner::group_status(g) == runner::GroupStatus::kNotRun);
    CHECK_FALSE(b.loaded);
  }
}

TEST_CASE("Entries reported not provided are merged and do not fail the run",
          "[conformance][runner]") {
  runner::RunResult run;
  runner::GroupResult& g = run.groups.emplace_back();
  g.name = "ops";
  g.add_not_provided("conv2d", "not exported");
  g.add_not_provided("conv2d", "not exported");
  g.add_not_provided("conv2d", "no gradient");
  g.cases.push_back(make_case("dot", CaseStatus::kPassed));
  REQUIRE(g.not_provided.size() == 1);
  CHECK(g.not_provided[0].second == "not exported; no gradient");
  const runner::Summary s = runner::summarize(run);
  CHECK(s.passed);
  CHECK(s.entries_not_provided == 1);
  CHECK(runner::exit_code(s) == 0);
  CHECK(runner::verdict_line(s) == "conformance: PASSED");
  CHECK(runner::entry_verdicts(run.groups).at("conv2d") == "not provided");
}

TEST_CASE(
    "The run fails naming every failed entry and every group that did "
    "not run",
    "[conformance][runner]") {
  runner::RunResult run;
  runner::GroupResult& ops = run.groups.emplace_back();
  ops.name = "ops";
  ops.cases.push_back(make_case("dot", CaseStatus::kFailed));
  ops.cases.push_back(make_case("dot", CaseStatus::kPassed));
  ops.cases.push_back(make_case("relu", CaseStatus::kFailed));
  ops.cases.push_back(make_case("tanh", CaseStatus::kSkipped));
  runner::GroupResult& life = run.groups.emplace_back();
  life.name = "lifecycle";
  life.load_failed = "init failed";
  const runner::Summary s = runner::summarize(run);
  CHECK_FALSE(s.passed);
  CHECK(runner::exit_code(s) == 1);
  CHECK(s.cases_failed == 2);
  CHECK(s.cases_skipped == 1);
  CHECK(runner::verdict_line(s) ==
        "conformance: FAILED (2 entries failed: dot, relu; group lifecycle "
        "not run)");
  run.groups.emplace_back().name = "errors";
  run.groups.back().load_failed = "init failed";
  CHECK(runner::verdict_line(runner::summarize(run)) ==
        "conformance: FAILED (2 entries failed: dot, relu; groups lifecycle, "
        "errors not run)");
  // (run.groups grew: `ops` may have moved.)
  const runner::GroupCounts n = runner::count_group(run.groups[0]);
  CHECK(n.entries_tested == 3);
  CHECK(n.entries_failed == 2);
  CHECK(n.entries_passed == 0);
  const std::string console = runner::render_console(run, s);
  CHECK(console.find("ops/dot: dot case\n    wrong numbers\n") !=
        std::string::npos);
  CHECK(console.find("NOT RUN") != std::string::npos);
}

TEST_CASE("XML escaping replaces markup and what XML 1.0 cannot hold",
          "[conformance][runner]") {
  CHECK(runner::xml_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  CHECK(runner::xml_escape("tab\tnl\n") == "tab\tnl\n");
  CHECK(runner::xml_escape(std::string("x\x01y", 3)) == "x\xEF\xBF\xBDy");
  CHECK(runner::xml_escape("\xFF") == "\xEF\xBF\xBD");
  CHECK(runner::xml_escape("caf\xC3\xA9") == "caf\xC3\xA9");
}

TEST_CASE("The JUnit report counts failures, crashes as errors, and skips",
          "[conformance][runner]") {
  runner::RunResult run;
  runner::GroupResult& g = run.groups.emplace_back();
  g.name = "ops";
  g.cases.push_back(make_case("dot", CaseStatus::kFailed));
  runner::CaseResult crashed = make_case("relu", CaseStatus::kFailed);
  crashed.failures = {"crashed: killed by signal SIGSEGV"};
  crashed.crash = runner::CrashInfo{"crash", "killed by signal SIGSEGV",
                                    "SIGSEGV", "<log & tail>"};
  g.cases.push_back(crashed);
  g.add_not_provided("conv2d", "");
  const std::string xml = runner::render_junit(run);
  CHECK(xml.find("<testsuites name=\"tensorplug-conformance\" tests=\"3\" "
                 "failures=\"1\" errors=\"1\" skipped=\"1\"") !=
        std::string::npos);
  CHECK(xml.find("classname=\"ops.relu\"") != std::string::npos);
  CHECK(xml.find("type=\"crash\"") != std::string::npos);
  CHECK(xml.find("&lt;log &amp; tail&gt;") != std::string::npos);
  CHECK(xml.find("name=\"not provided\"") != std::string::npos);
}

TEST_CASE("The JSON report gives each entry's verdict and the run's",
          "[conformance][runner]") {
  runner::RunResult run;
  runner::GroupResult& g = run.groups.emplace_back();
  g.name = "ops";
  g.cases.push_back(make_case("dot", CaseStatus::kFailed));
  g.cases.push_back(make_case("add", CaseStatus::kPassed));
  const auto v = runner::report_json(run, runner::summarize(run));
  CHECK_FALSE(v.at("passed").as_bool());
  CHECK(v.at("entries").at("dot").as_string() == "failed");
  CHECK(v.at("entries").at("add").as_string() == "passed");
  CHECK(v.at("groups").at(0).at("status").as_string() == "failed");
}

TEST_CASE("The log attached to a crash leaves out Catch2's banners and rules",
          "[conformance][runner]") {
  const std::string log =
      "plugin: relu called\n\n~~~~~~~~\nx is a Catch v2.13.10 host "
      "application.\nRun with -? for options\n-------\nops.cpp:140: FAILED:\n"
      "=======\n";
  CHECK(runner::log_tail(log, 20) ==
        "plugin: relu called\nops.cpp:140: FAILED:");
}

TEST_CASE("The last lines of a log are its end, without a final newline",
          "[conformance][runner]") {
  CHECK(runner::last_lines("a\nb\nc\n", 2) == "b\nc");
  CHECK(runner::last_lines("a\nb", 5) == "a\nb");
  CHECK(runner::last_lines("", 3).empty());
  CHECK(runner::signal_display(SIGSEGV) == "SIGSEGV (Segmentation fault)");
  CHECK(runner::signal_name(SIGABRT) == "SIGABRT");
}
