// The `tensorplug` tool, run as a subprocess: a temporary HOME, an
// environment built from scratch (no inherited KERAS_* or TENSORPLUG_*), and
// checks of exit codes, stdout, stderr and files. Fixture plugins create
// $TP_FIXTURE_MARKER_DIR/<name>.loaded when their code runs, so "never
// loaded" is checked, not assumed (with a positive control).
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "fixture_paths.hpp"
#include "run_process.hpp"
#include "temp_dir.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/resolve.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using tensorplug::test::Environment;
using tensorplug::test::FileSnapshot;
using tensorplug::test::ProcessResult;
using tensorplug::test::TempDir;

namespace {

/// The build tree's lib directory (holding libtensorplug.so*).
fs::path build_lib_dir() {
  return fs::path(TENSORPLUG_BUILTIN_DIR).parent_path().parent_path();
}

/// The name of the marker a fixture's constructor creates.
std::string marker_name(const char* fixture) {
  return fs::path(fixture).stem().string() + ".loaded";
}

/// One isolated world for the tool: a temporary HOME, a marker directory, a
/// working directory, TMPDIR, and an environment holding only PATH plus
/// what the test adds.
class Sandbox {
 public:
  Sandbox() {
    for (const auto* dir : {"home", "markers", "work", "tmp"}) {
      fs::create_directories(tmp_ / dir);
    }
    env = tensorplug::test::minimal_environment();
    env["HOME"] = home().string();
    env["TMPDIR"] = (tmp_ / "tmp").string();
    env[fixtures::kMarkerEnv] = markers().string();
  }

  fs::path path(const fs::path& name) const { return tmp_ / name; }
  fs::path home() const { return tmp_ / "home"; }
  fs::path markers() const { return tmp_ / "markers"; }
  fs::path work() const { return tmp_ / "work"; }
  fs::path keras_json() const { return home() / ".keras" / "keras.json"; }

  /// Runs the built tool with `args`.
  ProcessResult run(const std::vector<std::string>& args) const {
    return run_program(TENSORPLUG_CLI_PATH, args);
  }
  ProcessResult run_program(const fs::path& program,
                            const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {program.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return tensorplug::test::run_process(argv, env, work());
  }

  bool marker(const char* fixture) const {
    return fs::exists(markers() / marker_name(fixture));
  }
  /// Names of every marker present (any fixture whose code ran).
  std::vector<std::string> all_markers() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(markers())) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

  /// Copies a fixture to `<dir>/<relative>`; returns the new path.
  fs::path install(const char* fixture, const fs::path& relative) const {
    const fs::path target = tmp_ / relative;
    fs::create_directories(target.parent_path());
    fs::copy_file(fixture, target, fs::copy_options::overwrite_existing);
    return target;
  }

  Environment env;

 private:
  TempDir tmp_;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::string> lines_containing(const std::string& text,
                                          const std::string& part) {
  std::vector<std::string> found;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (contains(line, part)) found.push_back(line);
  }
  return found;
}

/// The lines of stderr that are errors ("tensorplug: error: ...").
std::vector<std::string> error_lines(const ProcessResult& r) {
  return lines_containing(r.err, "tensorplug: error:");
}

json::value parse_json(const ProcessResult& r) {
  INFO(r.describe());
  json::value value;
  REQUIRE_NOTHROW(value = json::parse(r.out));
  REQUIRE(value.is_object());
  return value;
}

std::string str(const json::value& v) {
  REQUIRE(v.is_string());
  return std::string(v.as_string());
}

std::vector<std::string> strings(const json::value& v) {
  REQUIRE(v.is_array());
  std::vector<std::string> out;
  for (const auto& item : v.as_array()) out.push_back(str(item));
  return out;
}

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec);
}

const std::vector<std::string> kAllRequired = {"placeholder", "variable",
                                               "function"};

}  // namespace

// 1. First run ---------------------------------------------------------------

