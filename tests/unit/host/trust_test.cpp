// Who may have put a backend where the host looks (issue 12, class 8): every
// directory from / to the plugin file, as OpenSSH's StrictModes judges it.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "fixture_paths.hpp"
#include "temp_dir.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/resolve.hpp"

using namespace tensorplug;
namespace fs = std::filesystem;
using tensorplug::test::TempDir;

namespace {

std::string refusal(const ResolveOptions& options) {
  try {
    resolve_backend("pkg.mod", options);
  } catch (const BackendNotFoundError& e) {
    return e.what();
  }
  return "resolved";
}

void add(const fs::path& p, fs::perms perms) {
  fs::permissions(p, perms, fs::perm_options::add);
}

}  // namespace

TEST_CASE(
    "Every directory from / to the backend must be changeable only by root "
    "or the user",
    "[resolve][trust]") {
  TempDir base;
  const fs::path root = base / "root";
  fs::create_directories(root / "pkg");
  fs::copy_file(fixtures::kMyModule, root / "pkg" / "mod.so");
  ResolveOptions options;
  options.use_environment = false;
  options.search_roots = {root};
  REQUIRE(refusal(options) == "resolved");

  SECTION("a world-writable directory above the search root") {
    add(base.path(), fs::perms::others_write);
    const std::string m = refusal(options);
    CHECK_THAT(m, Catch::Contains(base.path().string() +
                                  " is writable by other users"));
    CHECK_THAT(m, Catch::Contains("chmod o-w " + base.path().string()));
  }
  SECTION("a group-writable directory on the way") {
    add(root / "pkg", fs::perms::group_write);
    const std::string m = refusal(options);
    CHECK_THAT(m, Catch::Contains((root / "pkg").string() +
                                  " is writable by its group"));
    CHECK_THAT(m, Catch::Contains("chmod g-w " + (root / "pkg").string()));
  }
  SECTION("a group-writable backend file") {
    add(root / "pkg" / "mod.so", fs::perms::group_write);
    CHECK_THAT(refusal(options), Catch::Contains("writable by its group"));
    options.allow_insecure_permissions = true;
    CHECK(refusal(options) == "resolved");
  }
  SECTION("a sticky world-writable directory like /tmp is fine") {
    add(base.path(), fs::perms::all | fs::perms::sticky_bit);
    CHECK(refusal(options) == "resolved");
  }
  SECTION("a link is judged by where it leads") {
    TempDir other;
    fs::create_directories(other / "open");
    fs::rename(root / "pkg" / "mod.so", other / "open" / "mod.so");
    fs::create_symlink(other / "open" / "mod.so", root / "pkg" / "mod.so");
    REQUIRE(refusal(options) == "resolved");
    add(other / "open", fs::perms::group_write);
    CHECK_THAT(refusal(options), Catch::Contains((other / "open").string() +
                                                 " is writable by its group"));
  }
  SECTION("a directory owned by another user") {
    if (::geteuid() != 0) {
      WARN("not run: needs root to give a directory away");
      return;
    }
    REQUIRE(::chown((root / "pkg").c_str(), 65534, 65534) == 0);
    const std::string m = refusal(options);
    CHECK_THAT(m, Catch::Contains((root / "pkg").string() +
                                  " is owned by another user (uid 65534)"));
    REQUIRE(::chown((root / "pkg").c_str(), 0, 0) == 0);
  }
}
