// A sandbox for running the `tensorplug` tool as a subprocess: a temporary
// HOME, a fixture-marker directory, a working directory and TMPDIR, and an
// environment holding only PATH plus what the test adds. Needs
// TENSORPLUG_CLI_PATH (set for the test target by tests/CMakeLists.txt).
#pragma once

#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fixture_paths.hpp"
#include "run_process.hpp"
#include "temp_dir.hpp"

namespace tensorplug::test {

/// One isolated world for the tool: a temporary HOME, a marker directory
/// (fixtures create <stem>.loaded there when their code runs), a working
/// directory, TMPDIR, and an environment holding only PATH plus what the
/// test adds.
class Sandbox {
 public:
  Sandbox() {
    for (const auto* dir : {"home", "markers", "work", "tmp"}) {
      std::filesystem::create_directories(tmp_ / dir);
    }
    env = tensorplug::test::minimal_environment();
    env["HOME"] = home().string();
    env["TMPDIR"] = (tmp_ / "tmp").string();
    env[fixtures::kMarkerEnv] = markers().string();
  }
  std::filesystem::path path(const std::filesystem::path& name) const {
    return tmp_ / name;
  }
  std::filesystem::path home() const { return tmp_ / "home"; }
  std::filesystem::path markers() const { return tmp_ / "markers"; }
  std::filesystem::path keras_json() const {
    return home() / ".keras" / "keras.json";
  }
  ProcessResult run(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {TENSORPLUG_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    return tensorplug::test::run_process(argv, env, tmp_ / "work");
  }
  std::vector<std::string> all_markers() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(markers())) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }
  bool marker(const char* fixture) const {
    return std::filesystem::exists(
        markers() /
        (std::filesystem::path(fixture).stem().string() + ".loaded"));
  }
  /// Copies a fixture to `<sandbox>/<relative>`; returns the new path.
  std::filesystem::path install(const char* fixture,
                                const std::filesystem::path& relative) const {
    const std::filesystem::path target = tmp_ / relative;
    std::filesystem::create_directories(target.parent_path());
    std::filesystem::copy_file(
        fixture, target, std::filesystem::copy_options::overwrite_existing);
    return target;
  }
  /// Writes keras.json with `content`.
  void write_keras_json(const std::string& content) const {
    std::filesystem::create_directories(keras_json().parent_path());
    std::ofstream out(keras_json(), std::ios::binary | std::ios::trunc);
    out << content;
  }

  Environment env;

 private:
  TempDir tmp_;
};

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline boost::json::value parse_json(const ProcessResult& r) {
  INFO(r.describe());
  boost::json::value value;
  REQUIRE_NOTHROW(value = boost::json::parse(r.out));
  REQUIRE(value.is_object());
  return value;
}

inline std::string str(const boost::json::value& v) {
  REQUIRE(v.is_string());
  return std::string(v.as_string());
}

inline bool same_file(const std::filesystem::path& a,
                      const std::filesystem::path& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec);
}

}  // namespace tensorplug::test
