// Finding the configuration directory.
#include "config/directory.hpp"

#include <fmt/format.h>

#include <string>
#include <system_error>
#include <vector>

#include "config/private_dir.hpp"
#include "env.hpp"
#include "tensorplug/errors.hpp"

#if !defined(_WIN32)
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace tensorplug::detail {
namespace {

namespace fs = std::filesystem;

#if !defined(_WIN32)
/// The home directory in a passwd entry (by uid, or by name when non-empty).
std::optional<fs::path> passwd_home(const std::string& user) {
  long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
  struct passwd entry {};
  struct passwd* result = nullptr;
  const int rc = user.empty()
                     ? ::getpwuid_r(::geteuid(), &entry, buffer.data(),
                                    buffer.size(), &result)
                     : ::getpwnam_r(user.c_str(), &entry, buffer.data(),
                                    buffer.size(), &result);
  if (rc != 0 || result == nullptr || entry.pw_dir == nullptr ||
      entry.pw_dir[0] == '\0') {
    return std::nullopt;
  }
  return fs::path(entry.pw_dir);
}
#endif

/// Whether `path` exists in any form (a dangling symlink counts), or cannot
/// be inspected for another reason than absence.
bool present_or_unknown(const fs::path& path) {
  std::error_code error;
  const auto status = fs::symlink_status(path, error);
  if (error) {
    return error != std::errc::no_such_file_or_directory &&
           error != std::errc::not_a_directory;
  }
  return status.type() != fs::file_type::not_found;
}

fs::path make_absolute(const fs::path& path) {
  std::error_code error;
  fs::path absolute = fs::absolute(path, error);
  return error ? path : absolute;
}

}  // namespace

std::optional<fs::path> home_directory() {
#if defined(_WIN32)
  if (auto profile = get_env("USERPROFILE", EnvTrust::kNamesCodePath);
      profile && !profile->empty()) {
    return fs::path(*profile);
  }
  return std::nullopt;
#else
  if (auto home = get_env("HOME", EnvTrust::kNamesCodePath);
      home && !home->empty()) {
    return fs::path(*home);
  }
  return passwd_home("");
#endif
}

fs::path expand_tilde(std::string_view text) {
  if (text.empty() || text.front() != '~') return fs::path(text);
  const std::size_t slash = text.find_first_of("/\\");
  const std::string user(text.substr(
      1, slash == std::string_view::npos ? std::string_view::npos : slash - 1));
  std::optional<fs::path> home;
  if (user.empty()) {
    home = home_directory();
  } else {
#if !defined(_WIN32)
    home = passwd_home(user);
#endif
  }
  if (!home) return fs::path(text);
  if (slash == std::string_view::npos) return *home;
  const std::string_view rest = text.substr(slash + 1);
  return rest.empty() ? *home : *home / fs::path(rest);
}

bool is_writable(const fs::path& dir) {
#if defined(_WIN32)
  std::error_code error;
  return fs::is_directory(dir, error);
#else
  return ::faccessat(AT_FDCWD, dir.c_str(), W_OK | X_OK, AT_EACCESS) == 0;
#endif
}

DirChoice choose_default_dir(const std::optional<fs::path>& home,
                             const fs::path& fallback,
                             const WritableProbe& writable) {
  auto fall_back = [&](std::string reason) {
    return DirChoice{fallback,
                     Source{Source::Kind::kFallback, std::move(reason)}};
  };
  if (!home) {
    return fall_back(
        "no home directory is known (HOME is unset and there is no passwd "
        "entry)");
  }
  const fs::path keras_dir = *home / ".keras";
  const DirChoice usual{keras_dir, Source{}};
#if defined(_WIN32)
  (void)fallback;
  (void)writable;
  return usual;
#else
  if (present_or_unknown(keras_dir / "keras.json")) return usual;
  std::error_code error;
  const auto status = fs::status(keras_dir, error);
  if (fs::is_directory(status)) {
    if (writable(keras_dir)) return usual;
    return fall_back(fmt::format("{} has no keras.json and is not writable",
                                 keras_dir.string()));
  }
  if (present_or_unknown(keras_dir)) {
    return fall_back(fmt::format("{} is not a directory", keras_dir.string()));
  }
  if (writable(*home)) return usual;
  if (!fs::is_directory(*home, error)) {
    return fall_back(
        fmt::format("the home directory {} does not exist", home->string()));
  }
  return fall_back(
      fmt::format("the home directory {} is not writable", home->string()));
#endif
}

DirChoice resolve_config_dir(const ConfigOptions& options) {
  if (options.config_dir) {
    return DirChoice{
        make_absolute(*options.config_dir),
        Source{Source::Kind::kApplication, "ConfigOptions::config_dir"}};
  }
  if (options.use_environment) {
    const std::string name = options.env_prefix + "_HOME";
    if (auto value = get_env(name, EnvTrust::kNamesCodePath);
        value && !value->empty()) {
      return DirChoice{make_absolute(expand_tilde(*value)),
                       Source{Source::Kind::kEnvironment, name}};
    }
  }
  const std::optional<fs::path> home = home_directory();
#if defined(_WIN32)
  if (!home) {
    throw ConfigError(
        "Cannot find the configuration directory: USERPROFILE is not set; set "
        "KERAS_HOME or ConfigOptions::config_dir.");
  }
#endif
  DirChoice choice =
      choose_default_dir(home, fallback_candidate(), is_writable);
  if (choice.source.kind == Source::Kind::kFallback &&
      present_or_unknown(choice.dir)) {
    if (std::string problem = private_dir_problem(choice.dir);
        !problem.empty()) {
      choice.source.detail += "; refused: " + problem;
      choice.dir.clear();
    }
  }
  return choice;
}

}  // namespace tensorplug::detail
