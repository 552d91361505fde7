#include "load/library.hpp"

#include <fmt/format.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "inspect/inspect_mapped.hpp"
#include "log_internal.hpp"
#include "tensorplug/errors.hpp"

namespace tensorplug::detail {
namespace {

/// The system loader's own text from Boost.DLL's message, whose trailing
/// error-code text ("Bad file descriptor") is noise from errno.
std::string loader_message(std::string_view what) {
  constexpr std::string_view kMarker = "dlerror system message: ";
  const auto start = what.find(kMarker);
  if (start == std::string_view::npos) return std::string(what);
  const auto text = what.substr(start + kMarker.size());
  const auto end = text.rfind("):");
  return std::string(end == std::string_view::npos ? text
                                                   : text.substr(0, end));
}

std::function<void(const std::filesystem::path&)>& before_load_hook() {
  static std::function<void(const std::filesystem::path&)> hook;
  return hook;
}

/// Appends what the child wrote to `text`, up to 4 KiB, waiting at most
/// `wait_ms` for it. False at end of file (the child exited or closed its
/// stderr) or once 4 KiB arrived (past it, the child's writes fail with
/// EPIPE; they never block it).
bool read_some(int err, std::string& text, int wait_ms) {
  pollfd p{err, POLLIN, 0};
  const int ready = ::poll(&p, 1, wait_ms);
  if (ready <= 0) return ready == 0 || errno == EINTR;
  char buffer[512];
  const ssize_t n = ::read(err, buffer, sizeof buffer);
  if (n < 0) return errno == EINTR;
  text.append(buffer, static_cast<std::size_t>(n));
  return n > 0 && text.size() < 4096;
}

/// Reads the child's stderr and reaps it, killing it at `deadline`: its
/// wait status, or nullopt when it was killed for taking too long. End of
/// file on the pipe is not the end of the child: a constructor may close its
/// stderr, or hand it to a process of its own, and go on. Once 4 KiB have
/// arrived the read end `err` is closed (and set to -1), so that the
/// child's further writes fail with EPIPE instead of blocking on a full
/// pipe that nobody reads.
std::optional<int> wait_for_child(
    pid_t pid, int& err, std::string& text,
    std::chrono::steady_clock::time_point deadline) {
  bool reading = true;
  auto stop_reading = [&] {
    reading = false;
    if (err >= 0) ::close(err);
    err = -1;
  };
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      while (reading && read_some(err, text, 0)) {
      }
      return status;
    }
    if (done < 0 && errno != EINTR)
      return 0;  // not ours to reap: nothing known
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return std::nullopt;
    }
    // Awake when the child writes or closes the pipe (exiting); without the
    // pipe, every millisecond.
    const auto wait_ms =
        static_cast<int>(std::min<long long>(left.count(), reading ? 1000 : 1));
    if (reading) {
      if (!read_some(err, text, wait_ms)) stop_reading();
    } else {
      ::usleep(static_cast<useconds_t>(wait_ms) * 1000);
    }
  }
}

