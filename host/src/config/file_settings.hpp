// The meaning of keras.json's members: types, values, legacy and unknown keys.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/json_document.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/export.hpp"

namespace tensorplug::detail {

/// What the members of keras.json add to the configuration.
struct FileSettings {
  std::vector<std::pair<std::string, std::string>> unknown_keys;
  std::vector<std::string> warnings;
};

/// Applies `members` to `settings` (Source kFile for each key present).
/// Throws ConfigError for a wrong type or an invalid value, naming the file,
/// key, value received, values allowed, line and column.
FileSettings apply_file_members(const std::vector<JsonMember>& members,
                                const FileContext& context, Settings& settings);

}  // namespace tensorplug::detail
