// Inspecting and reading keras.json (never modifying it).
#pragma once

#include <string>

#include "config/json_document.hpp"
#include "tensorplug/export.hpp"

namespace tensorplug::detail {

enum class FileState {
  kMissing,          ///< nothing at the path
  kDanglingSymlink,  ///< a symbolic link to nothing: read as missing, but
                     ///< never written through
  kPresent,          ///< something to read (maybe unusable: read_config_file
                     ///< says why)
};

/// What is at context.path. Throws ConfigError when it cannot be inspected
/// for another reason than absence (e.g. the directory is not searchable).
FileState probe_config_file(const FileContext& context);

/// The whole content of the file. Throws ConfigError when it is a directory,
/// not a regular file, or unreadable, with the OS reason.
std::string read_config_file(const FileContext& context);

}  // namespace tensorplug::detail
