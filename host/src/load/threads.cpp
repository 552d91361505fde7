// The thread-count setting: the application's value, else the environment
// variable, else the backend's default.
#include "tensorplug/threads.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <string>

#include "tensorplug/errors.hpp"

namespace tensorplug {

Setting<unsigned> thread_setting(unsigned application, bool use_environment) {
  if (application != 0) {
    if (application > kMaxThreads) {
      throw ConfigError(fmt::format(
          "LoadOptions::num_threads is {}: the thread count must be a whole "
          "number from 1 to {} (0: {} if set, else one thread per available "
          "core)",
          application, kMaxThreads, kThreadsEnvironmentVariable));
    }
    return {application,
            Source{Source::Kind::kApplication, "LoadOptions::num_threads"}};
  }
  const std::string name(kThreadsEnvironmentVariable);
  const char* text = use_environment ? std::getenv(name.c_str()) : nullptr;
  if (text == nullptr || *text == '\0') return {0, Source{}};
  const std::string_view v(text);
  unsigned n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 1 ||
      n > kMaxThreads) {
    throw ConfigError(fmt::format(
        "{} is '{}' (environment): the thread count must be a whole number "
        "from 1 to {}; unset it for one thread per available core",
        name, v, kMaxThreads));
  }
  return {n, Source{Source::Kind::kEnvironment, name}};
}

std::string describe(const Setting<unsigned>& threads) {
  if (threads.value == 0) {
    return "the backend's default (one per available core)";
  }
  return fmt::format("{} ({})", threads.value, threads.source.describe());
}

}  // namespace tensorplug
