// Where keras.json lives: config_dir, $KERAS_HOME, ~/.keras, and the private
// per-user fallback that replaces Keras's shared /tmp/.keras.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "config/directory.hpp"
#include "temp_dir.hpp"
#include "tensorplug/config.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using tensorplug::Config;
using tensorplug::ConfigOptions;
using tensorplug::load_config;
using tensorplug::Source;
using tensorplug::detail::choose_default_dir;
using tensorplug::detail::expand_tilde;
using tensorplug::test::EnvGuard;
using tensorplug::test::read_file;
using tensorplug::test::TempDir;

namespace {
bool never_writable(const fs::path&) { return false; }
bool always_writable(const fs::path&) { return true; }
}  // namespace

TEST_CASE(
    "ConfigOptions::config_dir overrides KERAS_HOME and the home "
    "directory",
    "[config]") {
  TempDir app, env, home;
  EnvGuard keras_home("KERAS_HOME", env.path().string());
  EnvGuard home_var("HOME", home.path().string());
  ConfigOptions options;
  options.config_dir = app.path();
  Source source;
  CHECK(tensorplug::config_dir(options, &source) == app.path());
  CHECK(source.kind == Source::Kind::kApplication);
  CHECK(source.describe() == "application via ConfigOptions::config_dir");
}

TEST_CASE("KERAS_HOME names the directory when set and non-empty", "[config]") {
  EnvGuard no_backend("KERAS_BACKEND", std::nullopt);
  TempDir env;
  EnvGuard keras_home("KERAS_HOME", env.path().string());
  env.write("keras.json", "{\"backend\": \"jax\"}");
  const Config c = load_config();
  CHECK(c.dir == env.path());
  CHECK(c.file == env / "keras.json");
  CHECK(c.dir_source.kind == Source::Kind::kEnvironment);
  CHECK(c.dir_source.describe() == "environment KERAS_HOME");
  CHECK(c.settings.backend.value == "jax");

  SECTION("and errors name it as the directory's source") {
    env.write("keras.json", "{\"floatx\": 1}");
    CHECK_THROWS_WITH(load_config(),
                      Contains("(directory source: environment KERAS_HOME)"));
  }
}

TEST_CASE("A leading ~ in KERAS_HOME is the home directory", "[config]") {
  TempDir home;
  EnvGuard home_var("HOME", home.path().string());
  SECTION("~/sub") {
    EnvGuard keras_home("KERAS_HOME", "~/sub/dir");
    CHECK(tensorplug::config_dir() == home / "sub" / "dir");
  }
  SECTION("~ alone") {
    EnvGuard keras_home("KERAS_HOME", "~");
    CHECK(tensorplug::config_dir() == home.path());
  }
  SECTION("~user") {
    const struct passwd* pw = ::getpwuid(::geteuid());
    REQUIRE(pw != nullptr);
    CHECK(expand_tilde(std::string("~") + pw->pw_name + "/k") ==
          fs::path(pw->pw_dir) / "k");
    CHECK(expand_tilde("~no-such-user-xyz/k") == "~no-such-user-xyz/k");
  }
  SECTION("a ~ elsewhere is literal") {
    CHECK(expand_tilde("/a/~/b") == "/a/~/b");
  }
}

TEST_CASE("A relative KERAS_HOME is made absolute", "[config]") {
  EnvGuard keras_home("KERAS_HOME", "relative/dir");
  CHECK(tensorplug::config_dir() == fs::current_path() / "relative" / "dir");
}

TEST_CASE("An empty KERAS_HOME counts as unset, not as the current directory",
          "[config]") {
  TempDir home;
  EnvGuard home_var("HOME", home.path().string());
  EnvGuard keras_home("KERAS_HOME", "");
  Source source;
  CHECK(tensorplug::config_dir({}, &source) == home / ".keras");
  CHECK(source.kind == Source::Kind::kDefault);
  CHECK(source.describe() == "default");
}

