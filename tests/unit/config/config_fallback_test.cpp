// The per-user fallback directory: chosen, created 0700 and verified with
// lstat; refused (defaults in memory, with a warning) when not private.
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "config/private_dir.hpp"
#include "temp_dir.hpp"
#include "tensorplug/config.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using tensorplug::Config;
using tensorplug::load_config;
using tensorplug::Source;
using tensorplug::detail::fallback_candidate;
using tensorplug::detail::make_private_dir;
using tensorplug::detail::private_dir_problem;
using tensorplug::test::EnvGuard;
using tensorplug::test::read_file;
using tensorplug::test::TempDir;

namespace {

std::string user_dir_name() { return "keras-" + std::to_string(::geteuid()); }

void make_dir(const fs::path& dir, mode_t mode) {
  REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
  REQUIRE(::chmod(dir.c_str(), mode) == 0);
}

}  // namespace

TEST_CASE(
    "The fallback is $XDG_RUNTIME_DIR/keras only when the runtime "
    "directory is private, else <tmpdir>/keras-<uid>",
    "[config]") {
  TempDir tmp;
  EnvGuard tmpdir("TMPDIR", (tmp / "t").string());
  SECTION("a private runtime directory") {
    make_dir(tmp / "run", 0700);
    EnvGuard xdg("XDG_RUNTIME_DIR", (tmp / "run").string());
    CHECK(fallback_candidate() == tmp / "run" / "keras");
  }
  SECTION("a runtime directory others can read") {
    make_dir(tmp / "run", 0755);
    EnvGuard xdg("XDG_RUNTIME_DIR", (tmp / "run").string());
    CHECK(fallback_candidate() == tmp / "t" / user_dir_name());
  }
  SECTION("a runtime directory that is a symbolic link") {
    make_dir(tmp / "real", 0700);
    fs::create_directory_symlink(tmp / "real", tmp / "run");
    EnvGuard xdg("XDG_RUNTIME_DIR", (tmp / "run").string());
    CHECK(fallback_candidate() == tmp / "t" / user_dir_name());
  }
  SECTION("no runtime directory") {
    EnvGuard xdg("XDG_RUNTIME_DIR", std::nullopt);
    CHECK(fallback_candidate() == tmp / "t" / user_dir_name());
  }
  SECTION("a relative TMPDIR is ignored") {
    EnvGuard xdg("XDG_RUNTIME_DIR", std::nullopt);
    EnvGuard relative("TMPDIR", "relative");
    CHECK(fallback_candidate() == fs::path("/tmp") / user_dir_name());
  }
}

TEST_CASE(
    "A fallback directory must be a real directory of this user without "
    "group or other write permission",
    "[config]") {
  TempDir tmp;
  SECTION("mode 0700 and 0755 are accepted") {
    make_dir(tmp / "a", 0700);
    make_dir(tmp / "b", 0755);
    CHECK(private_dir_problem(tmp / "a").empty());
    CHECK(private_dir_problem(tmp / "b").empty());
  }
  SECTION("group write") {
    make_dir(tmp / "g", 0770);
    CHECK(private_dir_problem(tmp / "g") ==
          (tmp / "g").string() +
              " can be written by other users (mode 0770); it must not have "
              "group or other write permission");
  }
  SECTION("other write, sticky like /tmp") {
    make_dir(tmp / "o", 01777);
    CHECK_THAT(private_dir_problem(tmp / "o"), Contains("(mode 1777)"));
  }
  SECTION("a symbolic link to a private directory") {
    make_dir(tmp / "real", 0700);
    fs::create_directory_symlink(tmp / "real", tmp / "link");
    CHECK(private_dir_problem(tmp / "link") ==
          (tmp / "link").string() + " is a symbolic link, not a directory");
  }
  SECTION("a file") {
    tmp.write("file", "");
    CHECK_THAT(private_dir_problem(tmp / "file"),
               Contains("is not a directory"));
  }
  SECTION("another owner") {
    make_dir(tmp / "theirs", 0700);
    if (::geteuid() != 0) {
      WARN("not root: cannot give a directory to another user; skipped");
      return;
    }
    REQUIRE(::chown((tmp / "theirs").c_str(), 65534, 65534) == 0);
    CHECK(private_dir_problem(tmp / "theirs") ==
          (tmp / "theirs").string() +
              " is owned by uid 65534, not by this user (uid 0)");
  }
  SECTION("make_private_dir creates mode 0700 and checks what exists") {
    CHECK(make_private_dir(tmp / "new").empty());
    struct stat info {};
    REQUIRE(::lstat((tmp / "new").c_str(), &info) == 0);
    CHECK((info.st_mode & 077) == 0);
    make_dir(tmp / "open", 0777);
    CHECK_THAT(make_private_dir(tmp / "open"), Contains("(mode 0777)"));
    CHECK_THAT(make_private_dir(tmp / "missing" / "x"),
               Contains("cannot create"));
  }
}

