// Loading: validated first, version-checked, initialised, kept alive by the
// objects that came from it, and nothing half-loaded on failure.
#include <dlfcn.h>
#include <sys/resource.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "fixture_paths.hpp"
#include "temp_dir.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/log.hpp"

using namespace tensorplug;
namespace fs = std::filesystem;
using tensorplug::test::EnvGuard;
using tensorplug::test::TempDir;

namespace {

Backend load_file(const char* path) {
  LoadOptions options;
  options.announce = false;
  return load_backend_at(resolve_library_file(path),
                         Settings::defaults("reference"), options);
}

template <class E>
std::string failure(const char* path) {
  try {
    load_file(path);
  } catch (const E& e) {
    return e.what();
  }
  FAIL("loading " << path << " did not throw the expected error");
  return {};
}

/// The stage a LoadError says loading `path` stopped at.
LoadError::Stage load_error_stage(const char* path) {
  try {
    load_file(path);
  } catch (const LoadError& e) {
    return e.stage();
  }
  FAIL("loading " << path << " did not throw a LoadError");
  return LoadError::Stage::kSystemLoader;
}

/// True when the library at `path` is mapped into this process.
bool is_loaded(const char* path) {
  void* h = ::dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  if (h) ::dlclose(h);
  return h != nullptr;
}

fs::path marker(const TempDir& dir, const char* library) {
  return dir / (fs::path(library).stem().string() + ".loaded");
}

}  // namespace

TEST_CASE("A refused plugin's code never runs, not even its constructors",
          "[load]") {
  TempDir markers;
  EnvGuard env(fixtures::kMarkerEnv, markers.path().string());
  for (const char* path : {fixtures::kMissingRequired,
                           fixtures::kMissingVariable, fixtures::kNoVersion}) {
    SECTION(path) {
      const std::string m = failure<InvalidBackendError>(path);
      CHECK_THAT(m, Catch::Contains(path));
      CHECK_FALSE(fs::exists(marker(markers, path)));
      CHECK_FALSE(is_loaded(path));
    }
  }
  SECTION("the marker does appear for a plugin that is loaded") {
    auto backend = load_file(fixtures::kValid);
    CHECK(fs::exists(marker(markers, fixtures::kValid)));
  }
}

TEST_CASE(
    "A backend missing all three entries is refused with one message "
    "naming them all",
    "[load]") {
  const std::string m =
      failure<InvalidBackendError>(fixtures::kMissingRequired);
  CHECK_THAT(m, Catch::Contains("`placeholder`, `variable`, `function`"));
  CHECK_THAT(m, Catch::Contains(fixtures::kMissingRequired));
  try {
    load_file(fixtures::kMissingRequired);
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kInvalidBackend);
  }
}

TEST_CASE(
    "A plugin of a future major version is refused naming both "
    "versions",
    "[load]") {
  const std::string m =
      failure<IncompatibleVersionError>(fixtures::kFutureMajor);
  CHECK_THAT(m, Catch::Contains("99.0"));
  CHECK_THAT(m, Catch::Contains(host_api_version().str()));
  CHECK_THAT(m, Catch::Contains("TP_ABI_3"));
  CHECK_FALSE(is_loaded(fixtures::kFutureMajor));
}

TEST_CASE(
    "An initialisation failure keeps the plugin's message and unloads "
    "it",
    "[load]") {
  const std::string m = failure<LoadError>(fixtures::kInitFails);
  CHECK_THAT(m, Catch::Contains(fixtures::kInitFailsMessage));
  CHECK(load_error_stage(fixtures::kInitFails) == LoadError::Stage::kInit);
  CHECK_FALSE(is_loaded(fixtures::kInitFails));
}

TEST_CASE("A missing dependency fails at load with the system's message",
          "[load]") {
  const std::string m = failure<LoadError>(fixtures::kAbsentDep);
  CHECK_THAT(m, Catch::Contains(fixtures::kAbsentDepName));
  CHECK_THAT(m, Catch::Contains("Cannot load backend"));
  CHECK(load_error_stage(fixtures::kAbsentDep) ==
        LoadError::Stage::kSystemLoader);
  CHECK_FALSE(is_loaded(fixtures::kAbsentDep));
}

TEST_CASE("Files that are not libraries are refused before loading", "[load]") {
  for (const char* path : {fixtures::kNotALibrary, fixtures::kEmpty,
                           fixtures::kTruncated, fixtures::kWrongArch}) {
    SECTION(path) {
      CHECK_THAT(failure<InvalidBackendError>(path), Catch::Contains(path));
    }
  }
}

TEST_CASE("A loaded backend stays loaded while any object from it is alive",
          "[load]") {
  REQUIRE_FALSE(is_loaded(fixtures::kValid));
  Function f;
  {
    auto backend = load_file(fixtures::kValid);
    CHECK(is_loaded(fixtures::kValid));
    CHECK(backend.api_version().str() == host_api_version().str());
    auto x = backend.placeholder({2});
    f = backend.function({x}, {x});
  }
  // The Backend object is gone; the function keeps the library mapped.
  CHECK(is_loaded(fixtures::kValid));
  auto out = f({Array::of<float>({2}, {1.5f, -2.0f})});
  REQUIRE(out.size() == 1);
  CHECK(out[0].to_vector<float>() == std::vector<float>{1.5f, -2.0f});
  f = Function();
  // The result is read in place (TP_ABI_22): it keeps the library mapped
  // until it is gone; a copy of it does not.
  REQUIRE(out[0].adopted());
  CHECK(is_loaded(fixtures::kValid));
  const Array copy = out[0];
  CHECK_FALSE(copy.adopted());
  out.clear();
  CHECK_FALSE(is_loaded(fixtures::kValid));
  CHECK(copy.to_vector<float>() == std::vector<float>{1.5f, -2.0f});
}

