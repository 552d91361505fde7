// The four keys of keras.json: accepted values, types, and the messages for
// everything else. The file is never modified.
#include <catch2/catch.hpp>

#include <string>

#include "config_fixture.hpp"
#include "temp_dir.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/errors.hpp"

using Catch::Matchers::Contains;
using tensorplug::Config;
using tensorplug::ConfigError;
using tensorplug::ConfigOptions;
using tensorplug::FloatX;
using tensorplug::ImageDataFormat;
using tensorplug::load_config;
using tensorplug::Source;
using tensorplug::test::EnvGuard;
using tensorplug::test::FileSnapshot;
using tensorplug::test::in_dir;
using tensorplug::test::TempDir;

namespace {

Config load_existing(const std::string& content) {
  Config config = tensorplug::test::load_with(content);
  CHECK(config.file_existed);
  CHECK_FALSE(config.file_written);
  return config;
}

/// The ConfigError for keras.json = `content`, which must be a value error.
std::string error_for(const std::string& content) {
  const auto failure = tensorplug::test::config_error_for(content);
  CHECK_THAT(failure.message,
             Contains(" in " + failure.file.string() + ": expected "));
  return failure.message;
}

}  // namespace

TEST_CASE("Valid values are read with the file as their source", "[config]") {
  const Config c = load_existing(
      "{\"floatx\": \"float16\", \"epsilon\": 0.001, \"backend\": \"jax\", "
      "\"image_data_format\": \"channels_first\"}");
  CHECK(c.settings.floatx.value == FloatX::kFloat16);
  CHECK(c.settings.epsilon.value == 0.001);
  CHECK(c.settings.backend.value == "jax");
  CHECK(c.settings.image_data_format.value == ImageDataFormat::kChannelsFirst);
  const std::string path = c.file.string();
  for (const Source* s :
       {&c.settings.floatx.source, &c.settings.epsilon.source,
        &c.settings.backend.source, &c.settings.image_data_format.source}) {
    CHECK(s->kind == Source::Kind::kFile);
    CHECK(s->describe() == "file " + path);
  }
  CHECK(c.unknown_keys.empty());
  CHECK(c.warnings.empty());
}

TEST_CASE("Missing keys take the default with the default source", "[config]") {
  const Config c = load_existing("{\"floatx\": \"float64\"}");
  CHECK(c.settings.floatx.value == FloatX::kFloat64);
  CHECK(c.settings.floatx.source.kind == Source::Kind::kFile);
  CHECK(c.settings.backend.value ==
        std::string(tensorplug::default_backend_name()));
  CHECK(c.settings.backend.source.describe() == "default");
  CHECK(c.settings.epsilon.value == 1e-07);
  CHECK(c.settings.epsilon.source.kind == Source::Kind::kDefault);
  CHECK(c.settings.image_data_format.value == ImageDataFormat::kChannelsLast);
  CHECK(c.settings.image_data_format.source.kind == Source::Kind::kDefault);

  SECTION("an empty object is all defaults") {
    const Config e = load_existing("{}");
    CHECK(e.settings.backend.source.kind == Source::Kind::kDefault);
    CHECK(e.settings.floatx.value == FloatX::kFloat32);
  }
}

TEST_CASE("floatx must be one of float16, float32, float64", "[config]") {
  SECTION("the whole message, in Keras 3's style") {
    TempDir dir;
    const auto file =
        dir.write("keras.json", "{\n  \"floatx\": \"float128\"\n}");
    CHECK_THROWS_WITH(load_config(in_dir(dir)),
                      "Invalid `floatx` in " + file.string() +
                          ": expected one of float16, float32, float64; "
                          "received \"float128\" at line 2, column 13 "
                          "(directory source: application via "
                          "ConfigOptions::config_dir).");
  }
  SECTION("an unknown name") {
    const auto m = error_for("{\n    \"floatx\": \"float128\"\n}");
    CHECK_THAT(m, Contains("Invalid `floatx` in "));
    CHECK_THAT(m, Contains("keras.json: expected one of float16, float32, "
                           "float64; received \"float128\" at line 2, column "
                           "15 (directory source:"));
  }
  SECTION("a number") {
    const auto m = error_for("{\"floatx\": 32}");
    CHECK_THAT(m, Contains("expected a string, one of float16, float32, "
                           "float64; received 32 (a number) at line 1, "
                           "column 12"));
  }
  SECTION("null") {
    CHECK_THAT(error_for("{\"floatx\": null}"),
               Contains("received null at line 1"));
  }
}

