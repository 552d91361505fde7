// Child processes: the runner starts itself once per group (fork + exec of
// its own executable, so the parent never loads the plugin), with stdout and
// stderr going to a log file, and waits for it with a time limit.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "runner/crash.hpp"

namespace tensorplug::conformance::runner {

/// This program's executable: /proc/self/exe, else `argv0`.
std::string self_executable(const char* argv0);

/// Starts `exe` with `args` (after argv[0]) in its own process group, stdin
/// from /dev/null, stdout and stderr appended to `log`. The child is killed
/// if the runner dies. Throws std::runtime_error when fork fails; when exec
/// fails, the child writes why to `log` and exits with 127.
pid_t spawn_child(const std::string& exe, const std::vector<std::string>& args,
                  const std::filesystem::path& log);

/// Waits for `pid`, calling `tick` every few milliseconds (to read events as
/// they come) and once more after it ended. Past `deadline` the child's
/// process group is killed with SIGKILL and the result is kTimedOut with
/// `timeout_seconds`; when `hung` (asked after each tick) says the running
/// case exceeded its limit, the same, with kHung and `case_timeout_seconds`.
ChildExit wait_child(pid_t pid, std::chrono::steady_clock::time_point deadline,
                     double timeout_seconds, const std::function<void()>& tick,
                     const std::function<bool()>& hung = {},
                     double case_timeout_seconds = 0);

/// Up to the last `max_bytes` of a file ("" when it cannot be read).
std::string read_file_end(const std::filesystem::path& file,
                          std::size_t max_bytes = 64 * 1024);

/// Reads a file that another process appends to, from where it left off.
class FileTail {
 public:
  explicit FileTail(std::filesystem::path file) : file_(std::move(file)) {}
  FileTail(const FileTail&) = delete;
  FileTail& operator=(const FileTail&) = delete;
  ~FileTail();
  /// The bytes appended since the last call ("" while it does not exist).
  std::string read_new();

 private:
  std::filesystem::path file_;
  int fd_ = -1;
};

}  // namespace tensorplug::conformance::runner