TEST_CASE(
    "A backend that stays in memory after unloading never answers for the "
    "next one",
    "[load]") {
  // The loader knows fixture_nodelete by /proc/self/fd/N for good; the next
  // file opened gets the lowest free number, which is that N again.
  auto description = [](const char* path) {
    return load_file(path).description();
  };
  SECTION("a different library loaded after it is that library") {
    for (int round = 0; round < 3; ++round) {
      CHECK_THAT(description(fixtures::kNoDelete),
                 Catch::StartsWith("fixture_nodelete "));
      CHECK_THAT(description(fixtures::kValid),
                 Catch::StartsWith("fixture_valid "));
      CHECK_THAT(description(fixtures::kZeroSize),
                 Catch::StartsWith("fixture_zero_size "));
    }
  }
  SECTION("loading it and others again and again needs no new descriptor") {
    // With a descriptor limit just above what is open, names that piled up
    // (one per load) would soon leave no number free.
    int highest = 0;
    for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
      highest = std::max(highest, std::stoi(entry.path().filename().string()));
    }
    rlimit saved{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
    rlimit tight = saved;
    tight.rlim_cur = static_cast<rlim_t>(highest) + 8;
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &tight) == 0);
    int wrong = 0;
    for (int round = 0; round < 200; ++round) {
      wrong +=
          description(fixtures::kNoDelete).rfind("fixture_nodelete ", 0) != 0;
      wrong += description(fixtures::kValid).rfind("fixture_valid ", 0) != 0;
    }
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &saved) == 0);
    CHECK(wrong == 0);
  }
  SECTION("two loads of it at once share the one copy in memory") {
    auto first = load_file(fixtures::kNoDelete);
    auto second = load_file(fixtures::kNoDelete);
    CHECK_THAT(first.description(), Catch::StartsWith("fixture_nodelete "));
    CHECK_THAT(second.description(), Catch::StartsWith("fixture_nodelete "));
  }
}

TEST_CASE("An op the backend does not export is a typed error naming it",
          "[load]") {
  auto backend = load_file(fixtures::kValid);
  auto x = backend.placeholder({2});
  try {
    (void)(x + x);
    FAIL("expected NotProvidedError");
  } catch (const NotProvidedError& e) {
    CHECK_THAT(e.what(), Catch::Contains("does not provide `add`"));
    CHECK_THAT(e.what(), Catch::Contains("It provides: "));
  }
  CHECK(backend.provides("placeholder"));
  CHECK_FALSE(backend.provides("add"));
}

TEST_CASE(
    "The reference backend computes a function with updates through "
    "the C++ API",
    "[load]") {
  LoadOptions options;
  options.announce = false;
  auto backend = load_backend_at(resolve_backend("reference"),
                                 Settings::defaults("reference"), options);
  CHECK(backend.name() == "reference");
  auto x = backend.placeholder({-1, 2}, std::nullopt, "x");
  auto v = backend.variable(Array::of<float>({2}, {10.f, 20.f}), "v");
  auto y = x + v;
  auto f = backend.function({x}, {y}, {{v, v + v}});
  const auto input = Array::of<float>({2, 2}, {1.f, 2.f, 3.f, 4.f});
  SECTION("outputs are computed before updates, and updates accumulate") {
    CHECK(f({input})[0].to_vector<float>() ==
          std::vector<float>{11.f, 22.f, 13.f, 24.f});
    CHECK(backend.get_value(v).to_vector<float>() ==
          std::vector<float>{20.f, 40.f});
    CHECK(f({input})[0].to_vector<float>() ==
          std::vector<float>{21.f, 42.f, 23.f, 44.f});
  }
  SECTION("set_value replaces the state") {
    backend.set_value(v, Array::of<float>({2}, {0.f, 1.f}));
    CHECK(f({input})[0].to_vector<float>() ==
          std::vector<float>{1.f, 3.f, 3.f, 5.f});
  }
  SECTION("a bad call is a PluginError carrying the backend's message") {
    CHECK_THROWS_AS(f({}), PluginError);
    const auto wrong = Array::of<float>({2, 3}, {1, 2, 3, 4, 5, 6});
    try {
      f({wrong});
      FAIL("expected PluginError");
    } catch (const PluginError& e) {
      CHECK_THAT(e.what(), Catch::Contains("Backend `reference`"));
      CHECK(e.status() != 0);
    }
  }
}

TEST_CASE("The configured backend is loaded through load_backend()", "[load]") {
  TempDir home;
  LoadOptions options;
  options.config.config_dir = home.path();
  options.config.use_environment = false;
  options.resolve.use_environment = false;
  std::vector<std::string> messages;
  const LogLevel level = log_level();
  set_log_level(LogLevel::kInfo);
  set_log_handler(
      [&](LogLevel, std::string_view m) { messages.emplace_back(m); });
  SECTION(
      "the default is this build's default backend, announced as Keras does") {
    auto backend = load_backend(options);
    CHECK(backend.name() == std::string(tensorplug::default_backend_name()));
    CHECK(std::find(messages.begin(), messages.end(),
                    "Using " + std::string(tensorplug::default_backend_name()) +
                        " backend.") != messages.end());
    CHECK(fs::exists(home / "keras.json"));
  }
  SECTION("a name from the application overrides the file") {
    options.resolve.search_roots = {fixtures::kRoot};
    auto backend = load_backend("my_package.my_module", options);
    CHECK(backend.library_path() == fs::path(fixtures::kMyModule));
    CHECK(backend.origin() == "application");
  }
  set_log_handler({});
  set_log_level(level);
}
