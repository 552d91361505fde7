// Keys tensorplug does not use: kept and warned about, with suggestions for
// near misses; Keras 1's image_dim_ordering.
#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "config/suggest.hpp"
#include "config_fixture.hpp"
#include "temp_dir.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/log.hpp"

using Catch::Matchers::Contains;
using tensorplug::Config;
using tensorplug::ConfigError;
using tensorplug::ConfigOptions;
using tensorplug::ImageDataFormat;
using tensorplug::load_config;
using tensorplug::Source;
using tensorplug::test::EnvGuard;
using tensorplug::test::FileSnapshot;
using tensorplug::test::in_dir;
using tensorplug::test::TempDir;

using tensorplug::test::load_with;

TEST_CASE("Damerau-Levenshtein distance counts adjacent transpositions as one",
          "[config]") {
  using tensorplug::detail::damerau_levenshtein;
  CHECK(damerau_levenshtein("backend", "backend") == 0);
  CHECK(damerau_levenshtein("backedn", "backend") == 1);
  CHECK(damerau_levenshtein("float_x", "floatx") == 1);
  CHECK(damerau_levenshtein("", "abc") == 3);
  CHECK(damerau_levenshtein("abc", "") == 3);
  CHECK(damerau_levenshtein("ca", "abc") == 2);  // unrestricted: not 3
  CHECK(damerau_levenshtein("kitten", "sitting") == 3);
}

TEST_CASE("Near misses of a known key are suggested", "[config]") {
  using tensorplug::detail::suggest_key;
  constexpr std::array<std::string_view, 4> keys = {
      "floatx", "epsilon", "backend", "image_data_format"};
  CHECK(suggest_key("backedn", keys) == "backend");
  CHECK(suggest_key("Backend", keys) == "backend");
  CHECK(suggest_key("BACKEND", keys) == "backend");  // case-insensitive only
  CHECK(suggest_key("float_x", keys) == "floatx");
  CHECK(suggest_key("epsilom", keys) == "epsilon");
  CHECK(suggest_key("image_data_fromat", keys) == "image_data_format");
  CHECK(suggest_key("IMAGE_DATA_FORMAT", keys) == "image_data_format");
  CHECK_FALSE(suggest_key("backendxyz", keys).has_value());  // distance 3
  CHECK_FALSE(suggest_key("device", keys).has_value());
  CHECK_FALSE(suggest_key("backend", keys).has_value());  // not unknown
}

TEST_CASE("Unknown keys are kept, warned about, and never an error",
          "[config]") {
  const Config c = load_with(
      "{\n  \"backedn\": \"jax\",\n  \"Backend\": \"torch\",\n"
      "  \"float_x\": \"float64\",\n  \"device\": {\"gpu\": 0}\n}");
  REQUIRE(c.unknown_keys.size() == 4);
  CHECK(c.unknown_keys[0] ==
        std::pair<std::string, std::string>{"backedn", "\"jax\""});
  CHECK(c.unknown_keys[1].first == "Backend");
  CHECK(c.unknown_keys[2].first == "float_x");
  CHECK(c.unknown_keys[3] ==
        std::pair<std::string, std::string>{"device", "{\"gpu\":0}"});
  // None of them sets anything.
  CHECK(c.settings.backend.source.kind == Source::Kind::kDefault);
  CHECK(c.settings.floatx.source.kind == Source::Kind::kDefault);

  REQUIRE(c.warnings.size() == 4);
  const std::string path = c.file.string();
  CHECK(c.warnings[0] == "Unknown key `backedn` in " + path +
                             " (line 2) is ignored; did you mean `backend`?");
  CHECK(c.warnings[1] == "Unknown key `Backend` in " + path +
                             " (line 3) is ignored; did you mean `backend`?");
  CHECK_THAT(c.warnings[2], Contains("`float_x`"));
  CHECK_THAT(c.warnings[2], Contains("did you mean `floatx`?"));
  CHECK_THAT(c.warnings[3], Contains("Unknown key `device` in " + path +
                                     " (line 5) is ignored (tensorplug reads "
                                     "floatx, epsilon, backend and "
                                     "image_data_format)"));
}

TEST_CASE("Warnings are logged as well as returned", "[config]") {
  std::vector<std::string> logged;
  const auto previous = tensorplug::log_level();
  tensorplug::set_log_level(tensorplug::LogLevel::kWarn);
  tensorplug::set_log_handler(
      [&](tensorplug::LogLevel level, std::string_view message) {
        if (level == tensorplug::LogLevel::kWarn) {
          logged.emplace_back(message);
        }
      });
  const Config c = load_with("{\"backedn\": \"jax\"}");
  tensorplug::set_log_handler({});
  tensorplug::set_log_level(previous);
  REQUIRE(c.warnings.size() == 1);
  CHECK(logged == c.warnings);
}

TEST_CASE(
    "Keras 1's image_dim_ordering maps to image_data_format with a "
    "warning",
    "[config]") {
  SECTION("th is channels_first") {
    const Config c = load_with("{\"image_dim_ordering\": \"th\"}");
    CHECK(c.settings.image_data_format.value ==
          ImageDataFormat::kChannelsFirst);
    CHECK(c.settings.image_data_format.source.kind == Source::Kind::kFile);
    REQUIRE(c.warnings.size() == 1);
    CHECK_THAT(c.warnings[0],
               Contains("`image_dim_ordering` in " + c.file.string() +
                        " (line 1) is Keras 1's name for `image_data_format`: "
                        "using image_data_format \"channels_first\""));
    CHECK(c.unknown_keys.empty());
  }
  SECTION("tf is channels_last") {
    const Config c = load_with("{\"image_dim_ordering\": \"tf\"}");
    CHECK(c.settings.image_data_format.value == ImageDataFormat::kChannelsLast);
    CHECK(c.settings.image_data_format.source.kind == Source::Kind::kFile);
    CHECK(c.warnings.size() == 1);
  }
  SECTION("with image_data_format present, image_data_format wins") {
    const Config c = load_with(
        "{\"image_dim_ordering\": \"th\",\n"
        " \"image_data_format\": \"channels_last\"}");
    CHECK(c.settings.image_data_format.value == ImageDataFormat::kChannelsLast);
    REQUIRE(c.warnings.size() == 1);
    CHECK_THAT(c.warnings[0],
               Contains("has both `image_data_format` (line 2) and Keras 1's "
                        "`image_dim_ordering` (line 1): `image_data_format` "
                        "wins (\"channels_last\")"));
  }
}

TEST_CASE("An invalid image_dim_ordering is an error", "[config]") {
  TempDir dir;
  SECTION("an unknown value, even next to image_data_format") {
    const auto file = dir.write(
        "keras.json",
        "{\"image_data_format\": \"channels_last\", \"image_dim_ordering\": "
        "\"theano\"}");
    const auto snapshot = FileSnapshot::take(file);
    CHECK_THROWS_WITH(
        load_config(in_dir(dir)),
        Contains("Invalid `image_dim_ordering` in " + file.string() +
                 ": expected one of th, tf; received \"theano\" at line 1, "
                 "column 62"));
    CHECK(snapshot.unchanged(file));
  }
  SECTION("a wrong type") {
    dir.write("keras.json", "{\"image_dim_ordering\": 1}");
    CHECK_THROWS_WITH(load_config(in_dir(dir)),
                      Contains("expected a string, one of th, tf; received 1 "
                               "(a number)"));
  }
}
