// Validation of a file already open and mapped (the loader then loads that
// same open file).
#pragma once

#include <filesystem>

#include "inspect/mapped_file.hpp"
#include "tensorplug/inspect.hpp"

namespace tensorplug::detail {

/// inspect_library() of the open file `mapped` (named `file` in messages).
LibraryReport inspect_mapped(const std::filesystem::path& file,
                             const MappedFile& mapped);

}  // namespace tensorplug::detail
