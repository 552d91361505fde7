// Editing keras.json through the library (tensorplug/config_file.hpp): the
// loading rules and messages, order and unknown keys kept, atomic writes that
// never leave a partial file, and refusals that leave the file unchanged.
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "config/edit.hpp"
#include "temp_dir.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/config_file.hpp"
#include "tensorplug/errors.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using tensorplug::ConfigError;
using tensorplug::ConfigOptions;
using tensorplug::Source;
using tensorplug::test::FileSnapshot;
using tensorplug::test::read_file;
using tensorplug::test::TempDir;

namespace {

ConfigOptions in_dir(const fs::path& dir) {
  ConfigOptions options;
  options.config_dir = dir;
  options.use_environment = false;
  return options;
}

constexpr const char* kUserFile =
    "{\n"
    "  \"zeta\": [1, 2],\n"
    "  \"epsilon\": 1e-07,\n"
    "  \"backend\": \"reference\",\n"
    "  \"mine\": {\"a\": 1}\n"
    "}\n";

/// Files in `dir` other than keras.json (temporary files left behind).
std::size_t stray_files(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename() != "keras.json") ++n;
  }
  return n;
}

}  // namespace

TEST_CASE(
    "Setting a key keeps the other keys, unknown ones included, in their "
    "order, and the result loads",
    "[config]") {
  TempDir dir;
  const fs::path file = dir.write("keras.json", kUserFile);

  SECTION("an existing key is replaced in place") {
    const auto change =
        tensorplug::set_config_value("epsilon", "1e-5", in_dir(dir.path()));
    CHECK(change.written);
    CHECK_FALSE(change.created);
    CHECK(change.previous == "1e-07");
    CHECK(change.value == "1e-05");
    CHECK(read_file(file) ==
          "{\n"
          "    \"zeta\": [1, 2],\n"
          "    \"epsilon\": 1e-05,\n"
          "    \"backend\": \"reference\",\n"
          "    \"mine\": {\"a\": 1}\n"
          "}\n");
    const auto config = tensorplug::load_config(in_dir(dir.path()));
    CHECK(config.settings.epsilon.value == 1e-05);
    CHECK(config.settings.epsilon.source.kind == Source::Kind::kFile);
    CHECK(config.unknown_keys.size() == 2);
    CHECK(stray_files(dir.path()) == 0);
  }
  SECTION("a new key is appended") {
    const auto change = tensorplug::set_config_value(
        "image_data_format", "channels_first", in_dir(dir.path()));
    CHECK(change.written);
    CHECK_FALSE(change.previous.has_value());
    const auto contents = tensorplug::read_keras_json(in_dir(dir.path()));
    REQUIRE(contents.members.size() == 5);
    CHECK(contents.members[0].first == "zeta");
    CHECK(contents.members[4].first == "image_data_format");
    CHECK(contents.members[4].second == "\"channels_first\"");
  }
  SECTION("setting the value the file already has writes nothing") {
    const FileSnapshot before = FileSnapshot::take(file);
    const auto change = tensorplug::set_config_value("backend", "reference",
                                                     in_dir(dir.path()));
    CHECK_FALSE(change.written);
    CHECK(before.unchanged(file));
  }
  SECTION("the permission bits are kept") {
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write |
                              fs::perms::group_read);
    tensorplug::set_config_value("floatx", "float64", in_dir(dir.path()));
    struct stat info {};
    REQUIRE(::stat(file.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0640);
  }
  SECTION("a UTF-8 BOM is kept") {
    dir.write("keras.json", std::string("\xEF\xBB\xBF") + kUserFile);
    tensorplug::set_config_value("floatx", "float16", in_dir(dir.path()));
    CHECK(read_file(file).rfind("\xEF\xBB\xBF{\n", 0) == 0);
  }
}

TEST_CASE(
    "Invalid values are refused with the loading rule and the file is left "
    "unchanged",
    "[config]") {
  TempDir dir;
  const fs::path file = dir.write("keras.json", kUserFile);
  const FileSnapshot before = FileSnapshot::take(file);
  auto refused = [&](const char* key, const char* value,
                     const std::string& message) {
    INFO(key << " = " << value);
    CHECK_THROWS_WITH(
        tensorplug::set_config_value(key, value, in_dir(dir.path())),
        Contains(message));
    CHECK(before.unchanged(file));
    CHECK(stray_files(dir.path()) == 0);
  };
  SECTION("epsilon") {
    refused("epsilon", "-1",
            "expected a finite number greater than 0; received -1");
    refused("epsilon", "0", "received 0");
    refused("epsilon", "nan", "not a number");
    refused("epsilon", "1e999", "expected a finite number greater than 0");
  }
  SECTION("floatx and image_data_format") {
    refused("floatx", "float8", "expected one of float16, float32, float64");
    refused("image_data_format", "nhwc",
            "expected one of channels_last, channels_first");
  }
  SECTION("backend names") {
    refused("backend", "", "a non-empty backend name");
    refused("backend", "../x", "path separator");
    refused("backend", "a..b", "is empty");
  }
  SECTION("unknown keys, with a suggestion") {
    refused("epsilom", "1", "did you mean `epsilon`?");
    refused("image_dim_ordering", "th", "set image_data_format");
  }
  SECTION("a file that does not parse, with line and column") {
    dir.write("keras.json", "{\n    \"backend\": \"reference\",\n}\n");
    const FileSnapshot broken = FileSnapshot::take(file);
    CHECK_THROWS_WITH(
        tensorplug::set_config_value("floatx", "float64", in_dir(dir.path())),
        Contains(file.string() + ":3:1"));
    CHECK(broken.unchanged(file));
  }
  SECTION("a file whose other values would not load") {
    dir.write("keras.json", "{\"floatx\": \"float8\"}");
    const FileSnapshot broken = FileSnapshot::take(file);
    CHECK_THROWS_WITH(
        tensorplug::set_config_value("epsilon", "0.1", in_dir(dir.path())),
        Contains("would not load") && Contains("float8"));
    CHECK(broken.unchanged(file));
    // Fixing the broken key itself is allowed.
    tensorplug::set_config_value("floatx", "float16", in_dir(dir.path()));
    CHECK(tensorplug::load_config(in_dir(dir.path())).settings.floatx.value ==
          tensorplug::FloatX::kFloat16);
  }
}

