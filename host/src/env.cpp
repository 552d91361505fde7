#include "env.hpp"

#include <cstdlib>

#if defined(__linux__)
#include <sys/auxv.h>
#endif
#if !defined(_WIN32)
#include <unistd.h>
#endif

#include "log_internal.hpp"

namespace tensorplug::detail {
namespace {
std::optional<bool>& privileged_override() {
  static std::optional<bool> value;
  return value;
}
}  // namespace

bool running_privileged() {
  if (auto forced = privileged_override()) return *forced;
#if defined(__linux__)
  return getauxval(AT_SECURE) != 0;
#elif defined(_WIN32)
  return false;
#else
  return getuid() != geteuid() || getgid() != getegid();
#endif
}

void set_privileged_for_testing(std::optional<bool> privileged) {
  privileged_override() = privileged;
}

std::optional<std::string> get_env(const std::string& name, EnvTrust trust) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  if (trust == EnvTrust::kNamesCodePath && running_privileged()) {
    log().warn(
        "ignoring {} because the process runs setuid/setgid: variables that "
        "name code to load are not trusted there",
        name);
    return std::nullopt;
  }
  return std::string(value);
}

}  // namespace tensorplug::detail
