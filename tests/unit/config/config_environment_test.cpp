// <prefix>_BACKEND: overrides the file when non-empty after trimming, is never
// written, and the order default < file < environment < runtime setter.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "config_fixture.hpp"
#include "temp_dir.hpp"
#include "tensorplug/config.hpp"

using Catch::Matchers::Contains;
using tensorplug::Config;
using tensorplug::ConfigOptions;
using tensorplug::load_config;
using tensorplug::Source;
using tensorplug::test::EnvGuard;
using tensorplug::test::FileSnapshot;
using tensorplug::test::read_file;
using tensorplug::test::TempDir;

using tensorplug::test::in_dir;

TEST_CASE("KERAS_BACKEND overrides the file's backend, trimmed", "[config]") {
  TempDir dir;
  const auto file = dir.write("keras.json", "{\"backend\": \"jax\"}");
  const auto snapshot = FileSnapshot::take(file);
  SECTION("a plain name") {
    EnvGuard backend("KERAS_BACKEND", "torch");
    const Config c = load_config(in_dir(dir));
    CHECK(c.settings.backend.value == "torch");
    CHECK(c.settings.backend.source.kind == Source::Kind::kEnvironment);
    CHECK(c.settings.backend.source.describe() == "environment KERAS_BACKEND");
  }
  SECTION("surrounding white space is removed") {
    EnvGuard backend("KERAS_BACKEND", "  torch \n");
    CHECK(load_config(in_dir(dir)).settings.backend.value == "torch");
  }
  CHECK(snapshot.unchanged(file));
}

TEST_CASE("KERAS_BACKEND changes only the backend", "[config]") {
  TempDir dir;
  dir.write("keras.json", "{\"backend\": \"jax\", \"floatx\": \"float64\"}");
  EnvGuard backend("KERAS_BACKEND", "torch");
  const Config c = load_config(in_dir(dir));
  CHECK(c.settings.floatx.source.kind == Source::Kind::kFile);
  CHECK(c.settings.epsilon.source.kind == Source::Kind::kDefault);
}

TEST_CASE("An empty or white-space KERAS_BACKEND counts as unset", "[config]") {
  TempDir dir;
  dir.write("keras.json", "{\"backend\": \"jax\"}");
  for (const char* value : {"", "   ", "\t\n"}) {
    EnvGuard backend("KERAS_BACKEND", value);
    const Config c = load_config(in_dir(dir));
    CHECK(c.settings.backend.value == "jax");
    CHECK(c.settings.backend.source.kind == Source::Kind::kFile);
  }
}

TEST_CASE("KERAS_BACKEND is never written, not even into a new default file",
          "[config]") {
  EnvGuard backend("KERAS_BACKEND", "torch");
  TempDir dir;
  const Config c = load_config(in_dir(dir));
  CHECK(c.file_written);
  CHECK(c.settings.backend.value == "torch");
  CHECK(c.settings.backend.source.kind == Source::Kind::kEnvironment);
  const std::string written = read_file(dir / "keras.json");
  CHECK_THAT(written,
             Contains("\"backend\": \"" +
                      std::string(tensorplug::default_backend_name()) + "\""));
  CHECK(written.find("torch") == std::string::npos);
}

TEST_CASE("use_environment=false ignores KERAS_BACKEND and KERAS_HOME",
          "[config]") {
  TempDir dir, other;
  dir.write("keras.json", "{\"backend\": \"jax\"}");
  EnvGuard backend("KERAS_BACKEND", "torch");
  EnvGuard home("KERAS_HOME", other.path().string());
  ConfigOptions options = in_dir(dir);
  options.use_environment = false;
  const Config c = load_config(options);
  CHECK(c.settings.backend.value == "jax");
  CHECK(c.settings.backend.source.kind == Source::Kind::kFile);
}

TEST_CASE("The environment prefix names the backend variable", "[config]") {
  TempDir dir;
  dir.write("keras.json", "{\"backend\": \"jax\"}");
  EnvGuard keras("KERAS_BACKEND", "torch");
  EnvGuard mine("MYAPP_BACKEND", "mine");
  ConfigOptions options = in_dir(dir);
  options.env_prefix = "MYAPP";
  const Config c = load_config(options);
  CHECK(c.settings.backend.value == "mine");
  CHECK(c.settings.backend.source.describe() == "environment MYAPP_BACKEND");
}

TEST_CASE("Sources rank default < file < environment < runtime setter",
          "[config]") {
  TempDir dir;
  dir.write("keras.json", "{\"backend\": \"jax\"}");
  EnvGuard backend("KERAS_BACKEND", std::nullopt);
  Config c = load_config(in_dir(dir));
  CHECK(c.settings.epsilon.source.kind == Source::Kind::kDefault);
  CHECK(c.settings.backend.source.kind == Source::Kind::kFile);
  {
    EnvGuard env("KERAS_BACKEND", "torch");
    c = load_config(in_dir(dir));
    CHECK(c.settings.backend.source.kind == Source::Kind::kEnvironment);
  }
  c.settings.set_backend("numpy");
  CHECK(c.settings.backend.value == "numpy");
  CHECK(c.settings.backend.source.kind == Source::Kind::kRuntime);
}