/// Loads `fd_path` in a forked child, for at most `timeout`. Empty when the
/// child's dlopen returned (loaded or refused: the real load reports a
/// refusal); otherwise how the system loader died or that it did not
/// finish, with what it wrote to stderr.
std::string trial_load(const std::string& fd_path,
                       const std::filesystem::path& file,
                       std::chrono::milliseconds timeout) {
  int err[2];
  if (::pipe2(err, O_CLOEXEC) != 0) return {};
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(err[0]);
    ::close(err[1]);
    return {};  // no child: load as without the option
  }
  if (pid == 0) {
    // The default action for the signals a crash raises: a handler the
    // application installed (a crash reporter, a test framework) must not
    // run in the child; the parent learns of the signal from waitpid.
    for (const int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP}) {
      ::signal(sig, SIG_DFL);
    }
    sigset_t crash_signals;
    sigemptyset(&crash_signals);
    for (const int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP}) {
      sigaddset(&crash_signals, sig);
    }
    ::sigprocmask(SIG_UNBLOCK, &crash_signals, nullptr);
    // The read end is the parent's: kept open here, a child writing more
    // than the parent reads (4 KiB; LD_DEBUG, chatty constructors) would
    // block forever on a full pipe instead of getting EPIPE.
    // SIGPIPE ignored: past those 4 KiB a write fails (EPIPE), it does not
    // kill the trial.
    ::close(err[0]);
    ::signal(SIGPIPE, SIG_IGN);
    ::dup2(err[1], STDERR_FILENO);
    void* handle = ::dlopen(fd_path.c_str(), RTLD_NOW | RTLD_LOCAL);
    ::_exit(handle != nullptr ? 0 : 1);
  }
  ::close(err[1]);
  std::string text;
  int read_end = err[0];
  const std::optional<int> exited = wait_for_child(
      pid, read_end, text, std::chrono::steady_clock::now() + timeout);
  if (read_end >= 0) ::close(read_end);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  for (auto at = text.find(fd_path); at != std::string::npos;
       at = text.find(fd_path, at)) {
    text.replace(at, fd_path.size(), file.string());
    at += file.string().size();
  }
  const std::string said = text.empty() ? "" : fmt::format(": {}", text);
  if (!exited) {
    return fmt::format(
        "the system loader did not finish loading {} within {:g} s{}: the "
        "library's constructors or its dependencies hang (seen in a trial "
        "load in a child process, which was killed; nothing was loaded "
        "here; LoadOptions::trial_load_timeout sets the limit)",
        file.string(), std::chrono::duration<double>(timeout).count(), said);
  }
  const int status = *exited;
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* abbrev = sigabbrev_np(sig);
    return fmt::format(
        "the system loader crashed on {} (SIG{}){}: the library is corrupt "
        "or its constructors crash (seen in a trial load in a child "
        "process; nothing was loaded here)",
        file.string(), abbrev ? abbrev : std::to_string(sig).c_str(), said);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) > 1) {
    return fmt::format(
        "the system loader aborted on {} (exit status {}){}: the library is "
        "corrupt or its constructors exit (seen in a trial load in a child "
        "process; nothing was loaded here)",
        file.string(), WEXITSTATUS(status), said);
  }
  return {};
}

}  // namespace

void set_before_load_hook_for_testing(
    std::function<void(const std::filesystem::path&)> hook) {
  before_load_hook() = std::move(hook);
}

