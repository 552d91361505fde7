// A missing keras.json: the defaults, and the default file written atomically
// without ever replacing or writing through anything.
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "config/atomic_write.hpp"
#include "config/default_file.hpp"
#include "temp_dir.hpp"
#include "tensorplug/config.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using tensorplug::Config;
using tensorplug::ConfigOptions;
using tensorplug::FloatX;
using tensorplug::load_config;
using tensorplug::Settings;
using tensorplug::Source;
using tensorplug::detail::write_new_file_atomically;
using tensorplug::detail::WriteOutcome;
using tensorplug::test::EnvGuard;
using tensorplug::test::read_file;
using tensorplug::test::TempDir;

namespace {

/// What a new keras.json holds: Keras's keys, with this build's default
/// backend.
std::string default_file(
    const std::string& backend = tensorplug::default_backend_name()) {
  return "{\n"
         "    \"floatx\": \"float32\",\n"
         "    \"epsilon\": 1e-07,\n"
         "    \"backend\": \"" +
         backend +
         "\",\n"
         "    \"image_data_format\": \"channels_last\"\n"
         "}\n";
}

ConfigOptions in_dir(const fs::path& dir) {
  ConfigOptions options;
  options.config_dir = dir;
  return options;
}

/// Names in `dir` other than keras.json (temporary files left behind).
int leftovers(const fs::path& dir) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename() != "keras.json") ++count;
  }
  return count;
}

/// Clears the hook even when a check fails.
struct HookGuard {
  ~HookGuard() { tensorplug::detail::set_before_link_hook_for_testing({}); }
};

}  // namespace

TEST_CASE(
    "The default file has Keras's layout, key order and epsilon "
    "spelling",
    "[config]") {
  CHECK(tensorplug::detail::default_file_content(
            Settings::defaults("reference")) == default_file("reference"));
  SECTION("backend names are JSON-escaped") {
    CHECK_THAT(
        tensorplug::detail::default_file_content(Settings::defaults("a\"b")),
        Contains("\"backend\": \"a\\\"b\",\n"));
  }
}

TEST_CASE("A missing file gives the defaults and is written with them",
          "[config]") {
  EnvGuard no_backend("KERAS_BACKEND", std::nullopt);
  TempDir tmp;
  const fs::path dir = tmp / "nested" / "keras-home";
  const Config c = load_config(in_dir(dir));
  CHECK_FALSE(c.file_existed);
  CHECK(c.file_written);
  CHECK(c.file == dir / "keras.json");
  CHECK(read_file(c.file) == default_file());
  CHECK(leftovers(dir) == 0);
  CHECK(c.settings.floatx.value == FloatX::kFloat32);
  CHECK(c.settings.epsilon.value == 1e-07);
  CHECK(c.settings.backend.value ==
        std::string(tensorplug::default_backend_name()));
  CHECK(c.settings.backend.source.kind == Source::Kind::kDefault);
  CHECK(c.settings.floatx.source.kind == Source::Kind::kDefault);

  SECTION("the created directory is private") {
    struct stat info {};
    REQUIRE(::stat(dir.c_str(), &info) == 0);
    CHECK((info.st_mode & 077) == 0);
  }
  SECTION("the next load reads the file it wrote") {
    const Config again = load_config(in_dir(dir));
    CHECK(again.file_existed);
    CHECK_FALSE(again.file_written);
    CHECK(again.settings.backend.source.kind == Source::Kind::kFile);
  }
}

TEST_CASE("write_default_file=false writes nothing", "[config]") {
  EnvGuard no_backend("KERAS_BACKEND", std::nullopt);
  TempDir tmp;
  ConfigOptions options = in_dir(tmp / "absent");
  options.write_default_file = false;
  const Config c = load_config(options);
  CHECK_FALSE(c.file_written);
  CHECK_FALSE(c.file_existed);
  CHECK_FALSE(fs::exists(tmp / "absent"));
  CHECK(c.settings.backend.value ==
        std::string(tensorplug::default_backend_name()));
}

