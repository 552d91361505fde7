// Atomic report files (see files.hpp).
#include "runner/files.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace tensorplug::conformance::runner {

void write_file_atomically(const std::filesystem::path& file,
                           std::string_view text) {
  const std::filesystem::path dir =
      file.has_parent_path() ? file.parent_path() : ".";
  std::string tmpl =
      (dir / fmt::format(".{}.XXXXXX", file.filename().string())).string();
  const int fd = mkstemp(tmpl.data());
  if (fd < 0) {
    throw std::runtime_error(fmt::format("cannot write {}: {}", file.string(),
                                         std::strerror(errno)));
  }
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      std::remove(tmpl.c_str());
      throw std::runtime_error(fmt::format("cannot write {}: {}", file.string(),
                                           std::strerror(err)));
    }
    done += static_cast<std::size_t>(n);
  }
  // mkstemp creates 0600; a report is an ordinary file (0666 less umask).
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  ::close(fd);
  if (std::rename(tmpl.c_str(), file.c_str()) != 0) {
    const int err = errno;
    std::remove(tmpl.c_str());
    throw std::runtime_error(
        fmt::format("cannot write {}: {}", file.string(), std::strerror(err)));
  }
}

}  // namespace tensorplug::conformance::runner
