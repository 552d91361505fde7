// What a not-found message says about the search roots: a relative
// TENSORPLUG_PATH entry is warned about once and reported as set but
// ignored, and a mistyped dotted name gets the near module found under the
// roots.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "fixture_paths.hpp"
#include "temp_dir.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/log.hpp"
#include "tensorplug/resolve.hpp"

using namespace tensorplug;
namespace fs = std::filesystem;
using tensorplug::test::EnvGuard;
using tensorplug::test::TempDir;

namespace {

std::string not_found_message(std::string_view name,
                              const ResolveOptions& options) {
  try {
    resolve_backend(name, options);
  } catch (const BackendNotFoundError& e) {
    return e.what();
  }
  FAIL("resolve_backend(" << name << ") did not throw");
  return {};
}

/// Collects the warnings logged while it lives.
class WarningLog {
 public:
  WarningLog() : previous_(log_level()) {
    set_log_level(LogLevel::kWarn);
    set_log_handler([this](LogLevel level, std::string_view message) {
      if (level == LogLevel::kWarn) messages_.emplace_back(message);
    });
  }
  ~WarningLog() {
    set_log_handler({});
    set_log_level(previous_);
  }
  WarningLog(const WarningLog&) = delete;
  WarningLog& operator=(const WarningLog&) = delete;
  std::size_t count(const std::string& part) const {
    return static_cast<std::size_t>(std::count_if(
        messages_.begin(), messages_.end(), [&](const std::string& m) {
          return m.find(part) != std::string::npos;
        }));
  }

 private:
  LogLevel previous_;
  std::vector<std::string> messages_;
};

/// Puts the valid fixture at `<root>/<relative>`.
void install(const fs::path& root, const fs::path& relative) {
  fs::create_directories((root / relative).parent_path());
  fs::copy_file(fixtures::kValid, root / relative);
}

}  // namespace

TEST_CASE(
    "A relative TENSORPLUG_PATH entry is warned about once and reported as "
    "set but ignored",
    "[resolve]") {
  WarningLog log;
  // Entries no other test uses: the warning is once per process and entry.
  EnvGuard path("TENSORPLUG_PATH", "relative/warned-once:also/relative-once");
  ResolveOptions options;
  const std::string first = not_found_message("acme.fastcpu", options);
  const std::string second = not_found_message("acme.fastcpu", options);
  (void)search_roots(options);
  SECTION("each entry is warned about once, however often roots are listed") {
    CHECK(log.count("`relative/warned-once`") == 1);
    CHECK(log.count("`also/relative-once`") == 1);
  }
  SECTION("the not-found message says it is set, not that it is not set") {
    CHECK_THAT(first, Catch::Contains("[TENSORPLUG_PATH] set, but every "
                                      "entry was ignored (relative)"));
    CHECK_THAT(first, !Catch::Contains("[TENSORPLUG_PATH] not set"));
    CHECK(first == second);
  }
  SECTION("the search roots carry the reason") {
    const auto roots = search_roots(options);
    REQUIRE_FALSE(roots.empty());
    CHECK(roots[0].origin == "TENSORPLUG_PATH");
    CHECK(roots[0].path.empty());
    CHECK(roots[0].empty_reason ==
          "set, but every entry was ignored (relative)");
  }
}

TEST_CASE(
    "A TENSORPLUG_PATH with an absolute entry among relative ones searches "
    "the absolute one",
    "[resolve]") {
  TempDir root;
  EnvGuard path("TENSORPLUG_PATH",
                "relative/among-absolute:" + root.path().string());
  const std::string m = not_found_message("acme.fastcpu", {});
  CHECK_THAT(
      m, Catch::Contains("[TENSORPLUG_PATH] " +
                         (root / "acme/fastcpu.so").string() + ": not found"));
  CHECK_THAT(m, !Catch::Contains("every entry was ignored"));
}

TEST_CASE("An unset TENSORPLUG_PATH is still reported as not set",
          "[resolve]") {
  EnvGuard path("TENSORPLUG_PATH", std::nullopt);
  const auto roots = search_roots({});
  REQUIRE_FALSE(roots.empty());
  CHECK(roots[0].empty_reason == "not set");
  CHECK_THAT(not_found_message("acme.fastcpu", {}),
             Catch::Contains("[TENSORPLUG_PATH] not set"));
}

TEST_CASE("A mistyped dotted name gets the near module under the roots",
          "[resolve]") {
  TempDir root;
  ResolveOptions options;
  options.use_environment = false;
  options.search_roots = {root.path()};
  SECTION("acme.fastcup suggests acme.fastcpu, with its file and root") {
    install(root.path(), "acme/fastcpu.so");
    CHECK_THAT(not_found_message("acme.fastcup", options),
               Catch::Contains("Did you mean `acme.fastcpu` (" +
                               (root / "acme/fastcpu.so").string() +
                               ", under the application root)?"));
  }
  SECTION("a mistyped package directory is found too") {
    install(root.path(), "acme/fastcpu.so");
    CHECK_THAT(not_found_message("amce.fastcpu", options),
               Catch::Contains("Did you mean `acme.fastcpu`"));
  }
  SECTION("a lib-prefixed file is suggested by its backend name") {
    install(root.path(), "acme/libfastcpu.so");
    CHECK_THAT(not_found_message("acme.fastcup", options),
               Catch::Contains("Did you mean `acme.fastcpu` (" +
                               (root / "acme/libfastcpu.so").string()));
  }
  SECTION("a module under TENSORPLUG_PATH names that root") {
    install(root.path(), "acme/fastcpu.so");
    EnvGuard path("TENSORPLUG_PATH", root.path().string());
    options.use_environment = true;
    options.search_roots.clear();
    CHECK_THAT(not_found_message("acme.fastcup", options),
               Catch::Contains("under the TENSORPLUG_PATH root)?"));
  }
  SECTION("a name near nothing gets no suggestion") {
    install(root.path(), "acme/fastcpu.so");
    CHECK_THAT(not_found_message("zeta.slowgpu", options),
               !Catch::Contains("Did you mean"));
  }
  SECTION("a near builtin is still suggested for an undotted name") {
    CHECK_THAT(not_found_message("refrence", options),
               Catch::Contains("Did you mean `reference`?"));
  }
}
