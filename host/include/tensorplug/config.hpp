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
#include <vector>

#include "tensorplug/export.hpp"

namespace tensorplug {

/// Where an effective setting came from.
struct TENSORPLUG_API Source {
  enum class Kind { kDefault, kFile, kEnvironment, kRuntime };
  Kind kind = Kind::kDefault;
  /// The file path (kFile), the variable name (kEnvironment), or empty.
  std::string detail;

  /// "default", "file /home/u/.keras/keras.json", "environment KERAS_BACKEND",
  /// "set at run time".
  std::string describe() const;
  /// "default", "file", "environment", "runtime" (for --json).
  std::string_view kind_name() const;
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

/// How to find and treat the configuration.
struct TENSORPLUG_API ConfigOptions {
  /// Use this directory instead of $KERAS_HOME / ~/.keras.
  std::optional<std::filesystem::path> config_dir;
  /// Prefix of the environment variables: "<prefix>_HOME",
  /// "<prefix>_BACKEND". Default "KERAS".
  std::string env_prefix = "KERAS";
  /// Consult environment variables at all (off for fully isolated apps).
  bool use_environment = true;
  /// Write keras.json with the defaults when it is missing.
  bool write_default_file = true;
  /// The backend written/used when none is configured.
  std::string default_backend = "reference";
};

/// The result of reading the configuration.
struct TENSORPLUG_API Config {
  Settings settings;
  /// The directory in use and its keras.json.
  std::filesystem::path dir;
  std::filesystem::path file;
  /// Where `dir` came from (default ~/.keras, environment KERAS_HOME, the
  /// application, or the per-user fallback).
  Source dir_source;
  bool file_existed = false;
  /// True when this call created keras.json with the defaults.
  bool file_written = false;
  /// Warnings already logged (unknown keys, legacy keys, unwritable dir, ...).
  std::vector<std::string> warnings;
};

/// Reads the configuration: directory, keras.json (created with defaults when
/// missing and allowed), then <prefix>_BACKEND. Throws ConfigError.
TENSORPLUG_API Config load_config(const ConfigOptions& options = {});

/// The directory load_config() would use, without touching the file system
/// beyond what finding it needs. Throws ConfigError.
TENSORPLUG_API std::filesystem::path config_dir(
    const ConfigOptions& options = {}, Source* source = nullptr);

/// Backend names Python Keras can import (for the coexistence warning).
TENSORPLUG_API bool python_keras_knows_backend(std::string_view name);

}  // namespace tensorplug