TEST_CASE(
    "With an empty home, info creates keras.json with Keras's four keys and "
    "uses the default backend",
    "[cli]") {
  Sandbox sb;
  const auto first = sb.run({"info"});
  INFO(first.describe());
  REQUIRE(first.exit_code == 0);
  CHECK(contains(first.err, (std::string("Using ") +
                             fixtures::kDefaultBackendName + " backend.")));
  CHECK(error_lines(first).empty());
  CHECK(contains(first.out, "created with the defaults"));
  CHECK(contains(first.out, sb.keras_json().string()));

  REQUIRE(fs::is_regular_file(sb.keras_json()));
  const json::value file =
      json::parse(tensorplug::test::read_file(sb.keras_json()));
  REQUIRE(file.is_object());
  const auto& keys = file.as_object();
  CHECK(keys.size() == 4);
  for (const auto* key :
       {"floatx", "epsilon", "backend", "image_data_format"}) {
    CHECK(keys.contains(key));
  }
  CHECK(keys.at("backend") == fixtures::kDefaultBackendName);
  CHECK(keys.at("floatx") == "float32");
  CHECK(keys.at("image_data_format") == "channels_last");

  SECTION("the human report lists settings, backend and search roots") {
    for (const auto* text :
         {"backend", "floatx", "epsilon", "1e-07", "image_data_format",
          "channels_last", "builtin", fixtures::kDefaultBackendName,
          "API version", "host speaks", "TENSORPLUG_PATH", "not set",
          "config directory"}) {
      CHECK(contains(first.out, text));
    }
    CHECK(contains(first.out, (sb.home() / ".keras" / "backends").string()));
  }

  SECTION("a second run with --json reads the file and names it as source") {
    const FileSnapshot before = FileSnapshot::take(sb.keras_json());
    const auto r = sb.run({"info", "--json"});
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    CHECK(contains(r.err, (std::string("Using ") +
                           fixtures::kDefaultBackendName + " backend.")));
    const json::value v = parse_json(r);
    CHECK(v.at("error").is_null());
    for (const auto* key :
         {"backend", "floatx", "epsilon", "image_data_format"}) {
      const auto& setting = v.at("settings").at(key);
      CHECK(str(setting.at("source")) == "file");
      CHECK(same_file(str(setting.at("detail")), sb.keras_json()));
    }
    CHECK(v.at("settings").at("backend").at("value") ==
          fixtures::kDefaultBackendName);
    CHECK(v.at("settings").at("epsilon").at("value").as_double() == 1e-07);
    const auto& config = v.at("config");
    CHECK(same_file(str(config.at("dir")), sb.home() / ".keras"));
    CHECK(config.at("existed") == true);
    CHECK(config.at("created") == false);
    const auto& backend = v.at("backend");
    CHECK(backend.at("name") == fixtures::kDefaultBackendName);
    CHECK(backend.at("origin") == "builtin");
    CHECK(same_file(str(backend.at("library")), fixtures::kDefaultBackend));
    CHECK(backend.at("loaded") == true);
    CHECK(str(backend.at("api_version")) ==
          tensorplug::host_api_version().str());
    CHECK(str(backend.at("host_api_version")) ==
          tensorplug::host_api_version().str());
    CHECK(!str(backend.at("description")).empty());
    CHECK(strings(backend.at("required").at("present")) == kAllRequired);
    CHECK(strings(backend.at("required").at("missing")).empty());
    const auto& roots = v.at("search_roots").as_array();
    REQUIRE(roots.size() == 3);
    CHECK(roots[0].at("origin") == "TENSORPLUG_PATH");
    CHECK(roots[0].at("path").is_null());
    CHECK(roots[1].at("origin") == "application");
    CHECK(roots[2].at("origin") == "config directory");
    CHECK(fs::path(str(roots[2].at("path"))) ==
          (sb.home() / ".keras" / "backends").lexically_normal());
    CHECK(before.unchanged(sb.keras_json()));
  }

  SECTION("KERAS_BACKEND is named as the environment source") {
    sb.env["KERAS_BACKEND"] = "reference";
    const auto r = sb.run({"info", "--json"});
    REQUIRE(r.exit_code == 0);
    const json::value v = parse_json(r);
    const auto& backend = v.at("settings").at("backend");
    CHECK(backend.at("source") == "environment");
    CHECK(backend.at("detail") == "KERAS_BACKEND");
    CHECK(v.at("settings").at("floatx").at("source") == "file");
    CHECK(contains(sb.run({"info"}).out, "environment KERAS_BACKEND"));
  }

  SECTION("--quiet silences the announcement, --verbose adds debug logs") {
    const auto quiet = sb.run({"-q", "info"});
    CHECK(quiet.exit_code == 0);
    CHECK_FALSE(contains(quiet.err, "Using reference backend."));
    CHECK(contains(quiet.out, "reference"));
    const auto quiet_after = sb.run({"info", "--quiet"});
    CHECK(quiet_after.exit_code == 0);
    CHECK_FALSE(contains(quiet_after.err, "Using"));
    const auto verbose = sb.run({"info", "-v"});
    CHECK(verbose.exit_code == 0);
    CHECK(contains(verbose.err, "debug"));
    CHECK(contains(verbose.err, (std::string("Using ") +
                                 fixtures::kDefaultBackendName + " backend.")));
  }
}

