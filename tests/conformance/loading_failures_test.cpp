// Fixtures that cannot be loaded: the kit fails them in the loading group
// with the host's message, and exits 1.
#include <tensorplug/plugin_api.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fixture_paths.hpp>
#include <string>
#include <vector>

#include "kit_run.hpp"

using namespace tensorplug::test;
using namespace tensorplug::test::conformance;

namespace {

// Runs the kit on `fixture` and returns the loading group's messages after
// checking that the run failed there.
std::string loading_failure(const char* fixture) {
  TempDir dir;
  const KitRun run = run_kit(fixture, dir);
  INFO(run.describe());
  REQUIRE(run.process.exited());
  CHECK(run.process.exit_code == 1);
  CHECK(passed_field(run.report) == "false");
  const auto& loading = group(run.report, "loading");
  CHECK(status_of(loading) == "failed");
  return all_text(loading);
}

}  // namespace

TEST_CASE(
    "The kit fails a backend without `variable` in loading, naming the "
    "missing entry",
    "[conformance]") {
  const std::string text = loading_failure(fixtures::kMissingVariable);
  CHECK_THAT(text, Catch::Contains("variable"));
  CHECK_THAT(text, Catch::Contains("fixture_missing_variable"));
}

TEST_CASE(
    "The kit fails a backend of a future major version in loading, naming "
    "both versions",
    "[conformance]") {
  const std::string text = loading_failure(fixtures::kFutureMajor);
  CHECK_THAT(text, Catch::Contains("99.0"));
  CHECK_THAT(text, Catch::Contains(std::to_string(TP_API_VERSION_MAJOR) + "." +
                                   std::to_string(TP_API_VERSION_MINOR)));
}

TEST_CASE(
    "The kit fails a backend whose context_init fails in loading, with the "
    "backend's message",
    "[conformance]") {
  const std::string text = loading_failure(fixtures::kInitFails);
  CHECK_THAT(text, Catch::Contains(fixtures::kInitFailsMessage));
}

TEST_CASE(
    "The kit fails every other unloadable fixture in loading with the host's "
    "reason and runs no other group",
    "[conformance]") {
  struct Expected {
    const char* fixture;
    const char* reason;  // part of the host's message
  };
  const Expected cases[] = {
      {fixtures::kMissingRequired, "placeholder"},
      {fixtures::kNoVersion, "negotiate_version"},
      {fixtures::kAbsentDep, fixtures::kAbsentDepName},
      {fixtures::kNotALibrary, fixtures::kNotALibrary},
      {fixtures::kEmpty, fixtures::kEmpty},
      {fixtures::kTruncated, fixtures::kTruncated},
      {fixtures::kWrongArch, fixtures::kWrongArch},
  };
  for (const Expected& e : cases) {
    SECTION(e.fixture) {
      TempDir dir;
      const KitRun run = run_kit(e.fixture, dir);
      INFO(run.describe());
      REQUIRE(run.process.exited());
      CHECK(run.process.exit_code == 1);
      CHECK_THAT(all_text(group(run.report, "loading")),
                 Catch::Contains(e.reason));
      for (const std::string& g : kit_groups()) {
        if (g == "loading") continue;
        CHECK(status_of(group(run.report, g)) == "not run");
      }
    }
  }
}

TEST_CASE(
    "The kit passes the minimal valid fixture, reporting every op as not "
    "provided",
    "[conformance]") {
  TempDir dir;
  const KitRun run = run_kit(fixtures::kValid, dir);
  INFO(run.describe());
  REQUIRE(run.process.exited());
  CHECK(run.process.exit_code == 0);
  CHECK(passed_field(run.report) == "true");
  CHECK(entries_with(run.report, "failed").empty());
  const std::vector<std::string> not_provided =
      entries_with(run.report, "not provided");
  for (const char* op : {"add", "dot", "relu", "conv2d", "gradients"}) {
    CHECK(std::find(not_provided.begin(), not_provided.end(), op) !=
          not_provided.end());
  }
  for (const char* entry : {"placeholder", "variable", "function"}) {
    CHECK(std::find(not_provided.begin(), not_provided.end(), entry) ==
          not_provided.end());
  }
}

TEST_CASE(
    "The kit fails a backend that crashes the system loader in loading, "
    "after a trial load in a child process, and survives it",
    "[conformance]") {
  // One process for every group (--no-isolate): without the trial, the
  // crash inside dlopen would end the kit itself.
  for (const bool isolated : {true, false}) {
    SECTION(isolated ? "one process per group" : "--no-isolate") {
      TempDir dir;
      std::vector<std::string> args;
      if (!isolated) args.push_back("--no-isolate");
      const KitRun run = run_kit(fixtures::kCrashInDlopen, dir, {}, args);
      INFO(run.describe());
      REQUIRE(run.process.exited());
      CHECK(run.process.exit_code == 1);
      const auto& loading = group(run.report, "loading");
      CHECK(status_of(loading) == "failed");
      CHECK_THAT(all_text(loading),
                 Catch::Contains(std::string("the system loader crashed on ") +
                                 fixtures::kCrashInDlopen + " (SIGSEGV)"));
    }
  }
}