TEST_CASE("epsilon must be a finite number greater than 0", "[config]") {
  SECTION("JSON integers are accepted") {
    CHECK(load_existing("{\"epsilon\": 1}").settings.epsilon.value == 1.0);
  }
  SECTION("exponent notation is accepted") {
    CHECK(load_existing("{\"epsilon\": 1e-07}").settings.epsilon.value ==
          1e-07);
  }
  SECTION("zero") {
    const auto m = error_for("{\"epsilon\": 0}");
    CHECK_THAT(m, Contains("Invalid `epsilon` in "));
    CHECK_THAT(m, Contains("expected a finite number greater than 0; "
                           "received 0 at line 1, column 13"));
  }
  SECTION("negative, received as written") {
    CHECK_THAT(error_for("{\"epsilon\": -1e-7}"),
               Contains("received -1e-7 at line 1"));
  }
  SECTION("too large to be finite") {
    CHECK_THAT(error_for("{\"epsilon\": 1e999}"),
               Contains("received 1e999 (not a finite number)"));
  }
  SECTION("a string") {
    CHECK_THAT(error_for("{\"epsilon\": \"1e-07\"}"),
               Contains("received \"1e-07\" (a string)"));
  }
  SECTION("a boolean") {
    CHECK_THAT(error_for("{\"epsilon\": true}"),
               Contains("received true (a boolean)"));
  }
  SECTION("null") {
    CHECK_THAT(error_for("{\"epsilon\": null}"),
               Contains("expected a finite number greater than 0; received "
                        "null at line 1, column 13"));
  }
  SECTION("an array") {
    CHECK_THAT(error_for("{\"epsilon\": [1e-7]}"),
               Contains("received [1E-7] (an array)"));
  }
}

TEST_CASE("image_data_format must be channels_last or channels_first",
          "[config]") {
  SECTION("an unknown name") {
    const auto m = error_for("{\"image_data_format\": \"channels_middle\"}");
    CHECK_THAT(m, Contains("Invalid `image_data_format` in "));
    CHECK_THAT(m,
               Contains("expected one of channels_last, channels_first; "
                        "received \"channels_middle\" at line 1, column 23"));
  }
  SECTION("an object") {
    CHECK_THAT(error_for("{\"image_data_format\": {\"a\": 1}}"),
               Contains("expected a string, one of channels_last, "
                        "channels_first; received {\"a\":1} (an object)"));
  }
}

TEST_CASE("backend must be a non-empty string and is trimmed", "[config]") {
  SECTION("surrounding white space is removed") {
    const Config c = load_existing("{\"backend\": \"  jax\\t\"}");
    CHECK(c.settings.backend.value == "jax");
  }
  SECTION("empty") {
    const auto m = error_for("{\"backend\": \"\"}");
    CHECK_THAT(m, Contains("Invalid `backend` in "));
    CHECK_THAT(m, Contains("expected a non-empty backend name; received \"\" "
                           "at line 1, column 13"));
  }
  SECTION("white space only") {
    CHECK_THAT(error_for("{\"backend\": \"   \"}"),
               Contains("received \"   \" at line 1"));
  }
  SECTION("a number") {
    CHECK_THAT(error_for("{\"backend\": 1}"),
               Contains("expected a string, a non-empty backend name; "
                        "received 1 (a number)"));
  }
  SECTION("any other name is accepted here (resolution checks it later)") {
    CHECK(
        load_existing("{\"backend\": \"my_backend\"}").settings.backend.value ==
        "my_backend");
  }
}

TEST_CASE("The error names the first invalid key in file order", "[config]") {
  const auto m =
      error_for("{\"backend\": \"jax\", \"floatx\": \"x\", \"epsilon\": 0}");
  CHECK_THAT(m, Contains("Invalid `floatx`"));
}

TEST_CASE(
    "File errors are raised even when KERAS_BACKEND overrides the "
    "backend, as Keras validates the file first",
    "[config]") {
  EnvGuard backend("KERAS_BACKEND", "jax");
  TempDir dir;
  dir.write("keras.json", "{\"backend\": \"\"}");
  CHECK_THROWS_AS(load_config(in_dir(dir)), ConfigError);
}