TEST_CASE("info --json on an empty home reports the file as just created",
          "[cli]") {
  Sandbox sb;
  const auto r = sb.run({"info", "--json"});
  INFO(r.describe());
  REQUIRE(r.exit_code == 0);
  const json::value v = parse_json(r);
  CHECK(v.at("config").at("created") == true);
  CHECK(same_file(str(v.at("config").at("file")), sb.keras_json()));
  CHECK(v.at("config").at("source").at("kind") == "default");
  CHECK(v.at("settings").at("backend").at("value") ==
        fixtures::kDefaultBackendName);
  // Every top-level key of the documented shape is there.
  for (const auto* key :
       {"settings", "config", "backend", "builtin", "search_roots", "error"}) {
    CHECK(v.as_object().contains(key));
  }
  CHECK(fs::is_regular_file(sb.keras_json()));
}

TEST_CASE("info shows the thread setting in effect and where it came from",
          "[cli][threads]") {
  Sandbox sb;
  SECTION("unset: the backend's default") {
    const auto r = sb.run({"info", "--json"});
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    const json::value v = parse_json(r);
    CHECK(v.at("backend").at("threads").at("value") == 0);
    CHECK(v.at("backend").at("threads").at("source") == "default");
  }
  SECTION("TENSORPLUG_NUM_THREADS, in the text and the JSON") {
    sb.env["TENSORPLUG_NUM_THREADS"] = "3";
    const auto text = sb.run({"info"});
    INFO(text.describe());
    CHECK(contains(text.out, "3 (environment TENSORPLUG_NUM_THREADS)"));
    const json::value v = parse_json(sb.run({"info", "--json"}));
    CHECK(v.at("backend").at("threads").at("value") == 3);
    CHECK(v.at("backend").at("threads").at("detail") ==
          "TENSORPLUG_NUM_THREADS");
  }
  SECTION("an invalid value is a configuration error naming it") {
    sb.env["TENSORPLUG_NUM_THREADS"] = "lots";
    const auto r = sb.run({"info"});
    INFO(r.describe());
    CHECK(r.exit_code == 2);  // ExitCode::kConfig
    CHECK(contains(r.err, "TENSORPLUG_NUM_THREADS is 'lots' (environment)"));
  }
}

// 2. Another builtin, from a relocated install ------------------------------

TEST_CASE(
    "A relocated install finds builtins next to its own library, and "
    "KERAS_BACKEND selects another one without touching keras.json",
    "[cli]") {
  Sandbox sb;
  const fs::path prefix = sb.path("install");
  fs::create_directories(prefix / "bin");
  fs::create_directories(prefix / "lib" / "tensorplug" / "backends");
  fs::copy_file(TENSORPLUG_CLI_PATH, prefix / "bin" / "tensorplug");
  for (const auto& entry : fs::directory_iterator(build_lib_dir())) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("libtensorplug.so", 0) == 0) {
      fs::copy(entry.path(), prefix / "lib" / name,
               fs::copy_options::copy_symlinks);
    }
  }
  const fs::path backends = prefix / "lib" / "tensorplug" / "backends";
  fs::copy_file(fixtures::kReference, backends / "reference.so");
  fs::copy_file(fixtures::kValid, backends / "minimal.so");
  const fs::path tool = prefix / "bin" / "tensorplug";
  // This install has the reference builtin only (not the default, native).
  fs::create_directories(sb.keras_json().parent_path());
  { std::ofstream(sb.keras_json()) << R"({"backend": "reference"})"; }

  const auto first = sb.run_program(tool, {"info"});
  INFO(first.describe());
  REQUIRE(first.exit_code == 0);
  CHECK(contains(first.err, "Using reference backend."));
  CHECK(contains(first.out, (backends / "reference.so").string()));
  CHECK_FALSE(sb.marker(fixtures::kValid));
  const FileSnapshot before = FileSnapshot::take(sb.keras_json());

  sb.env["KERAS_BACKEND"] = "minimal";
  const auto r = sb.run_program(tool, {"info", "--json"});
  INFO(r.describe());
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.err, "Using minimal backend."));
  const json::value v = parse_json(r);
  CHECK(v.at("settings").at("backend").at("value") == "minimal");
  CHECK(v.at("settings").at("backend").at("source") == "environment");
  CHECK(v.at("backend").at("origin") == "builtin");
  CHECK(same_file(str(v.at("backend").at("library")), backends / "minimal.so"));
  CHECK(contains(str(v.at("backend").at("description")), "fixture_valid"));
  CHECK(same_file(str(v.at("builtin").at("dir")), backends));
  CHECK(strings(v.at("builtin").at("installed")) ==
        std::vector<std::string>{"minimal", "reference"});
  CHECK(sb.marker(fixtures::kValid));
  CHECK(before.unchanged(sb.keras_json()));
  CHECK(
      json::parse(tensorplug::test::read_file(sb.keras_json())).at("backend") ==
      "reference");

  SECTION("check finds the relocated builtin by name") {
    const auto c = sb.run_program(tool, {"check", "minimal"});
    INFO(c.describe());
    CHECK(c.exit_code == 0);
    CHECK(contains(c.out, (backends / "minimal.so").string()));
  }
}

