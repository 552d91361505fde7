// Who may have put a library where the host looks.
#pragma once

#include <filesystem>
#include <string>

namespace tensorplug::detail {

/// Empty when `file` and every directory from `root` down to it can be
/// written only by their owner (or root); otherwise the reason, naming the
/// offending path and its mode. `root` must be a prefix of `file`.
std::string check_not_writable_by_others(const std::filesystem::path& root,
                                         const std::filesystem::path& file);

}  // namespace tensorplug::detail
