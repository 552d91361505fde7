// Child processes (see spawn.hpp).
#include "runner/spawn.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace tensorplug::conformance::runner {
namespace {

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string self_executable(const char* argv0) {
  std::error_code ec;
  const std::filesystem::path self =
      std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec && !self.empty()) return self.string();
  return argv0;
}

pid_t spawn_child(const std::string& exe, const std::vector<std::string>& args,
                  const std::filesystem::path& log) {
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls are allowed.
  std::vector<std::string> owned;
  owned.reserve(args.size() + 1);
  owned.push_back(exe);
  owned.insert(owned.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : owned) argv.push_back(s.data());
  argv.push_back(nullptr);
  const std::string log_path = log.string();
  const std::string exec_failed =
      fmt::format("tensorplug-conformance: cannot execute {}: ", exe);
  const pid_t parent = getpid();

  const pid_t pid = fork();
  if (pid < 0) {
    throw std::runtime_error(fmt::format(
        "cannot start a child process: fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    // Its own process group, so a time-out kills whatever it started too.
    setpgid(0, 0);
#if defined(__linux__)
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the runner already died
#endif
    // A clean signal state: the mask and ignored signals survive exec, and
    // a plugin under test must see the defaults an application has.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    const int out = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int in = open("/dev/null", O_RDONLY);
    if (out >= 0) {
      dup2(out, STDOUT_FILENO);
      dup2(out, STDERR_FILENO);
      if (out > STDERR_FILENO) close(out);
    }
    if (in >= 0) {
      dup2(in, STDIN_FILENO);
      if (in > STDERR_FILENO) close(in);
    }
    execv(exe.c_str(), argv.data());
    const int err = errno;
    write_all(STDERR_FILENO, exec_failed);
    write_all(STDERR_FILENO, strerror(err));  // not async-signal-safe, last
    write_all(STDERR_FILENO, "\n");
    _exit(127);
  }
  (void)parent;
  // Also here: a kill of the group right after fork must not miss it.
  setpgid(pid, pid);
  return pid;
}

ChildExit wait_child(pid_t pid, std::chrono::steady_clock::time_point deadline,
                     double timeout_seconds, const std::function<void()>& tick,
                     const std::function<bool()>& hung,
                     double case_timeout_seconds) {
  using namespace std::chrono_literals;
  ChildExit result;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done < 0 && errno == EINTR) continue;
    if (done == pid || done < 0) {
      if (done == pid && WIFSIGNALED(status)) {
        result.kind = ChildExit::Kind::kSignaled;
        result.signal = WTERMSIG(status);
      } else if (done == pid) {
        result.kind = ChildExit::Kind::kExited;
        result.status = WEXITSTATUS(status);
      } else {
        result.kind = ChildExit::Kind::kExited;
        result.status = 127;  // lost (ECHILD): treat as a failed child
      }
      // Whatever the child started dies with it.
      kill(-pid, SIGKILL);
      if (tick) tick();
      return result;
    }
    if (tick) tick();
    const bool group_over = std::chrono::steady_clock::now() >= deadline;
    if (group_over || (hung && hung())) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      if (tick) tick();
      result.kind =
          group_over ? ChildExit::Kind::kTimedOut : ChildExit::Kind::kHung;
      result.timeout_seconds =
          group_over ? timeout_seconds : case_timeout_seconds;
      return result;
    }
    std::this_thread::sleep_for(10ms);
  }
}

std::string read_file_end(const std::filesystem::path& file,
                          std::size_t max_bytes) {
  const int fd = open(file.c_str(), O_RDONLY);
  if (fd < 0) return {};
  const off_t size = lseek(fd, 0, SEEK_END);
  off_t start = 0;
  if (size > 0 && static_cast<std::uint64_t>(size) > max_bytes) {
    start = size - static_cast<off_t>(max_bytes);
  }
  std::string out;
  if (size > 0 && lseek(fd, start, SEEK_SET) == start) {
    out.resize(static_cast<std::size_t>(size - start));
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = read(fd, out.data() + done, out.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    out.resize(done);
  }
  close(fd);
  return out;
}

FileTail::~FileTail() {
  if (fd_ >= 0) close(fd_);
}

std::string FileTail::read_new() {
  if (fd_ < 0) {
    fd_ = open(file_.c_str(), O_RDONLY);
    if (fd_ < 0) return {};
  }
  std::string out;
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = read(fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace tensorplug::conformance::runner