// 3. Refused before loading --------------------------------------------------

TEST_CASE(
    "A backend missing all three required entries is refused with one error "
    "naming them all, and none of its code runs",
    "[cli]") {
  Sandbox sb;
  auto check_refusal = [&](const ProcessResult& r, const fs::path& file) {
    INFO(r.describe());
    CHECK(r.exit_code == 4);
    const auto errors = error_lines(r);
    REQUIRE(errors.size() == 1);
    for (const auto& entry : kAllRequired) {
      CHECK(contains(errors[0], "`" + entry + "`"));
    }
    CHECK(contains(errors[0], file.string()));
    // No other line of stderr repeats the refusal.
    CHECK(lines_containing(r.err, "`placeholder`").size() == 1);
    CHECK_FALSE(sb.marker(fixtures::kMissingRequired));
    CHECK(sb.all_markers().empty());
  };

  SECTION("check <path>") {
    check_refusal(sb.run({"check", fixtures::kMissingRequired}),
                  fixtures::kMissingRequired);
  }
  SECTION("check --no-load <path> refuses it the same way") {
    check_refusal(sb.run({"check", "--no-load", fixtures::kMissingRequired}),
                  fixtures::kMissingRequired);
  }
  SECTION("KERAS_BACKEND=my_pkg.broken under TENSORPLUG_PATH") {
    const fs::path file =
        sb.install(fixtures::kMissingRequired, "root/my_pkg/broken.so");
    sb.env["TENSORPLUG_PATH"] = sb.path("root").string();
    sb.env["KERAS_BACKEND"] = "my_pkg.broken";
    const auto r = sb.run({"info"});
    check_refusal(r, file);
    CHECK(contains(r.out, "placeholder, variable, function"));
    CHECK_FALSE(contains(r.err, "Using"));
  }
  SECTION("check my_pkg.broken by name under TENSORPLUG_PATH") {
    const fs::path file =
        sb.install(fixtures::kMissingRequired, "root/my_pkg/broken.so");
    sb.env["TENSORPLUG_PATH"] = sb.path("root").string();
    check_refusal(sb.run({"check", "my_pkg.broken"}), file);
  }
  SECTION("--json reports the missing entries and the error") {
    const auto r = sb.run({"check", "--json", fixtures::kMissingRequired});
    check_refusal(r, fixtures::kMissingRequired);
    const json::value v = parse_json(r);
    CHECK(strings(v.at("report").at("required").at("missing")) == kAllRequired);
    CHECK(v.at("report").at("valid") == false);
    CHECK(v.at("load").is_null());
    CHECK(v.at("error").at("code") == 4);
    CHECK(v.at("error").at("kind") == "invalid_backend");
  }
}

