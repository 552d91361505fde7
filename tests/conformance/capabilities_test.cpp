// The dtypes under test come from the backend's `capabilities` entry, and
// --dtypes overrides them.
#include <catch2/catch.hpp>
#include <fixture_paths.hpp>
#include <string>
#include <vector>

#include "kit_run.hpp"

using namespace tensorplug::test;
using namespace tensorplug::test::conformance;

namespace {

std::vector<std::string> dtypes_of(const boost::json::object& report) {
  std::vector<std::string> out;
  if (auto it = report.find("dtypes");
      it != report.end() && it->value().is_array()) {
    for (const auto& d : it->value().as_array()) out.push_back(str(d));
  }
  return out;
}

}  // namespace

TEST_CASE(
    "The kit tests a backend on the dtypes its capabilities entry declares, "
    "unless --dtypes says otherwise",
    "[conformance]") {
  TempDir dir;
  SECTION("fixture_valid declares float32 only") {
    const KitRun run =
        run_kit(fixtures::kValid, dir, {}, {"--group", "loading"});
    INFO(run.describe());
    CHECK(dtypes_of(run.report) == std::vector<std::string>{"float32"});
    CHECK(str(run.report.at("dtypes_source")) == "capabilities");
  }
  SECTION("the reference backend declares every dtype; --dtypes narrows it") {
    const KitRun run = run_kit("reference", dir, {},
                               {"--group", "loading", "--dtypes", "float64"});
    INFO(run.describe());
    CHECK(run.process.exit_code == 0);
    CHECK(dtypes_of(run.report) == std::vector<std::string>{"float64"});
    CHECK(str(run.report.at("dtypes_source")) != "capabilities");
  }
}