TEST_CASE("The application's default backend is written and used", "[config]") {
  EnvGuard no_backend("KERAS_BACKEND", std::nullopt);
  TempDir tmp;
  ConfigOptions options = in_dir(tmp.path());
  options.default_backend = "jax";
  const Config c = load_config(options);
  CHECK(c.settings.backend.value == "jax");
  CHECK_THAT(read_file(c.file), Contains("\"backend\": \"jax\""));
  SECTION("a backend Python Keras knows needs no coexistence warning") {
    CHECK(c.warnings.empty());
  }
}

TEST_CASE("An empty default backend is refused", "[config]") {
  TempDir tmp;
  ConfigOptions options = in_dir(tmp.path());
  options.default_backend = "  ";
  CHECK_THROWS_WITH(load_config(options),
                    "Invalid `backend` in ConfigOptions::default_backend: "
                    "expected a non-empty backend name; received \"  \".");
  CHECK_FALSE(fs::exists(tmp / "keras.json"));
}

TEST_CASE(
    "Writing a backend Python Keras cannot import warns how to avoid "
    "breaking it",
    "[config]") {
  EnvGuard no_backend("KERAS_BACKEND", std::nullopt);
  TempDir tmp;
  const Config c = load_config(in_dir(tmp.path()));
  REQUIRE(c.file_written);
  REQUIRE(c.warnings.size() == 1);
  CHECK_THAT(c.warnings[0],
             Contains("Wrote " + c.file.string() + " with \"backend\": \"" +
                      tensorplug::default_backend_name() +
                      "\", which "
                      "Python Keras cannot import"));
  CHECK_THAT(c.warnings[0],
             Contains("Python Keras reading this file will fail"));
  CHECK_THAT(c.warnings[0], Contains("KERAS_HOME"));
  CHECK_THAT(c.warnings[0], Contains("KERAS_BACKEND"));
  CHECK_THAT(c.warnings[0], Contains("ConfigOptions::config_dir"));
}

TEST_CASE(
    "Being unable to write is a warning with the OS reason, not an "
    "error",
    "[config]") {
  EnvGuard no_backend("KERAS_BACKEND", std::nullopt);
  TempDir tmp;
  tmp.write("plain-file", "x");
  const Config c = load_config(in_dir(tmp / "plain-file" / "sub"));
  CHECK_FALSE(c.file_written);
  CHECK_FALSE(c.file_existed);
  CHECK(c.settings.backend.value ==
        std::string(tensorplug::default_backend_name()));
  REQUIRE(c.warnings.size() == 1);
  CHECK_THAT(c.warnings[0], Contains("Could not write the default"));
  CHECK_THAT(c.warnings[0], Contains("Not a directory"));
  CHECK_THAT(c.warnings[0], Contains("using the defaults in memory"));
}

TEST_CASE("A dangling symbolic link at keras.json is never written through",
          "[config]") {
  EnvGuard no_backend("KERAS_BACKEND", std::nullopt);
  TempDir tmp;
  const fs::path target = tmp / "elsewhere.json";
  fs::create_symlink(target, tmp / "keras.json");
  const Config c = load_config(in_dir(tmp.path()));
  CHECK_FALSE(c.file_written);
  CHECK_FALSE(c.file_existed);
  CHECK_FALSE(fs::exists(target));
  CHECK(fs::is_symlink(tmp / "keras.json"));
  CHECK(fs::read_symlink(tmp / "keras.json") == target);
  CHECK(c.settings.backend.source.kind == Source::Kind::kDefault);
  REQUIRE(c.warnings.size() == 1);
  CHECK_THAT(c.warnings[0], Contains("symbolic link to a missing file; not "
                                     "writing through it"));
}

TEST_CASE(
    "write_new_file_atomically creates a new file and leaves no "
    "temporary file",
    "[config]") {
  TempDir tmp;
  const auto outcome = write_new_file_atomically(tmp / "keras.json", "abc\n");
  CHECK(outcome.kind == WriteOutcome::Kind::kWritten);
  CHECK(read_file(tmp / "keras.json") == "abc\n");
  CHECK(leftovers(tmp.path()) == 0);
}