TEST_CASE("Every refused fixture exits 4 with a precise reason and never runs",
          "[cli]") {
  Sandbox sb;
  struct Case {
    const char* file;
    std::vector<std::string> expected;
    std::vector<std::string> unexpected;
  };
  auto expect_refused = [&](const Case& c) {
    for (const char* flag : {"", "--no-load"}) {
      std::vector<std::string> args = {"check"};
      if (*flag != '\0') args.push_back(flag);
      args.push_back(c.file);
      const auto r = sb.run(args);
      INFO(r.describe());
      CHECK(r.exit_code == 4);
      const auto errors = error_lines(r);
      REQUIRE(errors.size() == 1);
      CHECK(contains(errors[0], c.file));
      for (const auto& text : c.expected) CHECK(contains(errors[0], text));
      for (const auto& text : c.unexpected) {
        CHECK_FALSE(contains(errors[0], text));
      }
      CHECK(sb.all_markers().empty());
    }
  };

  SECTION("a text file") {
    expect_refused({fixtures::kNotALibrary, {"not a shared library"}, {}});
  }
  SECTION("an empty file") {
    expect_refused({fixtures::kEmpty, {"empty file"}, {}});
  }
  SECTION("a truncated library") {
    expect_refused({fixtures::kTruncated, {"truncated"}, {}});
  }
  SECTION("a library for another architecture") {
    expect_refused({fixtures::kWrongArch, {"another architecture"}, {}});
  }
  SECTION("no version declaration") {
    expect_refused({fixtures::kNoVersion,
                    {"version declaration", "tp_negotiate_version"},
                    {}});
  }
  SECTION("one missing entry names only that entry") {
    expect_refused({fixtures::kMissingVariable,
                    {"`variable`"},
                    {"`placeholder`", "`function`"}});
  }
}

TEST_CASE("Checking the valid fixture runs its code: the marker can fail",
          "[cli]") {
  Sandbox sb;
  SECTION("check loads, negotiates, initialises and releases it") {
    const auto r = sb.run({"check", fixtures::kValid});
    INFO(r.describe());
    CHECK(r.exit_code == 0);
    CHECK(sb.marker(fixtures::kValid));
    CHECK(contains(r.out, "fixture_valid (test fixture)"));
    CHECK(contains(r.out, "valid"));
    CHECK(error_lines(r).empty());
    // announce=false: no `Using ... backend.`
    CHECK_FALSE(contains(r.err, "Using"));
  }
  SECTION("--no-load reads the export table only") {
    const auto r = sb.run({"check", "--no-load", fixtures::kValid});
    INFO(r.describe());
    CHECK(r.exit_code == 0);
    CHECK_FALSE(sb.marker(fixtures::kValid));
    CHECK(contains(r.out, "--no-load"));
  }
  SECTION("--json gives the report and the negotiated version") {
    const auto r = sb.run({"check", "--json", fixtures::kValid});
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    const json::value v = parse_json(r);
    CHECK(v.at("target_kind") == "path");
    CHECK(v.at("resolution").at("kind") == "file");
    CHECK(v.at("report").at("valid") == true);
    CHECK(v.at("report").at("is_library") == true);
    CHECK(v.at("report").at("version_declaration") == true);
    CHECK(strings(v.at("report").at("required").at("present")) == kAllRequired);
    CHECK(str(v.at("load").at("api_version")) ==
          tensorplug::host_api_version().str());
    CHECK(v.at("error").is_null());
  }
}

TEST_CASE("check never reads or writes a configuration", "[cli]") {
  Sandbox sb;
  SECTION("no keras.json is created") {
    const auto r = sb.run({"check", "reference"});
    INFO(r.describe());
    CHECK(r.exit_code == 0);
    CHECK_FALSE(fs::exists(sb.home() / ".keras"));
  }
  SECTION("a malformed keras.json is not even read") {
    fs::create_directories(sb.keras_json().parent_path());
    { std::ofstream(sb.keras_json()) << "{\"backend\": \"reference\",}"; }
    const FileSnapshot before = FileSnapshot::take(sb.keras_json());
    const auto r = sb.run({"check", "--json", "reference"});
    INFO(r.describe());
    CHECK(r.exit_code == 0);
    const json::value v = parse_json(r);
    CHECK(v.at("resolution").at("kind") == "builtin");
    CHECK(v.at("resolution").at("origin") == "builtin");
    CHECK(before.unchanged(sb.keras_json()));
  }
}

// 4. A malformed keras.json ---------------------------------------------------

