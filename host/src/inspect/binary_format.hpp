// A bounds-checked look at a file's header before any parser trusts it.
#pragma once

#include <span>
#include <string>

namespace tensorplug::detail {

/// Empty when the file whose bytes are `bytes` looks like a shared library
/// this process could load (ELF of this class, byte order and machine, a
/// dynamic object, every section inside the file); otherwise why not, in
/// words. Reads only the headers. Never throws.
std::string check_binary_format(std::span<const unsigned char> bytes);

/// "linux x86_64" style name of what this process loads.
std::string native_platform_name();

}  // namespace tensorplug::detail
