// What the plugins export, read from their export tables without loading
// them (boost::dll::library_info), and how the C fixtures load.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <boost/dll/library_info.hpp>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "fixture_paths.hpp"
#include "raw_plugin.hpp"

namespace fs = std::filesystem;

namespace {

std::set<std::string> exports_of(const char* path) {
  boost::dll::library_info info(fs::path(path), /*throw_if_not_native=*/true);
  const std::vector<std::string> symbols = info.symbols();
  return {symbols.begin(), symbols.end()};
}

bool loads(const char* path) {
  void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return false;
  dlclose(handle);
  return true;
}

}  // namespace

TEST_CASE("The reference plugin exports its tp_ entries and nothing else",
          "[plugins]") {
  const std::set<std::string> symbols = exports_of(fixtures::kReference);
  for (const std::string& s : symbols) {
    INFO(s);
    CHECK(s.rfind(TP_ENTRY_PREFIX, 0) == 0);
  }
  for (const char* entry :
       {"tp_negotiate_version", "tp_placeholder", "tp_variable", "tp_function",
        "tp_context_init", "tp_context_shutdown", "tp_tensor_release",
        "tp_get_value", "tp_set_value", "tp_add"}) {
    INFO(entry);
    CHECK(symbols.count(entry) == 1);
  }
}

TEST_CASE("Each fixture variant exports exactly the entries it should",
          "[plugins]") {
  const std::set<std::string> full{
      "tp_negotiate_version", "tp_placeholder",  "tp_variable",
      "tp_function",          "tp_context_init", "tp_context_shutdown",
      "tp_tensor_release",    "tp_get_value",    "tp_set_value",
      "tp_capabilities"};
  auto without = [&](std::initializer_list<const char*> names) {
    std::set<std::string> s = full;
    for (const char* n : names) s.erase(n);
    return s;
  };
  CHECK(exports_of(fixtures::kValid) == full);
  CHECK(exports_of(fixtures::kMyModule) == full);
  CHECK(exports_of(fixtures::kLibOther) == full);
  CHECK(exports_of(fixtures::kFutureMajor) == full);
  CHECK(exports_of(fixtures::kInitFails) == full);
  CHECK(exports_of(fixtures::kAbsentDep) == full);
  CHECK(exports_of(fixtures::kMissingVariable) == without({"tp_variable"}));
  CHECK(exports_of(fixtures::kMissingRequired) ==
        without({"tp_placeholder", "tp_variable", "tp_function"}));
  CHECK(exports_of(fixtures::kNoVersion) == without({"tp_negotiate_version"}));
}

TEST_CASE("The broken fixtures are not loadable libraries", "[plugins]") {
  CHECK(loads(fixtures::kValid));
  CHECK_FALSE(loads(fixtures::kNotALibrary));
  CHECK_FALSE(loads(fixtures::kEmpty));
  // glibc's dlopen maps a truncated library's segments past the end of the
  // file and dies of SIGBUS touching them: it must be refused before loading,
  // and its export table cannot be read.
  CHECK_THROWS(exports_of(fixtures::kTruncated));
  CHECK_FALSE(loads(fixtures::kWrongArch));
  CHECK(fs::file_size(fixtures::kTruncated) == 1000);
  CHECK(fs::file_size(fixtures::kEmpty) == 0);
  CHECK(fs::file_size(fixtures::kWrongArch) == fs::file_size(fixtures::kValid));

  // The absent dependency is what stops the absent-dep fixture.
  void* handle = dlopen(fixtures::kAbsentDep, RTLD_NOW | RTLD_LOCAL);
  const char* why = handle == nullptr ? dlerror() : nullptr;
  if (handle != nullptr) dlclose(handle);
  REQUIRE(handle == nullptr);
  CHECK_THAT(std::string(why ? why : ""),
             Catch::Contains(fixtures::kAbsentDepName));
}

TEST_CASE("A fixture leaves a marker file when its code runs", "[plugins]") {
  const fs::path dir = fs::temp_directory_path() /
                       ("tp_fixture_marker_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  // A private copy, so this load runs the constructor even if the fixture
  // was loaded before in this process.
  const fs::path copy = dir / "copy_of_valid.so";
  fs::copy_file(fixtures::kValid, copy);
  REQUIRE(::setenv(fixtures::kMarkerEnv, dir.c_str(), 1) == 0);
  CHECK_FALSE(loads(fixtures::kAbsentDep));
  CHECK_FALSE(fs::exists(dir / "fixture_absent_dep.loaded"));
  CHECK(loads(copy.c_str()));
  ::unsetenv(fixtures::kMarkerEnv);
  CHECK(fs::exists(dir / "fixture_valid.loaded"));
  fs::remove_all(dir);
}