TEST_CASE(
    "A malformed keras.json is a configuration error with file, line and "
    "column, and is left byte-identical",
    "[cli]") {
  Sandbox sb;
  fs::create_directories(sb.keras_json().parent_path());
  {
    std::ofstream out(sb.keras_json(), std::ios::binary);
    out << "{\n    \"backend\": \"reference\",\n    \"floatx\": \"float32\",\n}"
           "\n";
  }
  const FileSnapshot before = FileSnapshot::take(sb.keras_json());
  const std::regex position(
      std::regex_replace(sb.keras_json().string(),
                         std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
      R"(:[0-9]+:[0-9]+)");

  SECTION("human output") {
    const auto r = sb.run({"info"});
    INFO(r.describe());
    CHECK(r.exit_code == 2);
    const auto errors = error_lines(r);
    REQUIRE(errors.size() == 1);
    CHECK(std::regex_search(errors[0], position));
    CHECK(contains(errors[0], "comma"));
    CHECK_FALSE(contains(r.err, "Using"));
    CHECK(contains(r.out, sb.keras_json().string()));
  }
  SECTION("--json still prints the JSON, with the error") {
    const auto r = sb.run({"info", "--json"});
    INFO(r.describe());
    CHECK(r.exit_code == 2);
    const json::value v = parse_json(r);
    CHECK(v.at("settings").is_null());
    CHECK(v.at("backend").is_null());
    CHECK(same_file(str(v.at("config").at("file")), sb.keras_json()));
    CHECK(v.at("config").at("existed") == true);
    CHECK(v.at("config").at("created") == false);
    CHECK(v.at("error").at("code") == 2);
    CHECK(v.at("error").at("kind") == "config");
    CHECK(std::regex_search(str(v.at("error").at("message")), position));
  }
  CHECK(before.unchanged(sb.keras_json()));
}

// 5. Dotted module paths
// -------------------------------------------------------

TEST_CASE("A dotted module path is found under TENSORPLUG_PATH and loaded",
          "[cli]") {
  Sandbox sb;
  sb.env["TENSORPLUG_PATH"] = fixtures::kRoot;
  sb.env["KERAS_BACKEND"] = "my_package.my_module";
  SECTION("human output shows its path and origin") {
    const auto r = sb.run({"info"});
    INFO(r.describe());
    CHECK(r.exit_code == 0);
    CHECK(contains(r.err, "Using my_package.my_module backend."));
    CHECK(contains(r.out, fs::path(fixtures::kMyModule).string()));
    CHECK(contains(r.out, "TENSORPLUG_PATH"));
    CHECK(sb.marker(fixtures::kMyModule));
  }
  SECTION("--json gives origin TENSORPLUG_PATH") {
    const auto r = sb.run({"info", "--json"});
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    const json::value v = parse_json(r);
    CHECK(v.at("backend").at("origin") == "TENSORPLUG_PATH");
    CHECK(same_file(str(v.at("backend").at("library")), fixtures::kMyModule));
    CHECK(
        same_file(str(v.at("search_roots").at(0).at("path")), fixtures::kRoot));
  }
}

TEST_CASE("Backend names that could leave their root are refused as invalid",
          "[cli]") {
  Sandbox sb;
  sb.env["TENSORPLUG_PATH"] = fixtures::kRoot;
  auto refused = [&](const std::string& name, const std::string& why) {
    sb.env["KERAS_BACKEND"] = name;
    const auto r = sb.run({"info"});
    INFO(r.describe());
    CHECK(r.exit_code == 3);
    const auto errors = error_lines(r);
    REQUIRE_FALSE(errors.empty());
    CHECK(contains(errors[0], "Invalid backend name `" + name + "`"));
    CHECK(contains(errors[0], "environment KERAS_BACKEND"));
    CHECK(contains(r.err, why));
    CHECK(sb.all_markers().empty());
  };
  SECTION("an empty component") { refused("my_package..x", "is empty"); }
  SECTION("a relative path") { refused("../x", "path separator"); }
  SECTION("an absolute path") { refused("/abs/x", "path separator"); }
}

TEST_CASE("A backend that is not found lists every path tried with its origin",
          "[cli]") {
  Sandbox sb;
  sb.env["KERAS_BACKEND"] = "nowhere.mod";
  const fs::path keras_dir = sb.home() / ".keras";
  SECTION("with TENSORPLUG_PATH set") {
    const fs::path root = sb.path("roots/a");
    fs::create_directories(root);
    sb.env["TENSORPLUG_PATH"] = root.string();
    const auto r = sb.run({"info"});
    INFO(r.describe());
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "`nowhere.mod`"));
    CHECK(contains(r.err, "[TENSORPLUG_PATH] " +
                              (root / "nowhere" / "mod.so").string() +
                              ": not found"));
    CHECK(contains(r.err, "[TENSORPLUG_PATH] " +
                              (root / "nowhere" / "libmod.so").string()));
    CHECK(contains(r.err, "[application] not set"));
    CHECK(contains(
        r.err, "[config directory] " +
                   (keras_dir / "backends" / "nowhere" / "mod.so").string() +
                   ": not found"));
    const auto j = sb.run({"info", "--json"});
    const json::value v = parse_json(j);
    CHECK(v.at("error").at("kind") == "not_found");
    CHECK(v.at("backend").at("library").is_null());
  }
  SECTION("with TENSORPLUG_PATH unset, it says so") {
    const auto r = sb.run({"info"});
    INFO(r.describe());
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "[TENSORPLUG_PATH] not set"));
    CHECK(contains(r.err, "[application] not set"));
    CHECK(contains(r.err, "[config directory] " + keras_dir.string()));
  }
}

