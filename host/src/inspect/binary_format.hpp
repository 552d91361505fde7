// A bounds-checked look at a file's header before any parser trusts it.
#pragma once

#include <filesystem>
#include <string>

namespace tensorplug::detail {

/// Empty when `file` looks like a shared library this process could load
/// (ELF of this class, byte order and machine, a dynamic object, every
/// section inside the file); otherwise why not, in words. Reads only the
/// headers. Never throws.
std::string check_binary_format(const std::filesystem::path& file);

/// "linux x86_64" style name of what this process loads.
std::string native_platform_name();

}  // namespace tensorplug::detail
