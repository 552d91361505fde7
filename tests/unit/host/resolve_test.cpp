// Resolution: names to library files, every path tried, nothing outside a
// root, and no code run.
#include <catch2/catch.hpp>

#include <filesystem>

#include "env.hpp"
#include "fixture_paths.hpp"
#include "temp_dir.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/resolve.hpp"

using namespace tensorplug;
namespace fs = std::filesystem;
using tensorplug::test::EnvGuard;
using tensorplug::test::TempDir;

namespace {
ResolveOptions isolated() {
  ResolveOptions o;
  o.use_environment = false;
  return o;
}
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
}  // namespace

TEST_CASE("The builtin reference backend is found next to the host library",
          "[resolve]") {
  const auto r = resolve_backend("reference", isolated());
  CHECK(r.kind == Resolution::Kind::kBuiltin);
  CHECK(r.origin == "builtin");
  CHECK(fs::equivalent(r.library, fixtures::kReference));
  CHECK(fs::equivalent(builtin_backend_dir(), TENSORPLUG_BUILTIN_DIR));
  const auto names = builtin_backend_names();
  CHECK(std::find(names.begin(), names.end(), "reference") != names.end());
  SECTION("surrounding white space is ignored") {
    CHECK(resolve_backend("  reference\n", isolated()).library == r.library);
  }
}

TEST_CASE("A dotted module path maps to a library under a search root",
          "[resolve]") {
  auto options = isolated();
  options.search_roots = {fixtures::kRoot};
  SECTION("my_package.my_module is my_package/my_module.so") {
    const auto r = resolve_backend("my_package.my_module", options);
    CHECK(r.kind == Resolution::Kind::kModulePath);
    CHECK(r.origin == "application");
    CHECK(r.library == fs::path(fixtures::kMyModule));
  }
  SECTION("the lib prefix CMake gives is tried too") {
    const auto r = resolve_backend("my_package.other", options);
    CHECK(r.library == fs::path(fixtures::kLibOther));
  }
  SECTION("TENSORPLUG_PATH roots come first, then the application's") {
    TempDir empty;
    EnvGuard path("TENSORPLUG_PATH", "::" + empty.path().string() + ":" +
                                         fixtures::kRoot + ":relative/dir");
    options.use_environment = true;
    options.search_roots = {empty.path()};
    const auto r = resolve_backend("my_package.my_module", options);
    CHECK(r.origin == "TENSORPLUG_PATH");
    // Empty and relative entries never mean the current directory.
    for (const auto& root : search_roots(options)) {
      CHECK((root.path.empty() || root.path.is_absolute()));
    }
  }
  SECTION("the config directory's backends/ is the last root") {
    TempDir config;
    fs::create_directories(config / "backends" / "my_package");
    fs::copy_file(fixtures::kMyModule,
                  config / "backends" / "my_package" / "my_module.so");
    ResolveOptions o = isolated();
    o.config_dir = config.path();
    const auto r = resolve_backend("my_package.my_module", o);
    CHECK(r.origin == "config directory");
  }
}

TEST_CASE("Names that could leave their root are refused as invalid",
          "[resolve]") {
  auto options = isolated();
  options.search_roots = {fixtures::kRoot};
  for (const char* name : {"my_package..x", "../x", "/abs/x", "a/b", "a\\b",
                           ".x", "x.", "", "1abc", "a.b-c", "a. b"}) {
    SECTION(std::string("name '") + name + "'") {
      const std::string message = not_found_message(name, options);
      CHECK_THAT(message, Catch::Contains("Invalid backend name"));
    }
  }
  SECTION("a NUL inside the name") {
    const std::string name("my_package\0x", 12);
    CHECK_THAT(not_found_message(name, options), Catch::Contains("NUL"));
  }
  SECTION("the reason is specific") {
    CHECK_THAT(not_found_message("my_package..x", options),
               Catch::Contains("component 2 is empty"));
    CHECK_THAT(not_found_message("../x", options),
               Catch::Contains("path separator"));
  }
}