TEST_CASE(
    "With a refused configuration directory, info uses the defaults and never "
    "searches the current directory",
    "[cli]") {
  Sandbox sb;
  // No home; the per-user fallback exists but other users can write it.
  sb.env["HOME"] = sb.path("no-such-home").string();
  const fs::path fallback =
      sb.path("tmp") / ("keras-" + std::to_string(::geteuid()));
  fs::create_directories(fallback);
  fs::permissions(fallback, fs::perms::all);
  sb.install(fixtures::kValid, "work/backends/evil/mod.so");
  sb.env["KERAS_BACKEND"] = "evil.mod";
  const auto r = sb.run({"info"});
  INFO(r.describe());
  CHECK(r.exit_code == 3);
  CHECK(contains(r.out, "refused"));
  CHECK(contains(r.err, "[config directory] not set"));
  CHECK(sb.all_markers().empty());
}

// 6. Version, initialisation, dependencies, names ---------------------------

TEST_CASE("A plugin from a future major version is refused with both versions",
          "[cli]") {
  Sandbox sb;
  const auto r = sb.run({"check", fixtures::kFutureMajor});
  INFO(r.describe());
  CHECK(r.exit_code == 5);
  const auto errors = error_lines(r);
  REQUIRE(errors.size() == 1);
  CHECK(contains(errors[0], "99.0"));
  CHECK(contains(errors[0], tensorplug::host_api_version().str()));
  SECTION("also through KERAS_BACKEND") {
    sb.install(fixtures::kFutureMajor, "root/future/plugin.so");
    sb.env["TENSORPLUG_PATH"] = sb.path("root").string();
    sb.env["KERAS_BACKEND"] = "future.plugin";
    const auto i = sb.run({"info", "--json"});
    INFO(i.describe());
    CHECK(i.exit_code == 5);
    const json::value v = parse_json(i);
    CHECK(v.at("error").at("kind") == "incompatible_version");
    CHECK(v.at("backend").at("loaded") == false);
  }
}

TEST_CASE("A plugin whose initialisation fails exits 6 with its message",
          "[cli]") {
  Sandbox sb;
  const auto r = sb.run({"check", fixtures::kInitFails});
  INFO(r.describe());
  CHECK(r.exit_code == 6);
  const auto errors = error_lines(r);
  REQUIRE(errors.size() == 1);
  CHECK(contains(errors[0], fixtures::kInitFailsMessage));
}

TEST_CASE(
    "A plugin whose dependency is absent exits 6 with the system loader's "
    "message",
    "[cli]") {
  Sandbox sb;
  const auto r = sb.run({"check", "--json", fixtures::kAbsentDep});
  INFO(r.describe());
  CHECK(r.exit_code == 6);
  const auto errors = error_lines(r);
  REQUIRE(errors.size() == 1);
  CHECK(contains(errors[0], fixtures::kAbsentDepName));
  CHECK_FALSE(contains(errors[0], "internal error"));
  const json::value v = parse_json(r);
  CHECK(v.at("error").at("kind") == "load_failure");
}

TEST_CASE(
    "KERAS_BACKEND=jax is not installed: the message lists the "
    "installed backends and the fixes",
    "[cli]") {
  Sandbox sb;
  sb.env["KERAS_BACKEND"] = "jax";
  const auto r = sb.run({"info"});
  INFO(r.describe());
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "`jax`"));
  CHECK(contains(r.err, "not installed"));
  CHECK(std::regex_search(r.err, std::regex("Installed backends: [^.]*"
                                            "reference")));
  CHECK(contains(r.err, "To fix it"));
  CHECK(contains(r.err, "KERAS_HOME"));
}