TEST_CASE("write_new_file_atomically never replaces an existing file",
          "[config]") {
  TempDir tmp;
  const auto file = tmp.write("keras.json", "{\"backend\": \"mine\"}");
  const auto outcome = write_new_file_atomically(file, "other");
  CHECK(outcome.kind == WriteOutcome::Kind::kExists);
  CHECK(read_file(file) == "{\"backend\": \"mine\"}");
  CHECK(leftovers(tmp.path()) == 0);
}

TEST_CASE(
    "write_new_file_atomically does not follow a symbolic link at the "
    "target",
    "[config]") {
  TempDir tmp;
  SECTION("a dangling link") {
    fs::create_symlink(tmp / "target.json", tmp / "keras.json");
    const auto outcome = write_new_file_atomically(tmp / "keras.json", "x");
    CHECK(outcome.kind == WriteOutcome::Kind::kExists);
    CHECK_FALSE(fs::exists(tmp / "target.json"));
  }
  SECTION("a link to an existing file") {
    const auto target = tmp.write("target.json", "keep");
    fs::create_symlink(target, tmp / "keras.json");
    const auto outcome = write_new_file_atomically(tmp / "keras.json", "x");
    CHECK(outcome.kind == WriteOutcome::Kind::kExists);
    CHECK(read_file(target) == "keep");
  }
  int others = 0;
  for (const auto& entry : fs::directory_iterator(tmp.path())) {
    const auto name = entry.path().filename().string();
    if (name != "keras.json" && name != "target.json") ++others;
  }
  CHECK(others == 0);
}

TEST_CASE(
    "write_new_file_atomically reports the OS reason when it cannot "
    "write",
    "[config]") {
  TempDir tmp;
  const auto outcome =
      write_new_file_atomically(tmp / "missing-dir" / "keras.json", "x");
  CHECK(outcome.kind == WriteOutcome::Kind::kFailed);
  CHECK(outcome.error == std::errc::no_such_file_or_directory);
  CHECK_THAT(outcome.what, Contains("cannot create a temporary file in"));
  CHECK_THAT(outcome.what, Contains("No such file or directory"));
}

TEST_CASE(
    "A file that appears between the check and the write is not "
    "overwritten",
    "[config]") {
  HookGuard clear_hook;
  TempDir tmp;
  const fs::path file = tmp / "keras.json";
  fs::path seen_temporary;
  tensorplug::detail::set_before_link_hook_for_testing(
      [&](const fs::path& temporary) {
        seen_temporary = temporary;
        // The temporary is complete and in the same directory.
        CHECK(temporary.parent_path() == tmp.path());
        CHECK(read_file(temporary) == "ours");
        tmp.write("keras.json", "{\"backend\": \"theirs\"}");
      });

  const auto outcome = write_new_file_atomically(file, "ours");
  CHECK(outcome.kind == WriteOutcome::Kind::kExists);
  CHECK(read_file(file) == "{\"backend\": \"theirs\"}");
  CHECK_FALSE(fs::exists(seen_temporary));
  CHECK(leftovers(tmp.path()) == 0);
}

TEST_CASE("load_config adopts a keras.json another process wrote meanwhile",
          "[config]") {
  EnvGuard no_backend("KERAS_BACKEND", std::nullopt);
  HookGuard clear_hook;
  TempDir tmp;
  tensorplug::detail::set_before_link_hook_for_testing([&](const fs::path&) {
    tmp.write("keras.json", "{\"backend\": \"theirs\"}");
  });
  const Config c = load_config(in_dir(tmp.path()));
  CHECK_FALSE(c.file_written);
  CHECK(c.file_existed);
  CHECK(c.settings.backend.value == "theirs");
  CHECK(c.settings.backend.source.kind == Source::Kind::kFile);
  CHECK(read_file(tmp / "keras.json") == "{\"backend\": \"theirs\"}");
  CHECK(leftovers(tmp.path()) == 0);
}
