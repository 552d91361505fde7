// Validation before loading: what a library file exports, read from its
// export table without running any of its code (docs/plugin-abi.md, TP_ABI_2).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tensorplug/export.hpp"

namespace tensorplug {

/// Everything the host learns about a candidate library without loading it.
struct TENSORPLUG_API LibraryReport {
  std::filesystem::path file;
  /// False when the file is not a loadable shared library for this platform
  /// (not a library, truncated, another architecture, unreadable).
  bool is_library = false;
  /// Why `is_library` is false.
  std::string format_error;
  /// Required entries by their Keras names, present and missing, in the
  /// order placeholder, variable, function.
  std::vector<std::string> required_present;
  std::vector<std::string> required_missing;
  /// Whether `tp_negotiate_version` is exported.
  bool has_version_declaration = false;
  /// Optional entries this host knows that the library exports.
  std::vector<std::string> optional_provided;
  /// `tp_*` exports this host does not know (from a newer API, or typos).
  std::vector<std::string> unknown_entries;
  /// Known entries that are exported but cannot be called: each must be a
  /// defined function (STT_FUNC or STT_GNU_IFUNC), global or weak, of default
  /// visibility (rule TP_ABI_4). A required entry listed here is in neither
  /// required_present nor required_missing.
  struct UnusableEntry {
    std::string symbol;   ///< e.g. "tp_placeholder"
    std::string problem;  ///< e.g. "a data object (STT_OBJECT), not a function"
  };
  std::vector<UnusableEntry> unusable_entries;

  /// A library that may be loaded: a library with every required entry and
  /// the version declaration, every known entry a callable function.
  bool valid() const;
  /// One message naming every problem and the file; empty when valid().
  std::string problems() const;
};

/// Reads `file`'s dynamic symbol table (what the system loader resolves
/// names through; `.symtab` plays no part) after checking the structures the
/// loader walks. The file is mapped, never read whole. Never throws for a bad
/// file and never loads it: problems are reported in the LibraryReport.
/// `file` should be absolute.
TENSORPLUG_API LibraryReport inspect_library(const std::filesystem::path& file);

/// Keras names of the required entries, in order.
TENSORPLUG_API const std::vector<std::string>& required_entry_names();
/// Keras names of every optional entry this host knows, in header order.
TENSORPLUG_API const std::vector<std::string>& optional_entry_names();

}  // namespace tensorplug
