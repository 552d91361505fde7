// `tensorplug info` on a name that is not found, as a user sees it: a
// relative TENSORPLUG_PATH entry warned about once and reported as set but
// ignored (also with -q), and the near module suggested for a typo.
#include <catch2/catch.hpp>

#include <string>

#include "cli_sandbox.hpp"
#include "fixture_paths.hpp"

using tensorplug::test::contains;
using tensorplug::test::Sandbox;

namespace {
std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos;
       at = text.find(part, at + part.size())) {
    ++n;
  }
  return n;
}
}  // namespace

TEST_CASE(
    "info with only a relative TENSORPLUG_PATH entry warns once and says the "
    "variable is set but ignored",
    "[cli]") {
  Sandbox sb;
  sb.env["KERAS_BACKEND"] = "acme.fastcpu";
  sb.env["TENSORPLUG_PATH"] = "backends";
  const std::string ignored =
      "[TENSORPLUG_PATH] set, but every entry was ignored (relative)";
  SECTION("by default") {
    const auto r = sb.run({"info"});
    INFO(r.describe());
    CHECK(r.exit_code == 3);
    CHECK(occurrences(r.err, "ignoring relative entry `backends`") == 1);
    CHECK(contains(r.err, ignored));
    CHECK_FALSE(contains(r.err, "[TENSORPLUG_PATH] not set"));
  }
  SECTION("with -q, the error alone still says why") {
    const auto r = sb.run({"-q", "info"});
    INFO(r.describe());
    CHECK(r.exit_code == 3);
    CHECK(occurrences(r.err, "ignoring relative entry") == 0);
    CHECK(contains(r.err, ignored));
  }
}

TEST_CASE("info on a mistyped dotted name suggests the module under the root",
          "[cli]") {
  Sandbox sb;
  const auto library = sb.install(fixtures::kValid, "roots/acme/fastcpu.so");
  sb.env["TENSORPLUG_PATH"] = sb.path("roots").string();
  sb.env["KERAS_BACKEND"] = "acme.fastcup";
  const auto r = sb.run({"info"});
  INFO(r.describe());
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "Did you mean `acme.fastcpu` (" + library.string() +
                            ", under the TENSORPLUG_PATH root)?"));
  CHECK(sb.all_markers().empty());
}
