// --sanitizer-runtime (see sanitizer_runtime.hpp).
#include "runner/sanitizer_runtime.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace tensorplug::conformance::runner {
namespace {

/// The standard output of `ldd <library>` (ldd from the PATH), or throws.
std::string ldd_output(const std::string& library) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) {
    throw std::runtime_error(
        fmt::format("cannot run ldd: pipe: {}", std::strerror(errno)));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    throw std::runtime_error(
        fmt::format("cannot run ldd: fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    ::execlp("ldd", "ldd", library.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::string out;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) {
      out.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
    throw std::runtime_error(
        "cannot run ldd (it lists the libraries the backend needs; it is "
        "part of the C library's tools, e.g. Debian's libc-bin)");
  }
  return out;
}

/// The resolved path of the ASan runtime in ldd's listing
/// ("\tlibasan.so.8 => /lib/x86_64-linux-gnu/libasan.so.8 (0x...)"), or "".
std::string asan_runtime_in(const std::string& listing) {
  std::istringstream in(listing);
  for (std::string line; std::getline(in, line);) {
    const bool asan = line.find("libasan.so") != std::string::npos ||
                      line.find("libclang_rt.asan") != std::string::npos;
    const std::size_t arrow = line.find("=> ");
    if (!asan || arrow == std::string::npos) continue;
    std::string path = line.substr(arrow + 3);
    path = path.substr(0, path.find(" ("));
    if (!path.empty() && path.front() == '/') return path;
  }
  return {};
}

}  // namespace

std::string find_sanitizer_runtime(const std::string& value,
                                   const std::string& library) {
  if (value.find('/') != std::string::npos) {
    if (!std::filesystem::is_regular_file(value)) {
      throw std::runtime_error(fmt::format(
          "--sanitizer-runtime {}: no such file (give `asan` or the path of "
          "the runtime library, e.g. $(gcc -print-file-name=libasan.so))",
          value));
    }
    return value;
  }
  if (value != "asan") {
    throw std::runtime_error(fmt::format(
        "--sanitizer-runtime {}: unknown runtime (give `asan` or the path of "
        "the runtime library to preload)",
        value));
  }
  const std::string runtime = asan_runtime_in(ldd_output(library));
  if (runtime.empty()) {
    throw std::runtime_error(fmt::format(
        "--sanitizer-runtime asan: {} does not need an AddressSanitizer "
        "runtime (`ldd` lists no libasan.so or libclang_rt.asan); give the "
        "runtime's path instead, e.g. --sanitizer-runtime $(gcc "
        "-print-file-name=libasan.so)",
        library));
  }
  return runtime;
}

void preload_in_children(const std::string& runtime) {
  const char* current = std::getenv("LD_PRELOAD");
  const std::string value = current != nullptr && *current != '\0'
                                ? fmt::format("{}:{}", runtime, current)
                                : runtime;
  ::setenv("LD_PRELOAD", value.c_str(), 1);
}

}  // namespace tensorplug::conformance::runner
