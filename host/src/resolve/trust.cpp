#include "resolve/trust.hpp"

#include <fmt/format.h>

#if !defined(_WIN32)
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace tensorplug::detail {
namespace {

std::string check_one(const std::filesystem::path& path) {
#if defined(_WIN32)
  (void)path;
  return {};
#else
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};  // absent: judged elsewhere
  const bool others_write = (st.st_mode & S_IWOTH) != 0;
  // A sticky world-writable directory (like /tmp) lets others add files
  // but not replace ours: acceptable only for directories.
  const bool sticky_dir = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX);
  if (others_write && !sticky_dir) {
    return fmt::format(
        "{} is writable by other users (mode {:04o}), so anyone could "
        "replace the backend; fix its permissions (chmod o-w) or let the "
        "application opt out (allow_insecure_permissions)",
        path.string(), st.st_mode & 07777);
  }
  if (st.st_uid != 0 && st.st_uid != ::geteuid()) {
    if (S_ISREG(st.st_mode) && (st.st_mode & S_IWGRP)) {
      return fmt::format(
          "{} is owned by another user (uid {}) and group-writable (mode "
          "{:04o})",
          path.string(), st.st_uid, st.st_mode & 07777);
    }
  }
  return {};
#endif
}

}  // namespace

std::string check_not_writable_by_others(const std::filesystem::path& root,
                                         const std::filesystem::path& file) {
  std::filesystem::path current = root;
  if (auto why = check_one(current); !why.empty()) return why;
  const auto relative = file.lexically_relative(root);
  for (const auto& part : relative) {
    current /= part;
    if (auto why = check_one(current); !why.empty()) return why;
  }
  return {};
}

}  // namespace tensorplug::detail
