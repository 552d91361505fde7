// `tensorplug list`, run as a subprocess in a sandbox: every backend the host
// can find with its status, judged from export tables only (no fixture's
// constructor marker may appear), the backend in effect marked, shadowed
// names explained, and permission refusals reported.
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
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

/// The backends of `list --json`, by library path.
std::map<std::string, json::object> by_library(const json::value& v) {
  std::map<std::string, json::object> out;
  for (const auto& b : v.at("backends").as_array()) {
    out[fs::weakly_canonical(str(b.at("library"))).string()] = b.as_object();
  }
  return out;
}

const json::object& entry(const std::map<std::string, json::object>& m,
                          const char* library) {
  const auto pos = m.find(fs::weakly_canonical(library).string());
  INFO("no entry for " << library);
  REQUIRE(pos != m.end());
  return pos->second;
}

}  // namespace

TEST_CASE(
    "list --json shows the builtins and every fixture under TENSORPLUG_PATH "
    "with its status, and loads none of them",
    "[cli]") {
  Sandbox sb;
  sb.env["TENSORPLUG_PATH"] = fixtures::kRoot;
  const auto r = sb.run({"list", "--json"});
  INFO(r.describe());
  REQUIRE(r.exit_code == 0);
  const json::value v = parse_json(r);
  CHECK(v.at("error").is_null());
  const auto m = by_library(v);

  SECTION("no library was loaded: no constructor marker appeared") {
    CHECK(sb.all_markers().empty());
  }
  SECTION("the builtin reference backend is valid; the default is in effect") {
    const auto& b = entry(m, fixtures::kReference);
    CHECK(b.at("name") == "reference");
    CHECK(b.at("origin") == "builtin");
    CHECK(b.at("status") == "valid");
    CHECK(b.at("version_declaration") == true);
    CHECK(b.at("optional_count").as_int64() ==
          static_cast<std::int64_t>(b.at("optional").as_array().size()));
    CHECK(b.at("in_effect") ==
          (std::string_view(fixtures::kDefaultBackendName) == "reference"));
    CHECK(b.at("shadowed_by").is_null());
    CHECK(v.at("effective").at("name") == fixtures::kDefaultBackendName);
    CHECK(same_file(str(v.at("effective").at("library")),
                    fixtures::kDefaultBackend));
  }
  SECTION("every builtin backend this build makes is listed as valid") {
    // TENSORPLUG_BUILT_BACKENDS: "native,reference,..." from CMake.
    std::string names = TENSORPLUG_BUILT_BACKENDS;
    REQUIRE_THAT(names, Catch::Contains("reference"));
    std::vector<std::string> built;
    for (std::size_t at = 0; at <= names.size();) {
      const std::size_t comma = std::min(names.find(',', at), names.size());
      built.push_back(names.substr(at, comma - at));
      at = comma + 1;
    }
    for (const std::string& name : built) {
      INFO(name);
      bool found = false;
      for (const auto& b : v.at("backends").as_array()) {
        if (b.at("name") == name.c_str() && b.at("origin") == "builtin") {
          found = true;
          CHECK(b.at("status") == "valid");
          CHECK(b.at("version_declaration") == true);
        }
      }
      CHECK(found);
    }
  }
  SECTION("valid fixtures, dotted paths and the lib prefix") {
    for (const char* f : {fixtures::kValid, fixtures::kMyModule,
                          fixtures::kLibOther, fixtures::kFutureMajor}) {
      INFO(f);
      const auto& b = entry(m, f);
      CHECK(b.at("status") == "valid");
      CHECK(b.at("origin") == "TENSORPLUG_PATH");
      CHECK(b.at("in_effect") == false);
    }
    CHECK(entry(m, fixtures::kMyModule).at("name") == "my_package.my_module");
    CHECK(entry(m, fixtures::kLibOther).at("name") == "my_package.other");
    CHECK(entry(m, fixtures::kValid).at("name") == "fixture_valid");
  }
  SECTION("invalid fixtures, each with its reason") {
    const auto& missing_var = entry(m, fixtures::kMissingVariable);
    CHECK(missing_var.at("status") == "missing_entries");
    CHECK(missing_var.at("required").at("missing") == json::array{"variable"});
    CHECK(contains(str(missing_var.at("problem")), "tp_variable"));
    const auto& missing_all = entry(m, fixtures::kMissingRequired);
    CHECK(missing_all.at("status") == "missing_entries");
    CHECK(missing_all.at("required").at("missing").as_array().size() == 3);
    CHECK(entry(m, fixtures::kNoVersion).at("status") ==
          "no_version_declaration");
    for (const char* f : {fixtures::kNotALibrary, fixtures::kEmpty,
                          fixtures::kTruncated, fixtures::kWrongArch}) {
      INFO(f);
      const auto& b = entry(m, f);
      CHECK(b.at("status") == "not_a_library");
      CHECK(b.at("is_library") == false);
      CHECK_FALSE(str(b.at("format_error")).empty());
    }
    CHECK(contains(str(entry(m, fixtures::kWrongArch).at("format_error")),
                   "architecture"));
  }
  SECTION("order: builtins first, then the roots in order") {
    const auto& list = v.at("backends").as_array();
    REQUIRE_FALSE(list.empty());
    CHECK(list.at(0).at("origin") == "builtin");
    CHECK(v.at("search_roots").at(0).at("origin") == "TENSORPLUG_PATH");
  }
}