TEST_CASE("A name that is not found lists every path tried with its origin",
          "[resolve]") {
  TempDir root;
  EnvGuard path("TENSORPLUG_PATH", root.path().string());
  ResolveOptions options;
  options.name_source = "environment KERAS_BACKEND";
  const std::string m = not_found_message("my_package.missing", options);
  CHECK_THAT(m, Catch::Contains("`my_package.missing` (from environment "
                                "KERAS_BACKEND) was not found"));
  CHECK_THAT(m, Catch::Contains("[TENSORPLUG_PATH] " +
                                (root / "my_package/missing.so").string() +
                                ": not found"));
  CHECK_THAT(m, Catch::Contains("[TENSORPLUG_PATH] " +
                                (root / "my_package/libmissing.so").string()));
  CHECK_THAT(m, Catch::Contains("[application] not set"));
  CHECK_THAT(m, Catch::Contains("[config directory] not set"));
  CHECK_THAT(m, Catch::Contains("Installed builtin backends"));
  CHECK_THAT(m, Catch::Contains("reference"));
}

TEST_CASE(
    "Keras backends without a native plugin are 'not installed' with "
    "the fixes",
    "[resolve]") {
  // A builtin directory without tensorplug's tensorflow backend (a build
  // without the wheel): tensorflow is one of these names there too.
  TempDir no_builtins;
  ResolveOptions options = isolated();
  options.builtin_dir = no_builtins.path();
  for (const char* name :
       {"tensorflow", "theano", "cntk", "jax", "numpy", "openvino", "mxnet"}) {
    SECTION(name) {
      const std::string m = not_found_message(name, options);
      CHECK_THAT(m, Catch::Contains("is not installed"));
      CHECK_THAT(m, Catch::Contains("Installed backends: "));
      CHECK_THAT(m, Catch::Contains("KERAS_BACKEND"));
      CHECK_THAT(m, Catch::Contains("own configuration directory"));
      // tensorflow is a tensorplug backend too, only not in this build.
      CHECK((m.find("not in this build") != std::string::npos) ==
            (std::string(name) == "tensorflow"));
    }
  }
}

TEST_CASE("A near miss of a builtin name gets a suggestion", "[resolve]") {
  CHECK_THAT(not_found_message("refrence", isolated()),
             Catch::Contains("Did you mean `reference`?"));
  CHECK_THAT(not_found_message("Reference", isolated()),
             Catch::Contains("Did you mean `reference`?"));
  CHECK_THAT(not_found_message("zzzzzz", isolated()),
             !Catch::Contains("Did you mean"));
}

TEST_CASE(
    "Libraries other users can write to are refused unless the "
    "application opts out",
    "[resolve]") {
  TempDir root;
  fs::create_directories(root / "pkg");
  fs::copy_file(fixtures::kMyModule, root / "pkg" / "mod.so");
  auto options = isolated();
  options.search_roots = {root.path()};
  SECTION("a world-writable file") {
    fs::permissions(root / "pkg" / "mod.so", fs::perms::others_write,
                    fs::perm_options::add);
    const std::string m = not_found_message("pkg.mod", options);
    CHECK_THAT(m, Catch::Contains("writable by other users"));
    CHECK_THAT(m, Catch::Contains((root / "pkg" / "mod.so").string()));
    options.allow_insecure_permissions = true;
    CHECK_NOTHROW(resolve_backend("pkg.mod", options));
  }
  SECTION("a world-writable directory on the way") {
    fs::permissions(root / "pkg", fs::perms::others_write,
                    fs::perm_options::add);
    CHECK_THAT(not_found_message("pkg.mod", options),
               Catch::Contains("writable by other users"));
  }
}

TEST_CASE("A setuid process ignores TENSORPLUG_PATH", "[resolve]") {
  EnvGuard path("TENSORPLUG_PATH", fixtures::kRoot);
  ResolveOptions options;
  CHECK_NOTHROW(resolve_backend("my_package.my_module", options));
  detail::set_privileged_for_testing(true);
  const std::string m = not_found_message("my_package.my_module", options);
  detail::set_privileged_for_testing(std::nullopt);
  CHECK_THAT(m, Catch::Contains("[TENSORPLUG_PATH] not set"));
}

TEST_CASE("An explicit library path resolves to itself", "[resolve]") {
  const auto r = resolve_library_file(fixtures::kValid);
  CHECK(r.kind == Resolution::Kind::kFile);
  CHECK(r.library == fs::path(fixtures::kValid));
  CHECK_THROWS_AS(resolve_library_file("/nonexistent/x.so"),
                  BackendNotFoundError);
}
