// LoadOptions::trial_load_in_child (issue 12, class 3b): a library that
// crashes or hangs the system loader inside dlopen is refused after a trial
// in a child process, instead of ending or hanging the process.
#include <catch2/catch.hpp>
#include <chrono>
#include <stdexcept>
#include <string>

#include "fixture_paths.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/errors.hpp"

using namespace tensorplug;

namespace {

LoadOptions trial_options() {
  LoadOptions options;
  options.announce = false;
  options.trial_load_in_child = true;
  return options;
}

Backend load_fixture(const char* fixture, const LoadOptions& options) {
  return load_backend_at(resolve_library_file(fixture),
                         Settings::defaults("reference"), options);
}

}  // namespace

TEST_CASE(
    "LoadOptions::trial_load_in_child turns a crash inside dlopen into a "
    "refusal",
    "[load][elf]") {
  const LoadOptions options = trial_options();
  try {
    load_fixture(fixtures::kCrashInDlopen, options);
    FAIL("the crashing library was loaded");
  } catch (const InvalidBackendError& e) {
    CHECK_THAT(e.what(),
               Catch::Contains(std::string("the system loader crashed on ") +
                               fixtures::kCrashInDlopen + " (SIGSEGV)"));
  }
  SECTION("a sound library loads as without the option") {
    auto backend = load_fixture(fixtures::kValid, options);
    CHECK(backend.api_version().major == TP_API_VERSION_MAJOR);
  }
}

TEST_CASE(
    "A trial load that does not finish within LoadOptions::trial_load_timeout "
    "is killed and the backend refused",
    "[load][elf]") {
  LoadOptions options = trial_options();
  options.trial_load_timeout = std::chrono::milliseconds(300);
  try {
    load_fixture(fixtures::kHangInDlopen, options);
    FAIL("the hanging library was loaded");
  } catch (const InvalidBackendError& e) {
    CHECK_THAT(e.what(),
               Catch::Contains(std::string("the system loader did not finish "
                                           "loading ") +
                               fixtures::kHangInDlopen + " within 0.3 s"));
    CHECK_THAT(e.what(), Catch::Contains("trial_load_timeout"));
  }

  SECTION("a library that loads in time is not affected by the limit") {
    auto backend = load_fixture(fixtures::kValid, options);
    CHECK(backend.api_version().major == TP_API_VERSION_MAJOR);
  }
  SECTION("a timeout that is not positive is refused") {
    options.trial_load_timeout = std::chrono::milliseconds(0);
    CHECK_THROWS_AS(load_fixture(fixtures::kValid, options),
                    std::invalid_argument);
  }
}