namespace {

/// A home where ~/.keras cannot be used (it is a file), so that load_config
/// takes the fallback under `tmp`/t.
struct FallbackWorld {
  TempDir tmp;
  EnvGuard no_backend{"KERAS_BACKEND", std::nullopt};
  EnvGuard no_keras_home{"KERAS_HOME", std::nullopt};
  EnvGuard no_xdg{"XDG_RUNTIME_DIR", std::nullopt};
  EnvGuard home{"HOME", (tmp / "home").string()};
  EnvGuard tmpdir{"TMPDIR", (tmp / "t").string()};
  FallbackWorld() {
    tmp.write("home/.keras", "not a directory");
    fs::create_directory(tmp / "t");
  }
  fs::path fallback() const { return tmp / "t" / user_dir_name(); }
};

}  // namespace

TEST_CASE(
    "load_config creates and uses a private fallback where Keras would "
    "share /tmp/.keras",
    "[config]") {
  FallbackWorld world;
  const Config c = load_config();
  CHECK(c.dir == world.fallback());
  CHECK(c.dir_source.kind == Source::Kind::kFallback);
  CHECK_THAT(c.dir_source.describe(),
             Contains("per-user fallback: " + (world.tmp / "home").string() +
                      "/.keras is not a directory"));
  CHECK(c.file_written);
  CHECK(private_dir_problem(c.dir).empty());
  CHECK_THAT(read_file(c.file),
             Contains("\"backend\": \"" +
                      std::string(tensorplug::default_backend_name()) + "\""));

  SECTION("and reads it the next time") {
    const Config again = load_config();
    CHECK(again.file_existed);
    CHECK(again.dir == world.fallback());
  }
}

TEST_CASE(
    "A fallback that is not private is never used: defaults in memory "
    "and a warning saying why",
    "[config]") {
  FallbackWorld world;
  SECTION("a symbolic link planted by someone else") {
    make_dir(world.tmp / "attacker", 0700);
    world.tmp.write("attacker/keras.json", "{\"backend\": \"evil\"}");
    fs::create_directory_symlink(world.tmp / "attacker", world.fallback());
    const Config c = load_config();
    CHECK(c.dir.empty());
    CHECK(c.file.empty());
    CHECK(c.settings.backend.value ==
          std::string(tensorplug::default_backend_name()));
    CHECK(c.settings.backend.source.kind == Source::Kind::kDefault);
    CHECK_FALSE(c.file_written);
    CHECK_FALSE(c.file_existed);
    REQUIRE(c.warnings.size() == 1);
    CHECK_THAT(c.warnings[0], Contains("is a symbolic link, not a directory"));
    CHECK_THAT(c.warnings[0], Contains("using the defaults in memory"));
    CHECK(read_file(world.tmp / "attacker" / "keras.json") ==
          "{\"backend\": \"evil\"}");
    tensorplug::Source source;
    CHECK(tensorplug::config_dir({}, &source).empty());
    CHECK_THAT(source.detail, Contains("refused"));
  }
  SECTION("a directory others can write to") {
    make_dir(world.fallback(), 0777);
    const Config c = load_config();
    CHECK(c.dir.empty());
    REQUIRE(c.warnings.size() == 1);
    CHECK_THAT(c.warnings[0], Contains("can be written by other users"));
    CHECK_FALSE(fs::exists(world.fallback() / "keras.json"));
  }
}