TEST_CASE("A misspelt builtin name gets a suggestion", "[cli]") {
  Sandbox sb;
  SECTION("through KERAS_BACKEND") {
    sb.env["KERAS_BACKEND"] = "refrence";
    const auto r = sb.run({"info"});
    INFO(r.describe());
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "Did you mean `reference`?"));
  }
  SECTION("through check") {
    const auto r = sb.run({"check", "refrence"});
    INFO(r.describe());
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "Did you mean `reference`?"));
  }
}

// 7. The command line itself -------------------------------------------------

TEST_CASE("Usage errors exit 64; --help and --version exit 0", "[cli]") {
  Sandbox sb;
  auto usage_error = [&](const std::vector<std::string>& args) {
    const auto r = sb.run(args);
    INFO(r.describe());
    CHECK(r.exit_code == 64);
    CHECK(contains(r.err, "tensorplug: error:"));
    CHECK(r.out.empty());
    CHECK_FALSE(fs::exists(sb.home() / ".keras"));
  };
  SECTION("no subcommand") { usage_error({}); }
  SECTION("an unknown subcommand") { usage_error({"frobnicate"}); }
  SECTION("an unknown option") { usage_error({"info", "--frobnicate"}); }
  SECTION("check without a backend") { usage_error({"check"}); }
  SECTION("check with two backends") {
    usage_error({"check", "reference", "other"});
  }
  SECTION("--verbose with --quiet") { usage_error({"-v", "-q", "info"}); }
  SECTION("info with an argument") { usage_error({"info", "reference"}); }

  SECTION("--help") {
    const auto r = sb.run({"--help"});
    INFO(r.describe());
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "info"));
    CHECK(contains(r.out, "check"));
    CHECK(contains(r.out, "--verbose"));
  }
  SECTION("check --help") {
    const auto r = sb.run({"check", "--help"});
    INFO(r.describe());
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "--no-load"));
    CHECK(contains(r.out, "--json"));
  }
  SECTION("--version") {
    const auto r = sb.run({"--version"});
    INFO(r.describe());
    CHECK(r.exit_code == 0);
    CHECK(
        contains(r.out, "plugin API " + tensorplug::host_api_version().str()));
  }
}

// Regression: when the configuration directory is refused, load_config()
// returns an empty Config::dir; that must never become the relative root
// `backends` (the current directory) for code to load.
TEST_CASE(
    "load_backend never searches the current directory when the "
    "configuration directory is refused",
    "[cli]") {
  SECTION("an empty config directory is no relative search root") {
    tensorplug::ResolveOptions options;
    options.use_environment = false;
    options.config_dir = fs::path();
    for (const auto& root : tensorplug::search_roots(options)) {
      INFO(root.origin << ": " << root.path);
      CHECK((root.path.empty() || root.path.is_absolute()));
    }
  }
  SECTION("end to end") {
    TempDir tmp;
    fs::create_directories(tmp / "tmp");
    fs::create_directories(tmp / "markers");
    const fs::path fallback =
        tmp / "tmp" / ("keras-" + std::to_string(::geteuid()));
    fs::create_directories(fallback);
    fs::permissions(fallback, fs::perms::all);
    fs::create_directories(tmp / "work" / "backends" / "evil");
    fs::copy_file(fixtures::kValid,
                  tmp / "work" / "backends" / "evil" / "mod.so");
    using tensorplug::test::EnvGuard;
    EnvGuard home("HOME", (tmp / "no-such-home").string());
    EnvGuard tmpdir("TMPDIR", (tmp / "tmp").string());
    EnvGuard runtime("XDG_RUNTIME_DIR", std::nullopt);
    EnvGuard keras_home("KERAS_HOME", std::nullopt);
    EnvGuard path("TENSORPLUG_PATH", std::nullopt);
    EnvGuard backend("KERAS_BACKEND", "evil.mod");
    EnvGuard marker(fixtures::kMarkerEnv, (tmp / "markers").string());
    const fs::path old_cwd = fs::current_path();
    fs::current_path(tmp / "work");
    struct Restore {
      fs::path dir;
      ~Restore() {
        std::error_code ec;
        fs::current_path(dir, ec);
      }
    } restore{old_cwd};
    tensorplug::LoadOptions options;
    options.announce = false;
    CHECK_THROWS_AS(tensorplug::load_backend(options),
                    tensorplug::BackendNotFoundError);
    CHECK_FALSE(fs::exists(tmp / "markers" / marker_name(fixtures::kValid)));
  }
}