TEST_CASE(
    "The human list marks the backend in effect and has no colour off a "
    "terminal",
    "[cli]") {
  Sandbox sb;
  sb.env["TENSORPLUG_PATH"] = fixtures::kRoot;
  sb.env["KERAS_BACKEND"] = "my_package.my_module";
  const auto r = sb.run({"list"});
  INFO(r.describe());
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "* my_package.my_module"));
  CHECK(contains(r.out, "  reference"));
  CHECK(contains(r.out, "missing entries: variable"));
  CHECK(contains(r.out, "environment KERAS_BACKEND"));
  CHECK_FALSE(contains(r.out, "\x1b["));
  CHECK(sb.all_markers().empty());

  SECTION("the JSON agrees") {
    const json::value v = parse_json(sb.run({"list", "--json"}));
    const auto m = by_library(v);
    CHECK(entry(m, fixtures::kMyModule).at("in_effect") == true);
    CHECK(entry(m, fixtures::kReference).at("in_effect") == false);
    CHECK(v.at("effective").at("source") == "environment");
  }
}

TEST_CASE("A name found under two roots shows which file wins", "[cli]") {
  Sandbox sb;
  const fs::path first =
      sb.install(fixtures::kValid, "a/my_package/my_module.so");
  const fs::path second =
      sb.install(fixtures::kMissingVariable, "b/my_package/my_module.so");
  const fs::path builtin_twin = sb.install(fixtures::kValid, "b/reference.so");
  sb.env["TENSORPLUG_PATH"] =
      sb.path("a").string() + ":" + sb.path("b").string();
  const auto r = sb.run({"list", "--json"});
  INFO(r.describe());
  REQUIRE(r.exit_code == 0);
  const auto m = by_library(parse_json(r));
  CHECK(entry(m, first.c_str()).at("shadowed_by").is_null());
  const auto& shadowed = entry(m, second.c_str());
  REQUIRE(shadowed.at("shadowed_by").is_object());
  CHECK(same_file(str(shadowed.at("shadowed_by").at("library")), first));
  const auto& twin = entry(m, builtin_twin.c_str());
  REQUIRE(twin.at("shadowed_by").is_object());
  CHECK(twin.at("shadowed_by").at("origin") == "builtin");
  CHECK(twin.at("in_effect") == false);
  CHECK(sb.all_markers().empty());

  SECTION("the human list says so") {
    const auto h = sb.run({"list"});
    CHECK(contains(h.out, "shadowed by " + first.string()));
  }
}

TEST_CASE(
    "A library others can write to is refused and shadows nothing; links to "
    "directories are not followed",
    "[cli]") {
  Sandbox sb;
  const fs::path unsafe = sb.install(fixtures::kValid, "a/pkg/mod.so");
  fs::permissions(unsafe, fs::perms::others_write, fs::perm_options::add);
  const fs::path safe = sb.install(fixtures::kValid, "b/pkg/mod.so");
  sb.install(fixtures::kValid, "outside/hidden.so");
  fs::create_directory_symlink(sb.path("outside"), sb.path("b/linked"));
  sb.env["TENSORPLUG_PATH"] =
      sb.path("a").string() + ":" + sb.path("b").string();
  const auto r = sb.run({"list", "--json"});
  INFO(r.describe());
  REQUIRE(r.exit_code == 0);
  const json::value v = parse_json(r);
  const auto m = by_library(v);
  const auto& refused = entry(m, unsafe.c_str());
  CHECK(refused.at("status") == "refused");
  CHECK(contains(str(refused.at("problem")), "writable by other users"));
  CHECK(refused.at("required").is_null());
  CHECK(entry(m, safe.c_str()).at("shadowed_by").is_null());
  for (const auto& b : v.at("backends").as_array()) {
    CHECK_FALSE(contains(str(b.at("name")), "hidden"));
  }
}

TEST_CASE("list with a malformed keras.json still lists, then exits 2",
          "[cli]") {
  Sandbox sb;
  sb.write_keras_json("{\n    \"backend\": \"reference\",\n}\n");
  const FileSnapshot before = FileSnapshot::take(sb.keras_json());
  const auto r = sb.run({"list", "--json"});
  INFO(r.describe());
  CHECK(r.exit_code == 2);
  const json::value v = parse_json(r);
  CHECK(v.at("effective").is_null());
  CHECK(v.at("error").at("kind") == "config");
  CHECK_FALSE(v.at("backends").as_array().empty());
  CHECK(contains(r.err, "tensorplug: error:"));
  CHECK(before.unchanged(sb.keras_json()));
}

TEST_CASE("tensorplug started through PATH finds its builtin backends",
          "[cli]") {
  // argv[0] is then just "tensorplug", which names no file in the working
  // directory: the builtin directory must come from the program's own file.
  Sandbox sb;
  const std::filesystem::path cli(TENSORPLUG_CLI_PATH);
  sb.env["PATH"] = cli.parent_path().string() + ":" + sb.env["PATH"];
  const auto r = tensorplug::test::run_process(
      {"/bin/sh", "-c", "exec " + cli.filename().string() + " list --json"},
      sb.env, sb.path("work"));
  INFO(r.describe());
  REQUIRE(r.exit_code == 0);
  const json::value v = parse_json(r);
  CHECK(entry(by_library(v), fixtures::kReference).at("status") == "valid");
}
