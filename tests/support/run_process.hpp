// Runs a program as a child process with an explicit argv, environment and
// working directory, and captures its stdout, stderr and exit status (or the
// signal that ended it). Header-only; POSIX (tests run on Linux).
//
//   auto env = tensorplug::test::minimal_environment();  // PATH only
//   env["HOME"] = home.path();
//   auto r = tensorplug::test::run_process(
//       {TENSORPLUG_CLI_PATH, "info", "--json"}, env, work_dir);
//   CHECK(r.exit_code == 0);
//
// The child never inherits the parent's environment: it gets exactly `env`.
// Both pipes are drained together with poll(), so a child that writes a lot
// to one stream while the parent reads the other cannot deadlock. A child
// still running after the timeout is killed (SIGKILL) and reported as such.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace tensorplug::test {

/// What a finished child left behind.
struct ProcessResult {
  /// The exit status when the child exited normally, else -1.
  int exit_code = -1;
  /// The signal that ended the child, else 0.
  int term_signal = 0;
  /// True when the child was killed because it outlived the timeout.
  bool timed_out = false;
  std::string out;
  std::string err;

  bool exited() const { return term_signal == 0 && exit_code >= 0; }
  /// A one-line summary plus both streams, for failure messages.
  std::string describe() const {
    std::ostringstream s;
    if (timed_out) s << "timed out; ";
    if (term_signal != 0) {
      s << "killed by signal " << term_signal;
    } else {
      s << "exit " << exit_code;
    }
    s << "\n--- stdout ---\n" << out << "\n--- stderr ---\n" << err;
    return s.str();
  }
};

using Environment = std::map<std::string, std::string>;

/// An environment holding only the parent's PATH (when set), so that
/// nothing else leaks into the child (no KERAS_*, TENSORPLUG_*, HOME, ...).
inline Environment minimal_environment() {
  Environment env;
  if (const char* path = std::getenv("PATH")) env["PATH"] = path;
  return env;
}

namespace detail {

/// Closes a descriptor once.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

inline void make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
  read_end.fd = fds[0];
  write_end.fd = fds[1];
}

/// Writes all of `size` bytes, retrying on EINTR; async-signal-safe.
inline void write_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace detail

/// Runs `argv[0]` (a path; PATH is not searched) with `argv`, exactly the
/// environment `env`, in `cwd` (the parent's directory when empty), with
/// stdin from /dev/null. Waits for it to end, at most `timeout`.
/// Throws std::system_error when the child cannot be started (including
/// when the program cannot be executed).
inline ProcessResult run_process(
    const std::vector<std::string>& argv, const Environment& env,
    const std::filesystem::path& cwd = {},
    std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  if (argv.empty()) throw std::invalid_argument("run_process: empty argv");

  // Everything the child needs is prepared before fork(): after it, only
  // async-signal-safe calls are made.
  std::vector<std::string> env_strings;
  env_strings.reserve(env.size());
  for (const auto& [name, value] : env)
    env_strings.push_back(name + "=" + value);
  std::vector<char*> c_argv;
  for (const auto& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  for (auto& e : env_strings) c_env.push_back(e.data());
  c_env.push_back(nullptr);
  const std::string cwd_string = cwd.string();

  detail::Fd out_read, out_write, err_read, err_write, exec_read, exec_write;
  detail::make_pipe(out_read, out_write);
  detail::make_pipe(err_read, err_write);
  // Reports a failed chdir/exec (as errno) to the parent; closed by exec.
  detail::make_pipe(exec_read, exec_write);
  const int dev_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (dev_null < 0) {
    throw std::system_error(errno, std::generic_category(), "open /dev/null");
  }
  detail::Fd null_fd(dev_null);

  const pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) {
    // Child. dup2 clears FD_CLOEXEC on the new descriptors.
    int error = 0;
    if (::dup2(null_fd.fd, STDIN_FILENO) < 0 ||
        ::dup2(out_write.fd, STDOUT_FILENO) < 0 ||
        ::dup2(err_write.fd, STDERR_FILENO) < 0) {
      error = errno;
    } else if (!cwd_string.empty() && ::chdir(cwd_string.c_str()) != 0) {
      error = errno;
    } else {
      // Restore default signal dispositions a test runner may have changed.
      ::signal(SIGPIPE, SIG_DFL);
      ::execve(c_argv[0], c_argv.data(), c_env.data());
      error = errno;
    }
    detail::write_all(exec_write.fd, &error, sizeof error);
    ::_exit(127);
  }

  // Parent.
  out_write.reset();
  err_write.reset();
  exec_write.reset();
  null_fd.reset();

  int exec_errno = 0;
  {
    ssize_t n;
    do {
      n = ::read(exec_read.fd, &exec_errno, sizeof exec_errno);
    } while (n < 0 && errno == EINTR);
    if (n != static_cast<ssize_t>(sizeof exec_errno)) exec_errno = 0;
  }

  ProcessResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool killed = false;
  pollfd fds[2] = {{out_read.fd, POLLIN, 0}, {err_read.fd, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_count = 2;
  char buffer[65536];
  while (open_count > 0) {
    int wait_ms = -1;
    if (!killed) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      wait_ms = left.count() > 0 ? static_cast<int>(left.count()) : 0;
    }
    const int ready = ::poll(fds, 2, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      ::kill(pid, SIGKILL);
      killed = true;
      break;
    }
    if (ready == 0) {
      // Timed out: kill it, then keep draining until the pipes close.
      ::kill(pid, SIGKILL);
      killed = true;
      result.timed_out = true;
      continue;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        fds[i].fd = -1;  // closed (the Fd objects close the descriptors)
        --open_count;
      }
    }
  }

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      throw std::system_error(errno, std::generic_category(), "waitpid");
    }
  }
  if (exec_errno != 0) {
    throw std::system_error(
        exec_errno, std::generic_category(),
        "cannot run " + argv[0] +
            (cwd_string.empty() ? std::string() : " in " + cwd_string));
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace tensorplug::test
