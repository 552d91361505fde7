// Sources, names, defaults and the runtime setters of Settings.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "config/values.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/errors.hpp"

using Catch::Matchers::Contains;
using tensorplug::ConfigError;
using tensorplug::FloatX;
using tensorplug::ImageDataFormat;
using tensorplug::Settings;
using tensorplug::Source;

namespace {
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    CHECK(e.code() == tensorplug::ExitCode::kConfig);
    return e.what();
  }
  FAIL("expected a ConfigError");
  return {};
}
}  // namespace

TEST_CASE("Every source describes itself in words and by kind name",
          "[config]") {
  SECTION("default") {
    Source s;
    CHECK(s.describe() == "default");
    CHECK(s.kind_name() == "default");
  }
  SECTION("file") {
    Source s{Source::Kind::kFile, "/home/u/.keras/keras.json"};
    CHECK(s.describe() == "file /home/u/.keras/keras.json");
    CHECK(s.kind_name() == "file");
  }
  SECTION("environment") {
    Source s{Source::Kind::kEnvironment, "KERAS_BACKEND"};
    CHECK(s.describe() == "environment KERAS_BACKEND");
    CHECK(s.kind_name() == "environment");
  }
  SECTION("runtime") {
    Source s{Source::Kind::kRuntime, ""};
    CHECK(s.describe() == "set at run time");
    CHECK(s.kind_name() == "runtime");
  }
  SECTION("application and fallback (directories only)") {
    Source app{Source::Kind::kApplication, "ConfigOptions::config_dir"};
    CHECK(app.describe() == "application via ConfigOptions::config_dir");
    CHECK(app.kind_name() == "application");
    Source fb{Source::Kind::kFallback, "the home directory /h is not writable"};
    CHECK(fb.describe() ==
          "per-user fallback: the home directory /h is not writable");
    CHECK(fb.kind_name() == "fallback");
  }
}

TEST_CASE("Enum values print as Keras spells them", "[config]") {
  CHECK(to_string(FloatX::kFloat16) == "float16");
  CHECK(to_string(FloatX::kFloat32) == "float32");
  CHECK(to_string(FloatX::kFloat64) == "float64");
  CHECK(to_string(ImageDataFormat::kChannelsLast) == "channels_last");
  CHECK(to_string(ImageDataFormat::kChannelsFirst) == "channels_first");
}

TEST_CASE("Python Keras knows exactly its own backends", "[config]") {
  for (const char* name :
       {"tensorflow", "theano", "cntk", "jax", "torch", "numpy", "openvino"}) {
    CHECK(tensorplug::python_keras_knows_backend(name));
  }
  for (const char* name : {"reference", "", "TensorFlow", "mxnet", "torch "}) {
    CHECK_FALSE(tensorplug::python_keras_knows_backend(name));
  }
}

TEST_CASE("The defaults are Keras's, each with the default source",
          "[config]") {
  const Settings s = Settings::defaults("reference");
  CHECK(s.backend.value == "reference");
  CHECK(s.floatx.value == FloatX::kFloat32);
  CHECK(s.epsilon.value == 1e-07);
  CHECK(s.image_data_format.value == ImageDataFormat::kChannelsLast);
  for (const Source* src : {&s.backend.source, &s.floatx.source,
                            &s.epsilon.source, &s.image_data_format.source}) {
    CHECK(src->kind == Source::Kind::kDefault);
    CHECK(src->describe() == "default");
  }
}

TEST_CASE("Runtime setters accept valid values and record the runtime source",
          "[config]") {
  Settings s = Settings::defaults("reference");
  SECTION("floatx") {
    s.set_floatx("float64");
    CHECK(s.floatx.value == FloatX::kFloat64);
    CHECK(s.floatx.source.kind == Source::Kind::kRuntime);
    s.set_floatx("float16");
    CHECK(s.floatx.value == FloatX::kFloat16);
  }
  SECTION("epsilon") {
    s.set_epsilon(1e-3);
    CHECK(s.epsilon.value == 1e-3);
    CHECK(s.epsilon.source.kind == Source::Kind::kRuntime);
  }
  SECTION("image_data_format") {
    s.set_image_data_format("channels_first");
    CHECK(s.image_data_format.value == ImageDataFormat::kChannelsFirst);
    CHECK(s.image_data_format.source.kind == Source::Kind::kRuntime);
  }
  SECTION("backend is trimmed") {
    s.set_backend("  mybackend\t");
    CHECK(s.backend.value == "mybackend");
    CHECK(s.backend.source.kind == Source::Kind::kRuntime);
    CHECK(s.backend.source.describe() == "set at run time");
  }
}

TEST_CASE("Runtime setters reject what the file rejects, with the same message",
          "[config]") {
  Settings s = Settings::defaults("reference");
  const Settings before = s;
  SECTION("floatx") {
    CHECK(error_of([&] { s.set_floatx("float128"); }) ==
          "Invalid `floatx` set at run time: expected one of float16, "
          "float32, float64; received \"float128\".");
    CHECK(s.floatx.source.kind == Source::Kind::kDefault);
  }
  SECTION("floatx is case-sensitive, as in Keras") {
    CHECK_THROWS_AS(s.set_floatx("Float32"), ConfigError);
  }
  SECTION("epsilon zero, negative, NaN and infinity") {
    CHECK(error_of([&] { s.set_epsilon(0.0); }) ==
          "Invalid `epsilon` set at run time: expected a finite number "
          "greater than 0; received 0.");
    CHECK_THAT(error_of([&] { s.set_epsilon(-1e-7); }),
               Contains("received -1e-07."));
    CHECK_THAT(error_of([&] {
                 s.set_epsilon(std::numeric_limits<double>::quiet_NaN());
               }),
               Contains("received NaN (not a finite number)"));
    CHECK_THAT(error_of([&] {
                 s.set_epsilon(std::numeric_limits<double>::infinity());
               }),
               Contains("received Infinity (not a finite number)"));
    CHECK(s.epsilon.value == before.epsilon.value);
  }
  SECTION("image_data_format") {
    CHECK(error_of([&] { s.set_image_data_format("channels_middle"); }) ==
          "Invalid `image_data_format` set at run time: expected one of "
          "channels_last, channels_first; received \"channels_middle\".");
  }
  SECTION("backend empty or white space") {
    CHECK(error_of([&] { s.set_backend(" \t"); }) ==
          "Invalid `backend` set at run time: expected a non-empty backend "
          "name; received \" \\t\".");
    CHECK(error_of([&] { s.set_backend(""); }) ==
          "Invalid `backend` set at run time: expected a non-empty backend "
          "name; received \"\".");
    CHECK(s.backend.value == "reference");
  }
}

TEST_CASE("Shared validators trim, quote and format like the messages need",
          "[config]") {
  using namespace tensorplug::detail;
  CHECK(trim("  a b \n") == "a b");
  CHECK(trim(" \t ").empty());
  CHECK(json_quote("a\"b") == "\"a\\\"b\"");
  CHECK(format_number(1e-07) == "1e-07");
  CHECK(format_number(0.001) == "0.001");
  CHECK(parse_image_dim_ordering("th", ValueOrigin::runtime()) ==
        ImageDataFormat::kChannelsFirst);
  CHECK(parse_image_dim_ordering("tf", ValueOrigin::runtime()) ==
        ImageDataFormat::kChannelsLast);
}