std::shared_ptr<const LoadedLibrary> LoadedLibrary::open(
    const std::filesystem::path& file, const std::string& name,
    const TrialLoad& trial) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  // One open of the file: validated through this descriptor, then loaded
  // from it, so no rename or replacement between check and load can swap
  // what is loaded.
  MappedFile mapped = MappedFile::open(file);
  LibraryReport report = inspect_mapped(file, mapped);
  if (!report.valid()) {
    const std::string message = report.problems();
    log().error("refusing backend `{}`: {}", name, message);
    throw InvalidBackendError(message);
  }
  const auto t1 = clock::now();

  std::shared_ptr<LoadedLibrary> lib(new LoadedLibrary());
  lib->report_ = std::move(report);
  if (before_load_hook()) before_load_hook()(file);
  const std::string what =
      fmt::format("backend `{}` from {}", name, file.string());
  if (trial.in_child) {
    const std::string fd_path = fresh_loader_name(mapped, what);
    if (std::string crash = trial_load(fd_path, file, trial.timeout);
        !crash.empty()) {
      log().debug("refusing backend `{}`: {}", name, crash);
      throw InvalidBackendError(crash);
    }
  }
  // rtld_now: a missing dependency or symbol fails here with the system's
  // message instead of crashing at the first call. rtld_local: a plugin's
  // symbols never satisfy another plugin's.
  constexpr auto kMode =
      boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local;
  auto& so = lib->library_;
  auto dlopen_by = [&](const std::string& fd_path, bool no_load) -> void* {
    try {
      so.load(fd_path, no_load
                           ? kMode | static_cast<boost::dll::load_mode::type>(
                                         RTLD_NOLOAD)
                           : kMode);
      return so.native();
    } catch (const std::exception& e) {
      if (no_load) return nullptr;
      std::string text = loader_message(e.what());
      for (auto at = text.find(fd_path); at != std::string::npos;
           at = text.find(fd_path, at)) {
        text.replace(at, fd_path.size(), file.string());
        at += file.string().size();
      }
      throw LoadError(fmt::format("Cannot load backend `{}` from {}: {}", name,
                                  file.string(), text));
    }
  };
  lib->ticket_ =
      load_through_descriptor(mapped, what, dlopen_by, [&] { so.unload(); });
  if (!mapped.unchanged()) {
    so.unload();
    loader_unloaded(lib->ticket_, mapped);
    lib->ticket_ = {};
    throw LoadError(fmt::format(
        "Cannot load backend `{}` from {}: the file changed while it was "
        "being validated and loaded; try again",
        name, file.string()));
  }
  // The descriptor stays open while the library is loaded: the loader knows
  // it by the name /proc/self/fd/N, which must not name another file while
  // it does.
  mapped.unmap();
  lib->file_ = std::move(mapped);
  const auto t2 = clock::now();

  // Look up only what the export table listed: one dlsym per entry present.
  EntryTable& t = lib->entries_;
  const auto& r = lib->report_;
  // Every entry this host knows is asked about: a set, not a scan of the
  // report's lists per entry.
  std::unordered_set<std::string_view> present(r.required_present.begin(),
                                               r.required_present.end());
  present.insert(r.optional_provided.begin(), r.optional_provided.end());
  auto listed = [&present](std::string_view keras_name) {
    return present.contains(keras_name);
  };
  auto find = [&](const char* symbol) -> void* {
    const std::string_view sv(symbol);
    if (sv != TP_ENTRY_NEGOTIATE_VERSION &&
        !listed(sv.substr(sizeof(TP_ENTRY_PREFIX) - 1))) {
      return nullptr;
    }
    try {
      return reinterpret_cast<void*>(&so.get<void()>(symbol));
    } catch (const std::exception&) {
      return nullptr;
    }
  };
  t.negotiate_version = reinterpret_cast<tp_negotiate_version_fn*>(
      find(TP_ENTRY_NEGOTIATE_VERSION));
#define TP_RESOLVE_(entry, type)                                   \
  t.entry = reinterpret_cast<type*>(find(TP_ENTRY_PREFIX #entry)); \
  if (t.entry)                                                     \
    lib->by_name_.emplace(#entry, reinterpret_cast<const void*>(t.entry));
  TP_REQUIRED_ENTRIES(TP_RESOLVE_)
  TP_OPTIONAL_ENTRIES(TP_RESOLVE_)
#undef TP_RESOLVE_
  if (!t.negotiate_version || !t.placeholder || !t.variable || !t.function) {
    // The export table said they were there; the loader disagrees.
    throw LoadError(fmt::format(
        "Backend `{}` ({}) was loaded but the loader cannot resolve every "
        "required entry its export table lists (rule TP_ABI_4)",
        name, file.string()));
  }
  log().debug("load `{}`: validate {:.1f} us, dlopen {:.1f} us", name,
              std::chrono::duration<double, std::micro>(t1 - t0).count(),
              std::chrono::duration<double, std::micro>(t2 - t1).count());
  return lib;
}

LoadedLibrary::~LoadedLibrary() { unload(); }

void LoadedLibrary::unload() noexcept {
  if (!library_.is_loaded()) return;
  library_.unload();
  loader_unloaded(ticket_, file_);
}

const void* LoadedLibrary::entry(std::string_view keras_name) const {
  const auto it = by_name_.find(std::string(keras_name));
  return it == by_name_.end() ? nullptr : it->second;
}

}  // namespace tensorplug::detail
