// Creating a file atomically without ever replacing anything: write a unique
// temporary file in the same directory, fsync it, then link it into place
// with link() (or renameat2(RENAME_NOREPLACE)), which fail when the target
// exists in any form, a symbolic link included.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "tensorplug/export.hpp"

namespace tensorplug::detail {

struct WriteOutcome {
  enum class Kind {
    kWritten,  ///< the file now exists with `content`
    kExists,   ///< something (file, directory, symlink) was already there
    kFailed,   ///< the OS refused; `error` and `what` say why
  };
  Kind kind = Kind::kFailed;
  std::error_code error;
  /// "creating the temporary file in /dir: Permission denied", ...
  std::string what;
};

/// Creates `path` with `content` unless it exists. Never follows a symlink at
/// `path`, never replaces anything, always removes its temporary file. The
/// directory must exist.
WriteOutcome write_new_file_atomically(const std::filesystem::path& path,
                                       std::string_view content);

/// Creates `dir` and its missing parents with mode 0700 (before the umask).
/// Returns the error of the first mkdir that failed, or {}.
std::error_code create_directories_private(const std::filesystem::path& dir);

// Pieces shared with the in-place editor (config/edit.cpp).

/// The OS error of the last call (errno).
std::error_code last_error();
/// A kFailed outcome whose `what` is "<what>: <error message>".
WriteOutcome failed(std::error_code error, std::string what);
/// ".<name>.<tag>-<pid>-<n>-<random>" for a temporary beside `target`: a
/// name no other process or thread picks.
std::string temporary_name(const std::filesystem::path& target,
                           std::string_view tag);
#if !defined(_WIN32)
/// Writes all of `content` to `fd`, retrying on EINTR.
std::error_code write_all(int fd, std::string_view content);
/// Writes `content` to the open temporary file `fd`, syncs and closes it.
/// On failure removes `temporary` and returns why; nullopt on success.
std::optional<WriteOutcome> finish_temporary(
    int fd, const std::filesystem::path& temporary, std::string_view content);
#endif

/// For tests: called with the temporary file's path after it is written and
/// synced and before it is linked into place (to simulate a concurrent
/// writer). Empty to remove.
void set_before_link_hook_for_testing(
    std::function<void(const std::filesystem::path& temporary)> hook);

}  // namespace tensorplug::detail
