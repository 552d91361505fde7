// Keras-compatible configuration: keras.json plus environment overrides.
//
// The file is Keras's own `~/.keras/keras.json` (or `$KERAS_HOME/keras.json`)
// with the keys `backend`, `floatx`, `epsilon`, `image_data_format`, read with
// the same meaning as Keras but validated strictly: every problem is a
// ConfigError naming the file, line:column (syntax errors), key, the value
// received, the values allowed and the source of the setting. The file is
// never modified when it exists. See docs/configuration.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tensorplug/export.hpp"

namespace tensorplug {

/// Where an effective setting (or the configuration directory) came from.
struct TENSORPLUG_API Source {
  /// kFallback only occurs in Config::dir_source; kApplication there and in
  /// the thread setting (tensorplug/threads.hpp).
  enum class Kind {
    kDefault,
    kFile,
    kEnvironment,
    kRuntime,
    kApplication,  ///< ConfigOptions::config_dir
    kFallback,     ///< per-user fallback directory; detail says why
  };
  Kind kind = Kind::kDefault;
  /// The file path (kFile), the variable name (kEnvironment), the reason
  /// (kFallback), "ConfigOptions::config_dir" or "LoadOptions::num_threads"
  /// (kApplication), or empty.
  std::string detail;

  /// "default", "file /home/u/.keras/keras.json", "environment KERAS_BACKEND",
  /// "set at run time", "application via ConfigOptions::config_dir",
  /// "per-user fallback: the home directory /home/u is not writable".
  std::string describe() const;
  /// "default", "file", "environment", "runtime", "application", "fallback"
  /// (for --json).
  std::string_view kind_name() const;

  friend bool operator==(const Source&, const Source&) = default;
};

enum class FloatX { kFloat16, kFloat32, kFloat64 };
enum class ImageDataFormat { kChannelsLast, kChannelsFirst };

TENSORPLUG_API std::string_view to_string(FloatX value);
TENSORPLUG_API std::string_view to_string(ImageDataFormat value);

template <class T>
struct Setting {
  T value;
  Source source;
};

/// The four Keras settings in effect, each with its source.
struct TENSORPLUG_API Settings {
  Setting<std::string> backend;
  Setting<FloatX> floatx;
  Setting<double> epsilon;
  Setting<ImageDataFormat> image_data_format;

  /// Keras's defaults: float32, 1e-07, channels_last, and `default_backend`.
  static Settings defaults(std::string default_backend);

  // Runtime setters: validate exactly as the file does (same rules, same
  // messages) and record Source::Kind::kRuntime. Throw ConfigError.
  void set_backend(std::string_view name);
  void set_floatx(std::string_view name);
  void set_epsilon(double value);
  void set_image_data_format(std::string_view name);
};

/// The backend a missing configuration means, and that a new keras.json
/// names: "native" (the fast CPU backend, which passes the conformance kit)
/// when this build of tensorplug has it, else "reference" (the oracle).
TENSORPLUG_API const char* default_backend_name();

/// How to find and treat the configuration.
struct TENSORPLUG_API ConfigOptions {
  /// Use this directory instead of $KERAS_HOME / ~/.keras.
  std::optional<std::filesystem::path> config_dir;
  /// Prefix of the environment variables: "<prefix>_HOME",
  /// "<prefix>_BACKEND". Default "KERAS".
  std::string env_prefix = "KERAS";
  /// Consult <prefix>_HOME and <prefix>_BACKEND at all (off for fully
  /// isolated apps). HOME, TMPDIR and XDG_RUNTIME_DIR still locate the home
  /// directory and the per-user fallback.
  bool use_environment = true;
  /// Write keras.json with the defaults when it is missing.
  bool write_default_file = true;
  /// The backend written/used when none is configured.
  std::string default_backend = default_backend_name();
};

/// The result of reading the configuration.
struct TENSORPLUG_API Config {
  Settings settings;
  /// The directory in use and its keras.json. Both are empty when no
  /// directory could be used (a refused per-user fallback; dir_source says
  /// why): the settings are then the defaults plus the environment.
  std::filesystem::path dir;
  std::filesystem::path file;
  /// Where `dir` came from (default ~/.keras, environment KERAS_HOME, the
  /// application, or the per-user fallback).
  Source dir_source;
  bool file_existed = false;
  /// True when this call created keras.json with the defaults.
  bool file_written = false;
  /// Keys of keras.json tensorplug does not use, with their values as JSON
  /// text, in file order. They are kept (and warned about), never an error.
  std::vector<std::pair<std::string, std::string>> unknown_keys;
  /// Warnings already logged (unknown keys, legacy keys, unwritable dir, ...).
  std::vector<std::string> warnings;
};

/// Reads the configuration: directory, keras.json (created with defaults when
/// missing and allowed), then <prefix>_BACKEND. Throws ConfigError.
TENSORPLUG_API Config load_config(const ConfigOptions& options = {});

/// The directory load_config() would use, without touching the file system
/// beyond what finding it needs (it creates nothing). Returns an empty path
/// when the per-user fallback exists but is refused. Throws ConfigError.
TENSORPLUG_API std::filesystem::path config_dir(
    const ConfigOptions& options = {}, Source* source = nullptr);

/// Backend names Python Keras can import (for the coexistence warning).
TENSORPLUG_API bool python_keras_knows_backend(std::string_view name);

}  // namespace tensorplug