TEST_CASE("Without KERAS_HOME the directory is ~/.keras", "[config]") {
  EnvGuard no_backend("KERAS_BACKEND", std::nullopt);
  EnvGuard keras_home("KERAS_HOME", std::nullopt);
  TempDir home;
  EnvGuard home_var("HOME", home.path().string());
  const Config c = load_config();
  CHECK(c.dir == home / ".keras");
  CHECK(c.dir_source.kind == Source::Kind::kDefault);
  CHECK(c.file_written);
  CHECK(fs::exists(home / ".keras" / "keras.json"));

  SECTION("HOME unset: the passwd entry") {
    EnvGuard no_home("HOME", std::nullopt);
    const struct passwd* pw = ::getpwuid(::geteuid());
    REQUIRE(pw != nullptr);
    // config_dir() inspects only; nothing is created in the real home.
    const fs::path dir = tensorplug::config_dir();
    if (dir.empty() || dir.parent_path() != fs::path(pw->pw_dir)) {
      WARN("the passwd home is unusable here; got " << dir);
    } else {
      CHECK(dir == fs::path(pw->pw_dir) / ".keras");
    }
    CHECK(tensorplug::detail::home_directory() == fs::path(pw->pw_dir));
  }
}

TEST_CASE("The variable prefix and use_environment select the variables",
          "[config]") {
  TempDir home, keras, mine;
  EnvGuard home_var("HOME", home.path().string());
  EnvGuard keras_home("KERAS_HOME", keras.path().string());
  EnvGuard my_home("MYAPP_HOME", mine.path().string());
  SECTION("env_prefix") {
    ConfigOptions options;
    options.env_prefix = "MYAPP";
    Source source;
    CHECK(tensorplug::config_dir(options, &source) == mine.path());
    CHECK(source.describe() == "environment MYAPP_HOME");
  }
  SECTION("use_environment=false ignores KERAS_HOME") {
    ConfigOptions options;
    options.use_environment = false;
    CHECK(tensorplug::config_dir(options) == home / ".keras");
  }
}

TEST_CASE(
    "The default directory falls back only where Keras would use "
    "/tmp/.keras",
    "[config]") {
  TempDir home;
  const fs::path fallback = "/fallback/candidate";
  SECTION("an existing keras.json is used even in a read-only directory") {
    home.write(".keras/keras.json", "{}");
    const auto choice =
        choose_default_dir(home.path(), fallback, never_writable);
    CHECK(choice.dir == home / ".keras");
    CHECK(choice.source.kind == Source::Kind::kDefault);
  }
  SECTION("even a dangling keras.json link keeps ~/.keras") {
    fs::create_directory(home / ".keras");
    fs::create_symlink(home / "nowhere", home / ".keras" / "keras.json");
    CHECK(choose_default_dir(home.path(), fallback, never_writable).dir ==
          home / ".keras");
  }
  SECTION("a writable home without .keras") {
    CHECK(choose_default_dir(home.path(), fallback, always_writable).dir ==
          home / ".keras");
  }
  SECTION("a read-only home without .keras") {
    const auto choice =
        choose_default_dir(home.path(), fallback, never_writable);
    CHECK(choice.dir == fallback);
    CHECK(choice.source.kind == Source::Kind::kFallback);
    CHECK(choice.source.describe() == "per-user fallback: the home directory " +
                                          home.path().string() +
                                          " is not writable");
  }
  SECTION("a read-only .keras without keras.json") {
    fs::create_directory(home / ".keras");
    const auto choice =
        choose_default_dir(home.path(), fallback, never_writable);
    CHECK(choice.dir == fallback);
    CHECK_THAT(choice.source.detail,
               Contains("has no keras.json and is not writable"));
  }
  SECTION(".keras is a file") {
    home.write(".keras", "");
    const auto choice =
        choose_default_dir(home.path(), fallback, always_writable);
    CHECK(choice.dir == fallback);
    CHECK_THAT(choice.source.detail, Contains(".keras is not a directory"));
  }
  SECTION("the home directory does not exist") {
    const auto choice =
        choose_default_dir(home / "gone", fallback, never_writable);
    CHECK(choice.dir == fallback);
    CHECK_THAT(choice.source.detail, Contains("does not exist"));
  }
  SECTION("no home directory at all") {
    const auto choice =
        choose_default_dir(std::nullopt, fallback, always_writable);
    CHECK(choice.dir == fallback);
    CHECK_THAT(choice.source.detail, Contains("no home directory is known"));
  }
}
