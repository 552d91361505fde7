// Editing keras.json: reading its members in file order and changing one key
// with the same validation as loading. Writes are atomic (a temporary file in
// the same directory, synced, then renamed over keras.json), keep unknown
// keys and the existing key order, and never leave a partial file. See
// docs/configuration.md ("Editing the configuration").
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tensorplug/config.hpp"
#include "tensorplug/export.hpp"

namespace tensorplug {

/// keras.json as it is on disk, without creating or modifying anything.
struct TENSORPLUG_API ConfigFileContents {
  std::filesystem::path dir;
  std::filesystem::path file;
  Source dir_source;
  bool exists = false;
  /// Top-level members in file order: key and value as JSON text (compact).
  std::vector<std::pair<std::string, std::string>> members;

  /// The member's JSON text, or nullopt when the key is not in the file.
  std::optional<std::string> find(std::string_view key) const;
};

/// What an edit did.
struct TENSORPLUG_API ConfigChange {
  std::filesystem::path file;
  std::string key;
  /// The key's JSON text before and after (nullopt: absent).
  std::optional<std::string> previous;
  std::optional<std::string> value;
  /// keras.json did not exist and was created with the defaults plus the
  /// change.
  bool created = false;
  /// False when the file already said so (nothing was written).
  bool written = false;
  /// Notes for the user (e.g. a backend Python Keras cannot import).
  std::vector<std::string> notes;
};

/// Reads keras.json from the directory load_config() would use. Throws
/// ConfigError when no directory is usable or the file does not parse (with
/// line:column).
TENSORPLUG_API ConfigFileContents
read_keras_json(const ConfigOptions& options = {});

/// Sets `key` (floatx, epsilon, backend, image_data_format) to `value`, given
/// as text (`epsilon` is parsed as a number), validated exactly as loading
/// validates it. Creates keras.json with the defaults plus the change when it
/// is missing. Throws ConfigError (file unchanged) for an unknown key, an
/// invalid value, a file that does not parse or whose result would not load,
/// a symbolic link or non-regular file at keras.json, or a failed write.
/// `backend` is only checked to be a valid name here; `tensorplug use`
/// validates the library too.
TENSORPLUG_API ConfigChange set_config_value(std::string_view key,
                                             std::string_view value,
                                             const ConfigOptions& options = {});

/// Removes `key` (any key, unknown ones included) from keras.json; the
/// setting falls back to its default. A missing key or file is not an error
/// (nothing is written). Throws ConfigError as set_config_value().
TENSORPLUG_API ConfigChange
unset_config_value(std::string_view key, const ConfigOptions& options = {});

/// The keys set_config_value() accepts, in Keras's file order.
TENSORPLUG_API const std::vector<std::string>& settable_config_keys();

}  // namespace tensorplug
