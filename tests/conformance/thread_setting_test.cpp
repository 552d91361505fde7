// The backend's thread count: the kit runs the backend with more than one
// thread (TENSORPLUG_NUM_THREADS=2) unless the user chose, so that kernels
// wrong only when they split their work are caught. fixture_report_threads
// describes itself with the value it was loaded with.
#include <catch2/catch.hpp>
#include <fixture_paths.hpp>
#include <string>

#include "kit_run.hpp"

using namespace tensorplug::test;
using namespace tensorplug::test::conformance;

namespace {

std::string description(const KitRun& run) {
  auto it = run.report.find("description");
  return it == run.report.end() ? std::string() : str(it->value());
}

}  // namespace

TEST_CASE(
    "The kit runs the backend with TENSORPLUG_NUM_THREADS=2 unless the "
    "environment or --threads says otherwise",
    "[conformance]") {
  TempDir dir;
  SECTION("unset: the children get 2") {
    const KitRun run =
        run_kit(fixtures::kReportThreads, dir, {}, {"--group", "loading"});
    INFO(run.describe());
    CHECK(run.process.exit_code == 0);
    CHECK_THAT(description(run), Catch::EndsWith("TENSORPLUG_NUM_THREADS=2"));
  }
  SECTION("set by the user: kept") {
    const KitRun run =
        run_kit(fixtures::kReportThreads, dir,
                {{"TENSORPLUG_NUM_THREADS", "5"}}, {"--group", "loading"});
    INFO(run.describe());
    CHECK(run.process.exit_code == 0);
    CHECK_THAT(description(run), Catch::EndsWith("TENSORPLUG_NUM_THREADS=5"));
  }
  SECTION("--threads overrides the environment") {
    const KitRun run = run_kit(fixtures::kReportThreads, dir,
                               {{"TENSORPLUG_NUM_THREADS", "5"}},
                               {"--group", "loading", "--threads", "3"});
    INFO(run.describe());
    CHECK(run.process.exit_code == 0);
    CHECK_THAT(description(run), Catch::EndsWith("TENSORPLUG_NUM_THREADS=3"));
  }
  SECTION("--threads 0 is a usage error") {
    const KitRun run = run_kit(fixtures::kReportThreads, dir, {},
                               {"--group", "loading", "--threads", "0"});
    INFO(run.describe());
    CHECK(run.process.exit_code == 64);
  }
}
