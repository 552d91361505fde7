// `tensorplug use` and `tensorplug config`, run as subprocesses in a sandbox:
// validation before any write (refusals leave keras.json byte-identical), the
// KERAS_BACKEND note, the loading rules for every value, and `info`'s
// precedence chain after a change.
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_sandbox.hpp"
#include "fixture_paths.hpp"
#include "run_process.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using tensorplug::test::Environment;
using tensorplug::test::FileSnapshot;
using tensorplug::test::ProcessResult;
using tensorplug::test::TempDir;

using tensorplug::test::contains;
using tensorplug::test::parse_json;
using tensorplug::test::same_file;
using tensorplug::test::Sandbox;
using tensorplug::test::str;

namespace {

/// Name of a fixture at the top of fixtures::kRoot (its file stem).
std::string stem(const char* fixture) {
  return fs::path(fixture).stem().string();
}

}  // namespace

namespace {

constexpr const char* kUserFile =
    "{\n"
    "    \"floatx\": \"float32\",\n"
    "    \"zeta\": [1, 2],\n"
    "    \"backend\": \"fixture_valid\",\n"
    "    \"epsilon\": 1e-07\n"
    "}\n";

}  // namespace

TEST_CASE(
    "use refuses every invalid fixture with exit 4, leaves keras.json "
    "byte-identical and loads nothing",
    "[cli]") {
  Sandbox sb;
  sb.env["TENSORPLUG_PATH"] = fixtures::kRoot;
  sb.write_keras_json(kUserFile);
  const FileSnapshot before = FileSnapshot::take(sb.keras_json());
  for (const char* fixture :
       {fixtures::kMissingVariable, fixtures::kMissingRequired,
        fixtures::kNoVersion, fixtures::kNotALibrary, fixtures::kEmpty,
        fixtures::kTruncated, fixtures::kWrongArch}) {
    INFO(fixture);
    const auto r = sb.run({"use", stem(fixture)});
    INFO(r.describe());
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, "tensorplug: error:"));
    CHECK(contains(r.err, fixture));
    CHECK(r.out.empty());
    CHECK(before.unchanged(sb.keras_json()));
  }
  CHECK(sb.all_markers().empty());

  SECTION("--json reports the error and no write") {
    const auto r = sb.run({"use", "fixture_no_version", "--json"});
    CHECK(r.exit_code == 4);
    const json::value v = parse_json(r);
    CHECK(v.at("error").at("code") == 4);
    CHECK(v.at("error").at("kind") == "invalid_backend");
    CHECK(v.at("written") == false);
    CHECK(v.at("status") == "invalid");
    CHECK(before.unchanged(sb.keras_json()));
  }
  SECTION("config set backend validates the same way") {
    const auto r = sb.run({"config", "set", "backend", "fixture_no_version"});
    CHECK(r.exit_code == 4);
    CHECK(before.unchanged(sb.keras_json()));
  }
  SECTION("other failures keep their codes and the file") {
    CHECK(sb.run({"use", "fixture_future_major"}).exit_code == 5);
    CHECK(sb.run({"use", "fixture_init_fails"}).exit_code == 6);
    CHECK(sb.run({"use", "no_such.backend"}).exit_code == 3);
    CHECK(sb.run({"use", "../x"}).exit_code == 3);
    CHECK(sb.run({"use"}).exit_code == 64);
    CHECK(before.unchanged(sb.keras_json()));
  }
}