TEST_CASE("Edits never write through a symbolic link or a special file",
          "[config]") {
  TempDir dir;
  const fs::path target = dir.write("elsewhere.json", kUserFile);
  const FileSnapshot before = FileSnapshot::take(target);
  fs::create_directories(dir / "conf");
  SECTION("a link to a file") {
    fs::create_symlink(target, dir / "conf" / "keras.json");
    CHECK_THROWS_WITH(
        tensorplug::set_config_value("floatx", "float64", in_dir(dir / "conf")),
        Contains("symbolic link"));
    CHECK(fs::is_symlink(dir / "conf" / "keras.json"));
  }
  SECTION("a dangling link") {
    fs::create_symlink(dir / "absent.json", dir / "conf" / "keras.json");
    CHECK_THROWS_WITH(
        tensorplug::set_config_value("floatx", "float64", in_dir(dir / "conf")),
        Contains("symbolic link"));
    CHECK_FALSE(fs::exists(dir / "absent.json"));
  }
  SECTION("a directory") {
    fs::create_directories(dir / "conf" / "keras.json");
    CHECK_THROWS_AS(
        tensorplug::set_config_value("floatx", "float64", in_dir(dir / "conf")),
        ConfigError);
  }
  CHECK(before.unchanged(target));
}

TEST_CASE("A missing keras.json is created with the defaults plus the change",
          "[config]") {
  TempDir dir;
  const fs::path conf = dir / "new" / ".keras";
  const auto change =
      tensorplug::set_config_value("backend", "my_pkg.fast", in_dir(conf));
  CHECK(change.created);
  CHECK(change.written);
  CHECK(read_file(conf / "keras.json") ==
        "{\n"
        "    \"floatx\": \"float32\",\n"
        "    \"epsilon\": 1e-07,\n"
        "    \"backend\": \"my_pkg.fast\",\n"
        "    \"image_data_format\": \"channels_last\"\n"
        "}\n");
  SECTION("with a note when Python Keras cannot import the backend") {
    REQUIRE(change.notes.size() == 1);
    CHECK_THAT(change.notes[0], Contains("Python Keras"));
  }
  SECTION("a backend Python Keras knows gets no note") {
    CHECK(tensorplug::set_config_value("backend", "tensorflow", in_dir(conf))
              .notes.empty());
  }
}

TEST_CASE("Unsetting a key removes it and the setting falls back to default",
          "[config]") {
  TempDir dir;
  const fs::path file = dir.write("keras.json", kUserFile);
  SECTION("a known key") {
    const auto change =
        tensorplug::unset_config_value("epsilon", in_dir(dir.path()));
    CHECK(change.written);
    CHECK(change.previous == "1e-07");
    const auto config = tensorplug::load_config(in_dir(dir.path()));
    CHECK(config.settings.epsilon.source.kind == Source::Kind::kDefault);
  }
  SECTION("an unknown key") {
    tensorplug::unset_config_value("zeta", in_dir(dir.path()));
    const auto contents = tensorplug::read_keras_json(in_dir(dir.path()));
    CHECK_FALSE(contents.find("zeta").has_value());
    CHECK(contents.find("mine").value_or("") == "{\"a\":1}");
  }
  SECTION("an absent key or file writes nothing") {
    const FileSnapshot before = FileSnapshot::take(file);
    CHECK_FALSE(
        tensorplug::unset_config_value("floatx", in_dir(dir.path())).written);
    CHECK(before.unchanged(file));
    CHECK_FALSE(
        tensorplug::unset_config_value("floatx", in_dir(dir / "none")).written);
    CHECK_FALSE(fs::exists(dir / "none"));
  }
}

TEST_CASE(
    "A concurrent writer's change is never lost and no partial file is left",
    "[config]") {
  TempDir dir;
  const fs::path file = dir.write("keras.json", kUserFile);
  const std::string theirs = "{\"backend\": \"theirs\"}\n";
  bool temporary_complete = false;
  tensorplug::detail::set_before_rename_hook_for_testing(
      [&](const fs::path& temporary) {
        // The temporary file is complete before anything is renamed.
        temporary_complete =
            read_file(temporary).find("float64") != std::string::npos;
        dir.write("keras.json", theirs);
      });
  CHECK_THROWS_WITH(
      tensorplug::set_config_value("floatx", "float64", in_dir(dir.path())),
      Contains("changed while it was being edited"));
  tensorplug::detail::set_before_rename_hook_for_testing({});
  CHECK(temporary_complete);
  CHECK(read_file(file) == theirs);
  CHECK(stray_files(dir.path()) == 0);
}

TEST_CASE("render_members writes Keras's 4-space layout", "[config]") {
  using tensorplug::detail::render_members;
  CHECK(render_members({}) == "{}\n");
  CHECK(render_members({{"a", "1"}, {"b\"", "\"x\""}}) ==
        "{\n    \"a\": 1,\n    \"b\\\"\": \"x\"\n}\n");
}
