// Enumerating installed backends: every library the host can find (the
// builtin directory, then every search root, in resolution order), each
// judged from its export table without loading it. Used by
// `tensorplug list`; applications can list backends the same way.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tensorplug/export.hpp"
#include "tensorplug/inspect.hpp"
#include "tensorplug/resolve.hpp"

namespace tensorplug {

/// One library found where resolution looks.
struct TENSORPLUG_API InstalledBackend {
  enum class Status {
    kValid,                 ///< may be loaded (version declared)
    kMissingEntries,        ///< required entries missing (named in report)
    kNoVersionDeclaration,  ///< tp_negotiate_version missing
    kNotALibrary,           ///< not a shared library for this platform
    kRefused,               ///< refused by the permission check
  };
  /// The backend name that resolves to this file (`reference`,
  /// `my_package.my_module`).
  std::string name;
  /// Absolute path of the library.
  std::filesystem::path library;
  /// "builtin", "TENSORPLUG_PATH", "application", "config directory".
  std::string origin;
  /// The builtin directory or the search root it was found under.
  std::filesystem::path root;
  Status status = Status::kNotALibrary;
  /// Why it is not valid (empty when valid).
  std::string problem;
  /// The export table; nullopt when refused before inspection.
  std::optional<LibraryReport> report;
  /// Another file of the same name comes earlier in resolution order and is
  /// the one resolution picks; these say which.
  bool shadowed = false;
  std::filesystem::path shadowed_by;
  std::string shadowed_by_origin;
};

/// "valid", "missing_entries", "no_version_declaration", "not_a_library",
/// "refused".
TENSORPLUG_API std::string_view to_string(InstalledBackend::Status status);

/// Every backend library under the builtin directory and the search roots
/// (recursively, at most `kMaxDiscoverDepth` directories deep, never
/// following symbolic links to directories), in resolution order: builtins,
/// then each root in order, names sorted within a root. Files whose relative
/// path is no valid backend name are skipped. Never loads anything.
TENSORPLUG_API std::vector<InstalledBackend> discover_backends(
    const ResolveOptions& options = {});

inline constexpr std::size_t kMaxDiscoverDepth = 8;

}  // namespace tensorplug
