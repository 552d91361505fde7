// Reading environment variables safely (not part of the public API).
#pragma once

#include <optional>
#include <string>

#include "tensorplug/export.hpp"

namespace tensorplug::detail {

/// Whether a variable may steer which code is loaded.
enum class EnvTrust {
  kAny,           ///< harmless (log level): read even when setuid/setgid
  kNamesCodePath  ///< names a path or backend: ignored when setuid/setgid
};

/// True when the process runs with elevated privileges (setuid/setgid), as
/// the kernel reports it (AT_SECURE).
bool running_privileged();

/// The variable's value, or nullopt when unset. A kNamesCodePath variable is
/// ignored (with a warning) in a privileged process, as the Vulkan loader
/// does (secure_getenv).
std::optional<std::string> get_env(const std::string& name, EnvTrust trust);

/// For tests: pretend the process is privileged (or not).
void set_privileged_for_testing(std::optional<bool> privileged);

}  // namespace tensorplug::detail
