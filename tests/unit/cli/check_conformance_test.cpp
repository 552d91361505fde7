// `tensorplug check --conformance`: the CLI hands the backend to the
// conformance kit installed next to it (tensorplug-conformance) and ends with
// the kit's verdict.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_sandbox.hpp"
#include "fixture_paths.hpp"

using tensorplug::test::Sandbox;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE(
    "check --conformance runs the kit on a backend and passes on its verdict",
    "[cli][conformance]") {
  Sandbox box;
  SECTION("the reference backend passes and gets a JUnit report") {
    const auto junit = box.path("loading-junit.xml");
    const auto r = box.run({"check", "reference", "--conformance", "--junit",
                            junit.string(), "--", "--group", "loading"});
    INFO(r.describe());
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("conformance: PASSED"));
    CHECK_THAT(read_file(junit),
               Catch::Contains("<testsuite name=\"loading\""));
  }
  SECTION("a backend computing wrong numbers fails, naming the entry") {
    // Only dot's cases: the whole ops group takes over a minute under ASan.
    const auto r = box.run({"check", fixtures::kWrongDot, "--conformance", "--",
                            "--group", "ops", "--entry", "dot"});
    INFO(r.describe());
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out,
               Catch::Contains("conformance: FAILED (1 entry failed: dot)"));
  }
}

TEST_CASE("check refuses kit options without --conformance", "[cli]") {
  Sandbox box;
  SECTION("--junit") {
    const auto r = box.run({"check", "reference", "--junit", "x.xml"});
    INFO(r.describe());
    CHECK(r.exit_code == 64);
  }
  SECTION("options after --") {
    const auto r = box.run({"check", "reference", "--", "--group", "ops"});
    INFO(r.describe());
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.err, Catch::Contains("need --conformance"));
  }
}