TEST_CASE(
    "use reference writes it to keras.json, and info --json then shows it "
    "with the file as its source",
    "[cli]") {
  Sandbox sb;
  sb.env["TENSORPLUG_PATH"] = fixtures::kRoot;
  sb.write_keras_json(kUserFile);
  const auto r = sb.run({"use", "reference"});
  INFO(r.describe());
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "reference"));
  CHECK(contains(r.out, "updated"));
  CHECK_FALSE(contains(r.err, "KERAS_BACKEND is set to"));
  CHECK(tensorplug::test::read_file(sb.keras_json()) ==
        "{\n"
        "    \"floatx\": \"float32\",\n"
        "    \"zeta\": [1, 2],\n"
        "    \"backend\": \"reference\",\n"
        "    \"epsilon\": 1e-07\n"
        "}\n");

  const auto info = sb.run({"info", "--json"});
  INFO(info.describe());
  REQUIRE(info.exit_code == 0);
  const json::value v = parse_json(info);
  const auto& backend = v.at("settings").at("backend");
  CHECK(backend.at("value") == "reference");
  CHECK(backend.at("source") == "file");
  CHECK(same_file(str(backend.at("detail")), sb.keras_json()));
  CHECK(v.at("backend").at("origin") == "builtin");

  SECTION("the precedence chain lists every source consulted") {
    const auto& chain = v.at("precedence").at("backend").as_array();
    REQUIRE(chain.size() == 3);
    CHECK(chain[0].at("source") == "default");
    CHECK(chain[0].at("wins") == false);
    CHECK(chain[1].at("source") == "file");
    CHECK(chain[1].at("value") == "reference");
    CHECK(chain[1].at("wins") == true);
    CHECK(chain[2].at("source") == "environment");
    CHECK(chain[2].at("detail") == "KERAS_BACKEND");
    CHECK(chain[2].at("set") == false);
    const auto& eps = v.at("precedence").at("image_data_format").as_array();
    REQUIRE(eps.size() == 2);
    CHECK(eps[0].at("wins") == true);
    CHECK(eps[1].at("set") == false);
  }
  SECTION("KERAS_BACKEND wins in the chain and in the human report") {
    sb.env["KERAS_BACKEND"] = "my_package.my_module";
    const json::value e = parse_json(sb.run({"info", "--json"}));
    const auto& chain = e.at("precedence").at("backend").as_array();
    CHECK(chain[1].at("wins") == false);
    CHECK(chain[2].at("wins") == true);
    CHECK(chain[2].at("value") == "my_package.my_module");
    const auto human = sb.run({"info"});
    CHECK(contains(human.out, "KERAS_BACKEND wins"));
  }
  SECTION("using it again writes nothing") {
    const FileSnapshot before = FileSnapshot::take(sb.keras_json());
    const auto again = sb.run({"use", "reference", "--json"});
    REQUIRE(again.exit_code == 0);
    CHECK(parse_json(again).at("written") == false);
    CHECK(before.unchanged(sb.keras_json()));
  }
}

TEST_CASE("use mentions KERAS_BACKEND when it would override the file",
          "[cli]") {
  Sandbox sb;
  sb.env["TENSORPLUG_PATH"] = fixtures::kRoot;
  sb.env["KERAS_BACKEND"] = "reference";
  const auto r = sb.run({"use", "my_package.my_module", "--json"});
  INFO(r.describe());
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.err, "KERAS_BACKEND is set to `reference`"));
  CHECK(contains(r.err, "Python Keras"));
  const json::value v = parse_json(r);
  CHECK(v.at("environment_override").at("value") == "reference");
  CHECK(v.at("created") == true);
  CHECK(v.at("api_version").is_string());
  CHECK(sb.marker(fixtures::kMyModule));  // validated by loading it

  SECTION("--no-load validates from the export table only") {
    const auto n = sb.run({"use", "fixture_valid", "--no-load", "--json"});
    REQUIRE(n.exit_code == 0);
    CHECK(parse_json(n).at("api_version").is_null());
    CHECK_FALSE(sb.marker(fixtures::kValid));
  }
}

TEST_CASE(
    "config set epsilon -1 exits 2 naming the rule it broke, file unchanged",
    "[cli]") {
  Sandbox sb;
  sb.write_keras_json(kUserFile);
  const FileSnapshot before = FileSnapshot::take(sb.keras_json());
  const auto r = sb.run({"config", "set", "epsilon", "-1"});
  INFO(r.describe());
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "tensorplug: error: Invalid `epsilon`"));
  CHECK(
      contains(r.err, "expected a finite number greater than 0; received -1"));
  CHECK(r.out.empty());
  CHECK(before.unchanged(sb.keras_json()));

  SECTION("other invalid values and keys") {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"config", "set", "floatx", "float8"},
          {"config", "set", "image_data_format", "nchw"},
          {"config", "set", "epsilon", "abc"},
          {"config", "set", "epsilom", "1"},
          {"config", "get", "nothing"}}) {
      INFO(args[2] << " " << args[3 % args.size()]);
      const auto e = sb.run(args);
      CHECK(e.exit_code == 2);
      CHECK(contains(e.err, "tensorplug: error:"));
    }
    CHECK(before.unchanged(sb.keras_json()));
  }
  SECTION("--json carries the error") {
    const auto j = sb.run({"config", "set", "epsilon", "-1", "--json"});
    CHECK(j.exit_code == 2);
    CHECK(parse_json(j).at("error").at("kind") == "config");
    CHECK(before.unchanged(sb.keras_json()));
  }
  SECTION("a malformed file is refused with line and column") {
    sb.write_keras_json("{\n    \"backend\": \"reference\",\n}\n");
    const FileSnapshot broken = FileSnapshot::take(sb.keras_json());
    const auto m = sb.run({"config", "set", "floatx", "float64"});
    CHECK(m.exit_code == 2);
    CHECK(contains(m.err, sb.keras_json().string() + ":3:1"));
    CHECK(broken.unchanged(sb.keras_json()));
  }
}

