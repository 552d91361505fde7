// write_new_file_atomically: temp file + fsync + link/renameat2(NOREPLACE).
#include "config/atomic_write.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <random>

#if defined(_WIN32)
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__)
#include <stdio.h>  // renameat2, RENAME_NOREPLACE (glibc >= 2.28)
#endif
#endif

namespace tensorplug::detail {
namespace {

std::function<void(const std::filesystem::path&)>& before_link_hook() {
  static std::function<void(const std::filesystem::path&)> hook;
  return hook;
}

}  // namespace

std::error_code last_error() { return {errno, std::generic_category()}; }

WriteOutcome failed(std::error_code error, std::string what) {
  return WriteOutcome{WriteOutcome::Kind::kFailed, error,
                      fmt::format("{}: {}", what, error.message())};
}

/// A name no other process picks: pid, a counter and random bits.
std::string temporary_name(const std::filesystem::path& target,
                           std::string_view tag) {
  static std::atomic<unsigned> counter{0};
  thread_local std::mt19937_64 random(
      std::random_device{}() ^
      static_cast<std::uint64_t>(
          std::chrono::steady_clock::now().time_since_epoch().count()));
#if defined(_WIN32)
  const unsigned long pid = GetCurrentProcessId();
#else
  const long pid = static_cast<long>(getpid());
#endif
  return fmt::format(".{}.{}-{}-{}-{:016x}", target.filename().string(), tag,
                     pid, counter++, random());
}

void set_before_link_hook_for_testing(
    std::function<void(const std::filesystem::path&)> hook) {
  before_link_hook() = std::move(hook);
}

#if !defined(_WIN32)

std::error_code create_directories_private(const std::filesystem::path& dir) {
  std::filesystem::path partial;
  for (const auto& part : dir) {
    partial /= part;
    if (partial == partial.root_path()) continue;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return last_error();
    }
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) return last_error();
  if (!S_ISDIR(info.st_mode))
    return std::make_error_code(std::errc::not_a_directory);
  return {};
}

/// Writes all of `content` to `fd`, retrying on EINTR and short writes.
std::error_code write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

std::optional<WriteOutcome> finish_temporary(
    int fd, const std::filesystem::path& temporary, std::string_view content) {
  std::error_code error = write_all(fd, content);
  std::string step = "cannot write";
  if (!error && ::fsync(fd) != 0) {
    error = last_error();
    step = "cannot sync";
  }
  if (::close(fd) != 0 && !error) {
    error = last_error();
    step = "cannot close";
  }
  if (!error) return std::nullopt;
  ::unlink(temporary.c_str());
  return failed(error, fmt::format("{} {}", step, temporary.string()));
}

namespace {

/// Links `temporary` to `target` without replacing; 0 or an errno value.
int link_no_replace(const std::filesystem::path& temporary,
                    const std::filesystem::path& target) {
  if (::link(temporary.c_str(), target.c_str()) == 0) return 0;
  const int link_error = errno;
  // File systems without hard links (vfat, some FUSE): rename, but only with
  // RENAME_NOREPLACE. Never a plain rename(), which replaces.
  if (link_error != EPERM && link_error != ENOTSUP &&
      link_error != EOPNOTSUPP && link_error != EMLINK) {
    return link_error;
  }
#if defined(__linux__) && defined(RENAME_NOREPLACE)
  if (::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, target.c_str(),
                  RENAME_NOREPLACE) == 0) {
    return 0;
  }
  return errno;
#else
  return link_error;
#endif
}

void sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);  // best effort: the file itself is already synced
  ::close(fd);
}

}  // namespace

WriteOutcome write_new_file_atomically(const std::filesystem::path& path,
                                       std::string_view content) {
  const std::filesystem::path dir =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::filesystem::path temporary;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    temporary = dir / temporary_name(path, "tmp");
    fd = ::open(temporary.c_str(),
                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    const std::error_code error = last_error();
    return failed(error, fmt::format("cannot create a temporary file in {}",
                                     dir.string()));
  }

  if (auto failure = finish_temporary(fd, temporary, content)) {
    return *failure;
  }

  if (auto& hook = before_link_hook()) hook(temporary);

  const int link_error = link_no_replace(temporary, path);
  ::unlink(temporary.c_str());  // ENOENT after a rename: nothing to remove
  if (link_error == EEXIST) {
    return WriteOutcome{WriteOutcome::Kind::kExists,
                        {EEXIST, std::generic_category()},
                        fmt::format("{} already exists", path.string())};
  }
  if (link_error != 0) {
    return failed({link_error, std::generic_category()},
                  fmt::format("cannot create {}", path.string()));
  }
  sync_directory(dir);
  return WriteOutcome{WriteOutcome::Kind::kWritten, {}, {}};
}

#else  // _WIN32

std::error_code create_directories_private(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  return error;
}

WriteOutcome write_new_file_atomically(const std::filesystem::path& path,
                                       std::string_view content) {
  const std::filesystem::path temporary =
      path.parent_path() / temporary_name(path, "tmp");
  HANDLE file = CreateFileW(temporary.c_str(), GENERIC_WRITE, 0, nullptr,
                            CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) {
    return failed({static_cast<int>(GetLastError()), std::system_category()},
                  fmt::format("cannot create {}", temporary.string()));
  }
  DWORD written = 0;
  const BOOL ok =
      WriteFile(file, content.data(), static_cast<DWORD>(content.size()),
                &written, nullptr) &&
      written == content.size() && FlushFileBuffers(file);
  const DWORD write_error = ok ? 0 : GetLastError();
  CloseHandle(file);
  if (!ok) {
    DeleteFileW(temporary.c_str());
    return failed({static_cast<int>(write_error), std::system_category()},
                  fmt::format("cannot write {}", temporary.string()));
  }
  if (auto& hook = before_link_hook()) hook(temporary);
  // Without MOVEFILE_REPLACE_EXISTING the move fails when the target exists.
  if (!MoveFileExW(temporary.c_str(), path.c_str(), MOVEFILE_WRITE_THROUGH)) {
    const DWORD move_error = GetLastError();
    DeleteFileW(temporary.c_str());
    if (move_error == ERROR_ALREADY_EXISTS || move_error == ERROR_FILE_EXISTS) {
      return WriteOutcome{
          WriteOutcome::Kind::kExists,
          {static_cast<int>(move_error), std::system_category()},
          fmt::format("{} already exists", path.string())};
    }
    return failed({static_cast<int>(move_error), std::system_category()},
                  fmt::format("cannot create {}", path.string()));
  }
  return WriteOutcome{WriteOutcome::Kind::kWritten, {}, {}};
}

#endif

}  // namespace tensorplug::detail
