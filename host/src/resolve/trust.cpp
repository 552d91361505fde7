#include "resolve/trust.hpp"

#include <fmt/format.h>

#if !defined(_WIN32)
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <memory>
#endif

namespace tensorplug::detail {
namespace {

#if !defined(_WIN32)
constexpr const char* kOptOut =
    " (or let the application opt out: allow_insecure_permissions)";

/// Empty when `path` (a directory on the way to the backend, or the backend
/// itself) can be changed only by root or the current user.
std::string check_one(const std::string& path, const struct stat& st,
                      bool is_file) {
  const uid_t me = ::geteuid();
  const bool dir = S_ISDIR(st.st_mode);
  if (st.st_uid != 0 && st.st_uid != me) {
    return fmt::format(
        "{} is owned by another user (uid {}), who could replace the "
        "backend; make it owned by root or by you (chown), or install the "
        "backend elsewhere{}",
        path, st.st_uid, kOptOut);
  }
  // A sticky directory owned by root or you (like /tmp) lets others add
  // entries but not rename or remove yours.
  const bool sticky_dir = dir && (st.st_mode & S_ISVTX) != 0;
  if ((st.st_mode & S_IWOTH) != 0 && !sticky_dir) {
    return fmt::format(
        "{} is writable by other users (mode {:04o}), so anyone could "
        "replace the backend; fix its permissions: chmod o-w {}{}",
        path, st.st_mode & 07777, path, kOptOut);
  }
  if ((st.st_mode & S_IWGRP) != 0 && !sticky_dir) {
    return fmt::format(
        "{} is writable by its group (gid {}, mode {:04o}), so any member "
        "could replace the backend; fix its permissions: chmod g-w {}{}",
        path, st.st_gid, st.st_mode & 07777, path, kOptOut);
  }
  (void)is_file;
  return {};
}
#endif

}  // namespace

std::string check_trusted_path(const std::filesystem::path& file) {
#if defined(_WIN32)
  (void)file;
  return {};
#else
  // The real path, as OpenSSH's StrictModes judges it: every directory from
  // / down to the file itself, links resolved.
  std::unique_ptr<char, decltype(&std::free)> real(
      ::realpath(file.c_str(), nullptr), &std::free);
  if (!real) return {};  // absent or unreachable: judged elsewhere
  const std::string path(real.get());
  std::size_t end = 0;
  while (true) {
    end = path.find('/', end + 1);
    const std::string component =
        end == std::string::npos ? path : path.substr(0, end);
    const std::string shown = component.empty() ? "/" : component;
    struct stat st {};
    if (::stat(shown.c_str(), &st) != 0) return {};
    if (auto why = check_one(shown, st, end == std::string::npos);
        !why.empty()) {
      return why;
    }
    if (end == std::string::npos) break;
  }
  return {};
#endif
}

}  // namespace tensorplug::detail
