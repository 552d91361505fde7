// The typed errors the host raises. Each carries the process exit code the
// command-line tool uses for it (docs/cli.md), so that every caller maps a
// failure to the same code.
#pragma once

#include <stdexcept>
#include <string>

#include "tensorplug/export.hpp"

namespace tensorplug {

/// Exit codes of the `tensorplug` tool, one per error family.
enum class ExitCode : int {
  kSuccess = 0,
  kConfig = 2,               ///< keras.json or a setting is unusable
  kNotFound = 3,             ///< no backend of that name was found
  kInvalidBackend = 4,       ///< missing entries, not a library, wrong arch
  kIncompatibleVersion = 5,  ///< API version refused
  kLoadFailure = 6,          ///< the OS or the plugin failed to load/init
  kUsage = 64,               ///< bad command line
};

/// Base of every error tensorplug raises; `what()` is the full message.
class TENSORPLUG_API Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

/// A configuration file or setting is unusable.
class TENSORPLUG_API ConfigError : public Error {
 public:
  explicit ConfigError(const std::string& message)
      : Error(ExitCode::kConfig, message) {}
};

/// No backend matches the requested name (or the name is invalid).
class TENSORPLUG_API BackendNotFoundError : public Error {
 public:
  explicit BackendNotFoundError(const std::string& message)
      : Error(ExitCode::kNotFound, message) {}
};

/// The library was found but is refused before loading.
class TENSORPLUG_API InvalidBackendError : public Error {
 public:
  explicit InvalidBackendError(const std::string& message)
      : Error(ExitCode::kInvalidBackend, message) {}
};

/// The plugin's API version is not one this host speaks.
class TENSORPLUG_API IncompatibleVersionError : public Error {
 public:
  explicit IncompatibleVersionError(const std::string& message)
      : Error(ExitCode::kIncompatibleVersion, message) {}
};

/// The OS could not load the library, or the plugin failed to initialise.
class TENSORPLUG_API LoadError : public Error {
 public:
  /// Where loading stopped (docs/plugin-abi.md, "How the host uses a
  /// plugin"): the system loader (a missing dependency, an entry it cannot
  /// resolve), the version handshake failing with another status than
  /// TP_ERROR_VERSION (that one is IncompatibleVersionError), or
  /// `context_init`.
  enum class Stage { kSystemLoader, kHandshake, kInit };

  explicit LoadError(const std::string& message,
                     Stage stage = Stage::kSystemLoader)
      : Error(ExitCode::kLoadFailure, message), stage_(stage) {}
  Stage stage() const noexcept { return stage_; }

 private:
  Stage stage_;
};

/// An operation the loaded backend does not provide was called.
class TENSORPLUG_API NotProvidedError : public Error {
 public:
  explicit NotProvidedError(const std::string& message)
      : Error(ExitCode::kInvalidBackend, message) {}
};

/// A plugin entry returned an error status; the message is the plugin's.
class TENSORPLUG_API PluginError : public Error {
 public:
  PluginError(int status, const std::string& message)
      : Error(ExitCode::kLoadFailure, message), status_(status) {}
  /// The tp_status the plugin returned.
  int status() const noexcept { return status_; }

 private:
  int status_;
};

}  // namespace tensorplug
