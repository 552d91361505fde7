// Who may have put a library where the host looks.
#pragma once

#include <filesystem>
#include <string>

namespace tensorplug::detail {

/// Empty when `file` and every directory from / down to it (its real path,
/// links resolved) are owned by root or the current user and writable by
/// nobody else: not by group, not by others, except a sticky directory
/// (such as /tmp) that others may add to but not replace entries of.
/// Otherwise the reason, naming the offending component, its owner or mode,
/// and the command that fixes it. Empty for a file that does not exist.
std::string check_trusted_path(const std::filesystem::path& file);

}  // namespace tensorplug::detail
