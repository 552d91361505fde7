// Editing keras.json in place: the pieces behind set_config_value() and
// unset_config_value() (tensorplug/config_file.hpp).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/atomic_write.hpp"
#include "tensorplug/export.hpp"

namespace tensorplug::detail {

/// A member of keras.json as kept by an edit: key and value as JSON text.
using RawMember = std::pair<std::string, std::string>;

/// keras.json text for `members` in order: an object with 4-space
/// indentation, one member per line, and a trailing newline (a UTF-8 BOM
/// first when `bom`).
std::string render_members(const std::vector<RawMember>& members,
                           bool bom = false);

/// `value` (command-line text) for `key` as JSON text, validated with the
/// loading rules and messages; `file` names the destination in messages.
/// Throws ConfigError for an unknown key or an invalid value.
std::string validated_json_value(std::string_view key, std::string_view value,
                                 const std::filesystem::path& file);

/// Replaces the existing regular file `path` with `content` atomically: a
/// temporary file in the same directory with the same permission bits,
/// written and fsynced, then rename()d over it. Refuses (kFailed, file
/// untouched) a symbolic link or a non-regular file at `path`, and a file
/// whose content is no longer `expected` (another writer got there first).
WriteOutcome replace_file_atomically(const std::filesystem::path& path,
                                     std::string_view content,
                                     std::string_view expected);

/// For tests: called with the temporary file's path just before the rename.
void set_before_rename_hook_for_testing(
    std::function<void(const std::filesystem::path& temporary)> hook);

}  // namespace tensorplug::detail
