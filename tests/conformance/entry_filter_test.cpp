// --entry: re-running only what failed, as the console report suggests.
#include <catch2/catch.hpp>
#include <fixture_paths.hpp>
#include <string>

#include "kit_run.hpp"

using namespace tensorplug::test;
using namespace tensorplug::test::conformance;

TEST_CASE(
    "The report says how to re-run only what failed, and --entry runs only "
    "that entry's cases",
    "[conformance]") {
  TempDir dir;
  SECTION("a failing run names the command") {
    const KitRun run =
        run_kit(fixtures::kWrongDot, dir, {}, {"--group", "ops"});
    INFO(run.describe());
    CHECK(run.process.exit_code == 1);
    CHECK_THAT(run.process.out, Catch::Contains("Re-run only what failed:"));
    CHECK_THAT(run.process.out,
               Catch::Contains(std::string("--group ops --entry dot -- ") +
                               fixtures::kWrongDot));
  }
  SECTION("--entry dot runs the dot cases alone, and they still fail") {
    const KitRun run = run_kit(fixtures::kWrongDot, dir, {},
                               {"--group", "ops", "--entry", "dot"});
    INFO(run.describe());
    CHECK(run.process.exit_code == 1);
    const auto cases = cases_of(group(run.report, "ops"));
    REQUIRE_FALSE(cases.empty());
    for (const auto& c : cases) CHECK(str(c.at("entry")) == "dot");
    CHECK(entries_with(run.report, "failed") ==
          std::vector<std::string>{"dot"});
  }
  SECTION("--entry naming nothing the groups test is a usage error") {
    const KitRun run = run_kit("reference", dir, {},
                               {"--group", "ops", "--entry", "no_such_entry"});
    INFO(run.describe());
    CHECK(run.process.exit_code == 64);
    CHECK_THAT(run.process.err, Catch::Contains("no_such_entry"));
  }
}
