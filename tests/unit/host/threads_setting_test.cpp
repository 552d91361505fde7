// The thread-count setting (rule TP_ABI_13a): one value for every backend,
// from the application or TENSORPLUG_NUM_THREADS, carried to the plugin in
// tp_context.num_threads with its source.
#include <catch2/catch.hpp>
#include <string>

#include "fixture_paths.hpp"
#include "temp_dir.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/threads.hpp"

using namespace tensorplug;
using tensorplug::test::EnvGuard;

namespace {

Backend load_with(unsigned num_threads) {
  LoadOptions options;
  options.announce = false;
  options.num_threads = num_threads;
  return load_backend_at(resolve_library_file(fixtures::kValid),
                         Settings::defaults("reference"), options);
}

std::string config_error(unsigned num_threads) {
  try {
    load_with(num_threads);
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("loading did not throw ConfigError");
  return {};
}

}  // namespace

TEST_CASE("The thread setting reaches the plugin's context with its source",
          "[load][threads]") {
  SECTION("neither set: 0, the backend's default") {
    EnvGuard env("TENSORPLUG_NUM_THREADS", std::nullopt);
    const Backend b = load_with(0);
    CHECK(b.raw_context()->num_threads == 0);
    CHECK(b.threads().value == 0);
    CHECK(b.threads().source.kind == Source::Kind::kDefault);
    CHECK(describe(b.threads()) ==
          "the backend's default (one per available core)");
  }
  SECTION("the environment variable") {
    EnvGuard env("TENSORPLUG_NUM_THREADS", "5");
    const Backend b = load_with(0);
    CHECK(b.raw_context()->num_threads == 5);
    CHECK(b.threads().source.kind == Source::Kind::kEnvironment);
    CHECK(describe(b.threads()) == "5 (environment TENSORPLUG_NUM_THREADS)");
  }
  SECTION("the application's LoadOptions::num_threads wins") {
    EnvGuard env("TENSORPLUG_NUM_THREADS", "5");
    const Backend b = load_with(3);
    CHECK(b.raw_context()->num_threads == 3);
    CHECK(b.threads().source.kind == Source::Kind::kApplication);
    CHECK(describe(b.threads()) ==
          "3 (application via LoadOptions::num_threads)");
  }
  SECTION("an empty variable counts as unset") {
    EnvGuard env("TENSORPLUG_NUM_THREADS", "");
    CHECK(load_with(0).raw_context()->num_threads == 0);
  }
  SECTION("the context's struct covers the field") {
    const Backend b = load_with(2);
    CHECK(b.raw_context()->struct_size >= TP_CONTEXT_STRUCT_SIZE);
  }
}

TEST_CASE("A bad thread setting is a configuration error naming its source",
          "[load][threads]") {
  SECTION("a variable that is not a whole number from 1 to 1024") {
    for (const char* bad : {"0", "-1", "two", "3x", "1025", " 4"}) {
      INFO(bad);
      EnvGuard env("TENSORPLUG_NUM_THREADS", bad);
      const std::string message = config_error(0);
      CHECK_THAT(message, Catch::Contains(std::string("TENSORPLUG_NUM_THREADS "
                                                      "is '") +
                                          bad + "' (environment)"));
      CHECK_THAT(message, Catch::Contains("from 1 to 1024"));
    }
  }
  SECTION("an application value above 1024") {
    EnvGuard env("TENSORPLUG_NUM_THREADS", std::nullopt);
    CHECK_THAT(config_error(4096),
               Catch::Contains("LoadOptions::num_threads is 4096"));
  }
  SECTION("the environment is not read when the configuration says so") {
    EnvGuard env("TENSORPLUG_NUM_THREADS", "junk");
    CHECK(thread_setting(0, false).value == 0);
    CHECK(thread_setting(7, false).value == 7);
  }
}
