// The per-user fallback directory, used where Keras would fall back to the
// shared /tmp/.keras (which lets another user choose your backend).
#pragma once

#include <filesystem>
#include <string>

#include "tensorplug/export.hpp"

namespace tensorplug::detail {

/// $XDG_RUNTIME_DIR/keras when that runtime directory is a real directory
/// owned by the effective user with mode 0700; else <tmpdir>/keras-<uid>
/// (tmpdir: $TMPDIR when absolute, else /tmp).
std::filesystem::path fallback_candidate();

/// Whether `runtime_dir` qualifies as $XDG_RUNTIME_DIR: lstat shows a real
/// directory owned by the effective user with permissions exactly 0700.
bool runtime_dir_is_private(const std::filesystem::path& runtime_dir);

/// Why `dir` may not be used as the private fallback, or "" when it may:
/// lstat must show a real directory (not a symbolic link), owned by the
/// effective user, without group or other write permission.
std::string private_dir_problem(const std::filesystem::path& dir);

/// Creates `dir` with mode 0700 unless it exists (its parent must exist),
/// then checks it with private_dir_problem(). "" when usable, else why not.
std::string make_private_dir(const std::filesystem::path& dir);

}  // namespace tensorplug::detail
