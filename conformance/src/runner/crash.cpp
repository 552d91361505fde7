// Describing how a child ended (see crash.hpp).
#include "runner/crash.hpp"

#include <fmt/format.h>

#include <array>
#include <csignal>
#include <cstring>
#include <utility>

#include "runner/sanitizer_runtime.hpp"

namespace tensorplug::conformance::runner {
namespace {

// strsignal() gives only the description; the names are what people search
// for ("SIGSEGV"), so they come from this table.
constexpr std::array<std::pair<int, std::string_view>, 22> kSignalNames = {{
    {SIGSEGV, "SIGSEGV"}, {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},
    {SIGFPE, "SIGFPE"},   {SIGILL, "SIGILL"},   {SIGKILL, "SIGKILL"},
    {SIGTERM, "SIGTERM"}, {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"},
    {SIGHUP, "SIGHUP"},   {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"},
    {SIGTRAP, "SIGTRAP"}, {SIGSYS, "SIGSYS"},   {SIGUSR1, "SIGUSR1"},
    {SIGUSR2, "SIGUSR2"}, {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"},
    {SIGCHLD, "SIGCHLD"}, {SIGCONT, "SIGCONT"}, {SIGSTOP, "SIGSTOP"},
    {SIGTSTP, "SIGTSTP"},
}};

// What AddressSanitizer prints when it catches a deadly signal itself
// ("ERROR: AddressSanitizer: SEGV on unknown address ...").
constexpr std::array<std::pair<std::string_view, int>, 5> kSanitizerSignals = {
    {{"AddressSanitizer: SEGV", SIGSEGV},
     {"AddressSanitizer: BUS", SIGBUS},
     {"AddressSanitizer: FPE", SIGFPE},
     {"AddressSanitizer: ILL", SIGILL},
     {"AddressSanitizer: ABRT", SIGABRT}}};

// The first "ERROR: <Sanitizer>: <kind>" line's "<Sanitizer>: <kind>" part.
std::string sanitizer_error(std::string_view log) {
  const std::size_t at = log.find("ERROR: ");
  for (std::size_t pos = at; pos != std::string_view::npos;
       pos = log.find("ERROR: ", pos + 1)) {
    std::string_view rest = log.substr(pos + 7);
    if (!rest.starts_with("AddressSanitizer:") &&
        !rest.starts_with("LeakSanitizer:") &&
        !rest.starts_with("UndefinedBehaviorSanitizer:") &&
        !rest.starts_with("ThreadSanitizer:")) {
      continue;
    }
    rest = rest.substr(0, rest.find('\n'));
    // Keep "AddressSanitizer: heap-buffer-overflow", drop " on address ...".
    return std::string(rest.substr(0, rest.find(" on ")));
  }
  return {};
}

}  // namespace

std::string signal_name(int signal) {
  for (const auto& [number, name] : kSignalNames) {
    if (number == signal) return std::string(name);
  }
  return fmt::format("signal {}", signal);
}

std::string signal_display(int signal) {
  const char* description = strsignal(signal);
  if (description == nullptr || *description == '\0') {
    return signal_name(signal);
  }
  return fmt::format("{} ({})", signal_name(signal), description);
}

std::string log_tail(std::string_view log, int lines) {
  std::string kept;
  std::size_t begin = 0;
  while (begin < log.size()) {
    std::size_t nl = log.find('\n', begin);
    if (nl == std::string_view::npos) nl = log.size();
    const std::string_view line = log.substr(begin, nl - begin);
    begin = nl + 1;
    // Catch2's banners and rules say nothing about the crash; dropping them
    // leaves room for the plugin's own messages.
    const bool rule = line.find_first_not_of("~-.= \r") == std::string::npos;
    if (rule || line.find("is a Catch v") != std::string_view::npos ||
        line.starts_with("Run with -? for options")) {
      continue;
    }
    kept.append(line);
    kept += '\n';
  }
  return last_lines(kept, lines);
}

std::string last_lines(std::string_view text, int lines) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  std::size_t start = text.size();
  for (int n = 1; start > 0 && n <= lines; ++n) {
    const std::size_t nl = text.rfind('\n', start - 1);
    if (nl == std::string_view::npos) {
      start = 0;
    } else {
      start = n == lines ? nl + 1 : nl;
    }
    if (n == lines || start == 0) break;
  }
  return std::string(text.substr(start));
}

CrashInfo describe_exit(const ChildExit& exit, std::string_view log,
                        int tail_lines) {
  CrashInfo info;
  info.log_tail = log_tail(log, tail_lines);
  switch (exit.kind) {
    case ChildExit::Kind::kTimedOut:
      info.kind = "timeout";
      info.description =
          fmt::format("timed out after {:g} s", exit.timeout_seconds);
      return info;
    case ChildExit::Kind::kHung:
      info.kind = "hang";
      info.description = fmt::format(
          "hung: no result after {:g} s (--case-timeout); the runner killed "
          "it",
          exit.timeout_seconds);
      return info;
    case ChildExit::Kind::kSignaled:
      info.signal = signal_name(exit.signal);
      info.description =
          fmt::format("killed by signal {}", signal_display(exit.signal));
      return info;
    case ChildExit::Kind::kExited:
      break;
  }
  for (const auto& [marker, signal] : kSanitizerSignals) {
    if (log.find(marker) != std::string_view::npos) {
      info.signal = signal_name(signal);
      info.description = fmt::format(
          "killed by signal {} (caught by AddressSanitizer, exit status {})",
          signal_display(signal), exit.status);
      return info;
    }
  }
  const std::string sanitizer = sanitizer_error(log);
  info.description =
      sanitizer.empty()
          ? fmt::format("exited with status {}", exit.status)
          : fmt::format("exited with status {} ({})", exit.status, sanitizer);
  if (log.find(kAsanOrderMessage) != std::string_view::npos) {
    info.description += fmt::format(": {}", kAsanOrderHint);
  }
  return info;
}

}  // namespace tensorplug::conformance::runner
