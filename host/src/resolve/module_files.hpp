// The libraries under the search roots that have a backend name, for the
// "did you mean" of a name that was not found.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tensorplug/resolve.hpp"

namespace tensorplug::detail {

struct ModuleFile {
  /// The backend name the file resolves from: a/b/c.so and a/b/libc.so
  /// are `a.b.c`.
  std::string name;
  std::filesystem::path library;
  /// The root's origin ("TENSORPLUG_PATH", "application", ...).
  std::string origin;
};

/// Every library file with a backend name under the roots that have a path,
/// walked as discover_backends() walks them (bounded depth, no symlinked
/// directories); in root order, by name within a root. Nothing is opened.
std::vector<ModuleFile> module_files(const std::vector<SearchRoot>& roots);

}  // namespace tensorplug::detail
