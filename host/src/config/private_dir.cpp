// Choosing, creating and verifying the per-user fallback directory.
#include "config/private_dir.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <system_error>

#include "env.hpp"

#if !defined(_WIN32)
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace tensorplug::detail {

#if !defined(_WIN32)

bool runtime_dir_is_private(const std::filesystem::path& runtime_dir) {
  struct stat info {};
  if (!runtime_dir.is_absolute() || ::lstat(runtime_dir.c_str(), &info) != 0) {
    return false;
  }
  return S_ISDIR(info.st_mode) && info.st_uid == ::geteuid() &&
         (info.st_mode & 07777) == 0700;
}

std::filesystem::path fallback_candidate() {
  if (auto runtime = get_env("XDG_RUNTIME_DIR", EnvTrust::kNamesCodePath)) {
    const std::filesystem::path runtime_dir(*runtime);
    if (!runtime->empty() && runtime_dir_is_private(runtime_dir)) {
      return runtime_dir / "keras";
    }
  }
  std::filesystem::path tmp = "/tmp";
  if (auto tmpdir = get_env("TMPDIR", EnvTrust::kNamesCodePath)) {
    const std::filesystem::path candidate(*tmpdir);
    if (candidate.is_absolute()) tmp = candidate;
  }
  return tmp / fmt::format("keras-{}", static_cast<long>(::geteuid()));
}

std::string private_dir_problem(const std::filesystem::path& dir) {
  struct stat info {};
  if (::lstat(dir.c_str(), &info) != 0) {
    const int error = errno;
    return fmt::format("cannot inspect {}: {}", dir.string(),
                       std::generic_category().message(error));
  }
  if (S_ISLNK(info.st_mode)) {
    return fmt::format("{} is a symbolic link, not a directory", dir.string());
  }
  if (!S_ISDIR(info.st_mode)) {
    return fmt::format("{} is not a directory", dir.string());
  }
  if (info.st_uid != ::geteuid()) {
    return fmt::format("{} is owned by uid {}, not by this user (uid {})",
                       dir.string(), static_cast<long>(info.st_uid),
                       static_cast<long>(::geteuid()));
  }
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return fmt::format(
        "{} can be written by other users (mode {:04o}); it must not have "
        "group or other write permission",
        dir.string(), static_cast<unsigned>(info.st_mode & 07777));
  }
  return {};
}

std::string make_private_dir(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    const int error = errno;
    return fmt::format("cannot create {}: {}", dir.string(),
                       std::generic_category().message(error));
  }
  return private_dir_problem(dir);
}

#else  // _WIN32: there is no shared fallback to replace.

bool runtime_dir_is_private(const std::filesystem::path&) { return false; }

std::filesystem::path fallback_candidate() {
  std::error_code error;
  return std::filesystem::temp_directory_path(error) / "keras";
}

std::string private_dir_problem(const std::filesystem::path& dir) {
  std::error_code error;
  const auto status = std::filesystem::symlink_status(dir, error);
  if (error)
    return fmt::format("cannot inspect {}: {}", dir.string(), error.message());
  if (std::filesystem::is_symlink(status)) {
    return fmt::format("{} is a symbolic link, not a directory", dir.string());
  }
  if (!std::filesystem::is_directory(status)) {
    return fmt::format("{} is not a directory", dir.string());
  }
  return {};
}

std::string make_private_dir(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directory(dir, error);
  if (error)
    return fmt::format("cannot create {}: {}", dir.string(), error.message());
  return private_dir_problem(dir);
}

#endif

}  // namespace tensorplug::detail
