// Reading keras.json: only regular files, with the OS reason on failure.
#include "config/file_reader.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "tensorplug/errors.hpp"

#if defined(_WIN32)
#include <fstream>
#include <sstream>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace tensorplug::detail {
namespace {

[[noreturn]] void cannot_read(const FileContext& context,
                              std::string_view why) {
  throw ConfigError(fmt::format("Cannot read {}: {}{}.", context.path.string(),
                                why, context.source_note()));
}

}  // namespace

FileState probe_config_file(const FileContext& context) {
  namespace fs = std::filesystem;
  std::error_code error;
  const auto link_status = fs::symlink_status(context.path, error);
  if (error) {
    if (error == std::errc::no_such_file_or_directory ||
        error == std::errc::not_a_directory) {
      return FileState::kMissing;
    }
    cannot_read(context, error.message());
  }
  if (link_status.type() == fs::file_type::not_found) {
    return FileState::kMissing;
  }
  if (fs::is_symlink(link_status)) {
    const auto target = fs::status(context.path, error);
    if (target.type() == fs::file_type::not_found) {
      return FileState::kDanglingSymlink;
    }
  }
  return FileState::kPresent;
}

#if !defined(_WIN32)

std::string read_config_file(const FileContext& context) {
  // O_NONBLOCK: a FIFO planted at the path must not hang us; it is refused
  // below as not a regular file.
  const int fd = ::open(context.path.c_str(),
                        O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    const int error = errno;
    cannot_read(context, std::generic_category().message(error));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};

  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    cannot_read(context, std::generic_category().message(error));
  }
  if (S_ISDIR(info.st_mode)) {
    cannot_read(context, "it is a directory, not a file");
  }
  if (!S_ISREG(info.st_mode)) {
    cannot_read(context, "it is not a regular file");
  }

  std::string content;
  char buffer[8192];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      const int error = errno;
      cannot_read(context, std::generic_category().message(error));
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
  }
  return content;
}

#else

std::string read_config_file(const FileContext& context) {
  std::error_code error;
  if (std::filesystem::is_directory(context.path, error)) {
    cannot_read(context, "it is a directory, not a file");
  }
  if (!std::filesystem::is_regular_file(context.path, error)) {
    cannot_read(context, "it is not a regular file");
  }
  std::ifstream in(context.path, std::ios::binary);
  if (!in) cannot_read(context, "it cannot be opened");
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

#endif

}  // namespace tensorplug::detail
