// Writing a report file so that a reader never sees half of it: the text
// goes to a temporary file in the same directory, then replaces the target
// with rename() (atomic on POSIX).
#pragma once

#include <filesystem>
#include <string_view>

namespace tensorplug::conformance::runner {

/// Throws std::runtime_error naming the file and the OS error.
void write_file_atomically(const std::filesystem::path& file,
                           std::string_view text);

}  // namespace tensorplug::conformance::runner
