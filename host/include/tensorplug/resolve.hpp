// Resolution: from a backend name to one library file, before anything is
// loaded. A name is either a builtin (a backend shipped with tensorplug, in
// the backend directory next to the host library) or a dotted module path
// (`my_package.my_module` -> `my_package/my_module.so`) searched under the
// search roots in order. See docs/plugin-abi.md ("Finding backends").
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tensorplug/export.hpp"

namespace tensorplug {

/// A directory searched for dotted module paths, with where it came from.
struct TENSORPLUG_API SearchRoot {
  std::filesystem::path path;
  /// "TENSORPLUG_PATH", "application", "config directory", ...
  std::string origin;
  /// Why `path` is empty, for messages: "not set", or for TENSORPLUG_PATH
  /// "set, but every entry was ignored (relative)"; empty when it is not.
  std::string empty_reason;
};

/// One file looked at during resolution, and what became of it.
struct TENSORPLUG_API Candidate {
  std::filesystem::path path;
  std::string origin;
  /// "found", "not found", or why it was refused.
  std::string outcome;
};

struct TENSORPLUG_API ResolveOptions {
  /// Extra roots, searched after TENSORPLUG_PATH and before
  /// `<config dir>/backends`.
  std::vector<std::filesystem::path> search_roots;
  /// The configuration directory whose `backends/` is the last root; unset
  /// means no such root.
  std::optional<std::filesystem::path> config_dir;
  /// Read TENSORPLUG_PATH (ignored anyway when setuid/setgid).
  bool use_environment = true;
  /// Name of the path-list variable.
  std::string path_env = "TENSORPLUG_PATH";
  /// Overrides the builtin backend directory (default: next to the host
  /// library, `<libdir>/tensorplug/backends`).
  std::optional<std::filesystem::path> builtin_dir;
  /// Accept libraries and directories that other users can write to.
  bool allow_insecure_permissions = false;
  /// Where the name came from ("environment KERAS_BACKEND", "file ..."), for
  /// messages; may be empty.
  std::string name_source;
};

struct TENSORPLUG_API Resolution {
  enum class Kind { kBuiltin, kModulePath, kFile };
  /// The name as requested (trimmed).
  std::string name;
  Kind kind = Kind::kBuiltin;
  /// Absolute path of the library to validate and load.
  std::filesystem::path library;
  /// Where it was found ("builtin", "TENSORPLUG_PATH", "application", ...).
  std::string origin;
  /// Every candidate examined, in order.
  std::vector<Candidate> tried;
};

/// Resolves a backend name. Throws BackendNotFoundError (invalid name, a
/// Keras backend with no native plugin, nothing found: the message lists
/// every path tried and the installed builtins).
TENSORPLUG_API Resolution resolve_backend(std::string_view name,
                                          const ResolveOptions& options = {});

/// Resolves an explicit path to a library file (for `tensorplug check`).
/// Throws BackendNotFoundError when it does not exist.
TENSORPLUG_API Resolution resolve_library_file(
    const std::filesystem::path& file, const ResolveOptions& options = {});

/// True when `target` names a library file rather than a backend: it
/// contains a directory separator or ends in a library suffix (.so, .dll,
/// .dylib). Tools taking "<name-or-path>" use it to pick between
/// resolve_backend and resolve_library_file.
TENSORPLUG_API bool looks_like_library_path(std::string_view target);

/// The directory holding the builtin backends.
TENSORPLUG_API std::filesystem::path builtin_backend_dir(
    const ResolveOptions& options = {});

/// Names of the builtin backends, sorted.
TENSORPLUG_API std::vector<std::string> builtin_backend_names(
    const ResolveOptions& options = {});

/// The search roots in order, including those "not set" (with an empty
/// path), for messages and `tensorplug list`.
TENSORPLUG_API std::vector<SearchRoot> search_roots(
    const ResolveOptions& options = {});

/// Empty when `name` is a valid backend name (a dotted path of identifiers);
/// otherwise why not.
TENSORPLUG_API std::string check_backend_name(std::string_view name);

/// The platform's shared-library suffix (".so", ".dll", ".dylib").
TENSORPLUG_API std::string_view library_suffix();

}  // namespace tensorplug