TEST_CASE("config path, get, set and unset read and edit keras.json", "[cli]") {
  Sandbox sb;
  sb.write_keras_json(kUserFile);

  SECTION("path") {
    const auto r = sb.run({"config", "path"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == sb.keras_json().string() + "\n");
    const json::value v = parse_json(sb.run({"config", "path", "--json"}));
    CHECK(same_file(str(v.at("file")), sb.keras_json()));
    CHECK(v.at("exists") == true);
    CHECK(v.at("source").at("kind") == "default");
  }
  SECTION("get") {
    CHECK(sb.run({"config", "get", "backend"}).out == "fixture_valid\n");
    CHECK(sb.run({"config", "get", "epsilon"}).out == "1e-07\n");
    const auto dflt = sb.run({"config", "get", "image_data_format"});
    CHECK(dflt.out == "channels_last\n");
    CHECK(contains(dflt.err, "default"));
    const json::value all = parse_json(sb.run({"config", "get", "--json"}));
    const auto& values = all.at("values").as_object();
    REQUIRE(values.size() == 4);
    CHECK(values.begin()->key() == "floatx");
    CHECK(values.at("zeta") == json::array{1, 2});
    const json::value one =
        parse_json(sb.run({"config", "get", "floatx", "--json"}));
    CHECK(one.at("value") == "float32");
    CHECK(one.at("in_file") == true);
  }
  SECTION("set and unset keep unknown keys and the order") {
    REQUIRE(sb.run({"config", "set", "floatx", "float64"}).exit_code == 0);
    REQUIRE(sb.run({"config", "set", "image_data_format", "channels_first"})
                .exit_code == 0);
    const auto u = sb.run({"config", "unset", "epsilon", "--json"});
    REQUIRE(u.exit_code == 0);
    const json::value v = parse_json(u);
    CHECK(v.at("previous") == 1e-07);
    CHECK(v.at("value").is_null());
    CHECK(tensorplug::test::read_file(sb.keras_json()) ==
          "{\n"
          "    \"floatx\": \"float64\",\n"
          "    \"zeta\": [1, 2],\n"
          "    \"backend\": \"fixture_valid\",\n"
          "    \"image_data_format\": \"channels_first\"\n"
          "}\n");
    const json::value info = parse_json(sb.run({"info", "--json"}));
    CHECK(info.at("settings").at("epsilon").at("source") == "default");
    CHECK(info.at("settings").at("floatx").at("source") == "file");
  }
  SECTION("set in an empty home creates the file with the defaults") {
    fs::remove(sb.keras_json());
    const auto r = sb.run({"config", "set", "floatx", "float16", "--json"});
    REQUIRE(r.exit_code == 0);
    CHECK(parse_json(r).at("created") == true);
    const json::value file =
        json::parse(tensorplug::test::read_file(sb.keras_json()));
    CHECK(file.at("floatx") == "float16");
    CHECK(file.at("backend") == fixtures::kDefaultBackendName);
    CHECK(file.as_object().size() == 4);
  }
  SECTION("usage errors exit 64") {
    CHECK(sb.run({"config"}).exit_code == 64);
    CHECK(sb.run({"config", "set", "floatx"}).exit_code == 64);
    CHECK(sb.run({"config", "frob"}).exit_code == 64);
  }
}
