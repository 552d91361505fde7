// set_config_value(), unset_config_value(), read_keras_json(): keras.json
// edited with the loading rules, written atomically, order and unknown keys
// kept.
#include "config/edit.hpp"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <optional>
#include <random>
#include <utility>

#include "config/atomic_write.hpp"
#include "config/default_file.hpp"
#include "config/file_reader.hpp"
#include "config/file_settings.hpp"
#include "config/json_document.hpp"
#include "config/private_dir.hpp"
#include "config/suggest.hpp"
#include "config/values.hpp"
#include "tensorplug/config_file.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/resolve.hpp"

#if !defined(_WIN32)
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace tensorplug {
namespace detail {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::function<void(const std::filesystem::path&)>& before_rename_hook() {
  static std::function<void(const std::filesystem::path&)> hook;
  return hook;
}

std::string raw_text(const JsonMember& member) {
  return member.value.is_number() ? member.raw_value
                                  : boost::json::serialize(member.value);
}

}  // namespace

void set_before_rename_hook_for_testing(
    std::function<void(const std::filesystem::path&)> hook) {
  before_rename_hook() = std::move(hook);
}

std::string render_members(const std::vector<RawMember>& members, bool bom) {
  std::string out = bom ? std::string(kBom) : std::string();
  if (members.empty()) return out + "{}\n";
  out += "{\n";
  for (std::size_t i = 0; i < members.size(); ++i) {
    out += fmt::format("    {}: {}{}\n", json_quote(members[i].first),
                       members[i].second, i + 1 < members.size() ? "," : "");
  }
  out += "}\n";
  return out;
}

std::string validated_json_value(std::string_view key, std::string_view value,
                                 const std::filesystem::path& file) {
  const ValueOrigin origin{fmt::format("for {}", file.string()), ""};
  if (key == kKeyFloatx) {
    return json_quote(to_string(parse_floatx(value, origin)));
  }
  if (key == kKeyImageDataFormat) {
    return json_quote(to_string(parse_image_data_format(value, origin)));
  }
  if (key == kKeyBackend) {
    const std::string name = check_backend(value, origin);
    if (const std::string why = check_backend_name(name); !why.empty()) {
      throw_invalid_value(kKeyBackend, origin,
                          "a backend name (identifiers joined by dots)",
                          fmt::format("{} ({})", json_quote(name), why));
    }
    return json_quote(name);
  }
  if (key == kKeyEpsilon) {
    boost::system::error_code ec;
    const std::string text(trim(value));
    const boost::json::value parsed =
        boost::json::parse(text, ec, {}, keras_json_parse_options());
    if (ec || !parsed.is_number()) {
      throw_invalid_value(kKeyEpsilon, origin, kExpectEpsilon,
                          fmt::format("{} (not a number)", json_quote(value)));
    }
    return format_number(
        check_epsilon(parsed.to_number<double>(), text, origin));
  }
  const auto& keys = settable_config_keys();
  const std::vector<std::string_view> choices(keys.begin(), keys.end());
  std::string hint;
  if (key == kKeyImageDimOrdering) {
    hint = "; `image_dim_ordering` is Keras 1's name: set image_data_format";
  } else if (auto near = suggest_key(key, choices)) {
    hint = fmt::format("; did you mean `{}`?", *near);
  }
  throw ConfigError(fmt::format(
      "Cannot set unknown key `{}` in {}: tensorplug sets floatx, epsilon, "
      "backend and image_data_format{} (unknown keys already in the file are "
      "kept; `config unset` removes them).",
      key, file.string(), hint));
}

#if !defined(_WIN32)

namespace {

/// The file's current bytes, or nullopt when it cannot be read.
std::optional<std::string> current_content(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  std::string content;
  char buffer[8192];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return content;
}

}  // namespace

WriteOutcome replace_file_atomically(const std::filesystem::path& path,
                                     std::string_view content,
                                     std::string_view expected) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    return failed(last_error(),
                  fmt::format("cannot inspect {}", path.string()));
  }
  if (S_ISLNK(info.st_mode)) {
    return WriteOutcome{
        WriteOutcome::Kind::kFailed,
        std::make_error_code(std::errc::operation_not_permitted),
        fmt::format("{} is a symbolic link; tensorplug does not write through "
                    "links (edit the file it points to, or replace the link "
                    "with a file)",
                    path.string())};
  }
  if (!S_ISREG(info.st_mode)) {
    return WriteOutcome{WriteOutcome::Kind::kFailed,
                        std::make_error_code(std::errc::invalid_argument),
                        fmt::format("{} is not a regular file", path.string())};
  }
  const std::filesystem::path dir =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::filesystem::path temporary;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    temporary = dir / temporary_name(path, "edit");
    fd = ::open(temporary.c_str(),
                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    return failed(last_error(), fmt::format("cannot create a temporary file "
                                            "in {}",
                                            dir.string()));
  }
  if (::fchmod(fd, info.st_mode & 07777) != 0) {
    const std::error_code error = last_error();
    ::close(fd);
    ::unlink(temporary.c_str());
    return failed(error, fmt::format("cannot set the permissions of {}",
                                     temporary.string()));
  }
  if (auto failure = finish_temporary(fd, temporary, content)) {
    return *failure;
  }
  if (auto& hook = before_rename_hook()) hook(temporary);
  // Another writer since we read it: do not lose its change.
  const auto now = current_content(path);
  if (!now || *now != expected) {
    ::unlink(temporary.c_str());
    return WriteOutcome{
        WriteOutcome::Kind::kFailed,
        std::make_error_code(std::errc::resource_unavailable_try_again),
        fmt::format("{} changed while it was being edited; nothing was "
                    "written: run the command again",
                    path.string())};
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::error_code rename_error = last_error();
    ::unlink(temporary.c_str());
    return failed(rename_error,
                  fmt::format("cannot replace {}", path.string()));
  }
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    (void)::fsync(dir_fd);
    ::close(dir_fd);
  }
  return WriteOutcome{WriteOutcome::Kind::kWritten, {}, {}};
}

#else

WriteOutcome replace_file_atomically(const std::filesystem::path& path,
                                     std::string_view, std::string_view) {
  return WriteOutcome{WriteOutcome::Kind::kFailed,
                      std::make_error_code(std::errc::not_supported),
                      fmt::format("editing {} is not supported on this "
                                  "platform yet",
                                  path.string())};
}

#endif

namespace {

struct Located {
  std::filesystem::path dir;
  std::filesystem::path file;
  Source source;
};

Located locate(const ConfigOptions& options) {
  Located where;
  where.dir = config_dir(options, &where.source);
  if (where.dir.empty()) {
    throw ConfigError(fmt::format(
        "No configuration directory is usable ({}); there is no keras.json "
        "to edit. Set KERAS_HOME to a directory of your own.",
        where.source.describe()));
  }
  where.file = where.dir / "keras.json";
  return where;
}

/// Members for an edit: values kept exactly as written (`as_written`), or
/// compact for display.
std::vector<RawMember> raw_members(const std::vector<JsonMember>& members,
                                   bool as_written = true) {
  std::vector<RawMember> out;
  for (const auto& m : members) {
    out.emplace_back(m.key, as_written ? m.raw_value : raw_text(m));
  }
  return out;
}

std::string fail_write(const Located& where, const WriteOutcome& outcome) {
  return fmt::format("Cannot write {}: {}; the file is unchanged{}.",
                     where.file.string(), outcome.what,
                     FileContext{where.file, where.source}.source_note());
}

/// Checks that `content` loads: the same parse and rules as load_config().
void check_loads(const std::string& content, const Located& where) {
  const FileContext context{where.file, where.source};
  try {
    Settings settings = Settings::defaults("reference");
    const auto members = parse_keras_json(content, context);
    (void)apply_file_members(members, context, settings);
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format(
        "Not writing {}: the result would not load, the file is unchanged: "
        "{}",
        where.file.string(), e.what()));
  }
}

/// Serialises tensorplug's own writers of one configuration directory: an
/// exclusive flock(2) on the directory itself, held from reading keras.json
/// to renaming the new one into place, so that concurrent edits of different
/// keys all land. (No lock file is left beside keras.json; writers that do
/// not take the lock, Python Keras or an editor, are still detected by the
/// compare-before-rename in replace_file_atomically.) Acquiring can fail
/// (a directory that cannot be opened): then the edit goes on unlocked,
/// as before, and a concurrent writer is detected rather than waited for.
class DirectoryLock {
 public:
  DirectoryLock() = default;
  explicit DirectoryLock(const std::filesystem::path& dir) {
#if !defined(_WIN32)
    fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) return;
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        ::close(fd_);
        fd_ = -1;
        return;
      }
    }
#else
    (void)dir;
#endif
  }
  DirectoryLock(DirectoryLock&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)) {}
  DirectoryLock& operator=(DirectoryLock&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;
  bool held() const { return fd_ >= 0; }
  ~DirectoryLock() {
#if !defined(_WIN32)
    if (fd_ >= 0) ::close(fd_);  // releases the lock
#endif
  }

 private:
  int fd_ = -1;
};

/// The edit as a function of the members: returns the previous value.
using Edit = std::function<std::optional<std::string>(std::vector<RawMember>&)>;

ConfigChange apply_edit(std::string_view key, const Edit& edit,
                        const ConfigOptions& options, bool create_if_missing) {
  const Located where = locate(options);
  ConfigChange change;
  change.file = where.file;
  change.key = std::string(key);
  const FileContext context{where.file, where.source};

  for (int attempt = 0; attempt < 2; ++attempt) {
    DirectoryLock lock;
    {
      std::error_code ec;
      if (std::filesystem::is_directory(where.dir, ec)) {
        lock = DirectoryLock(where.dir);
      }
    }
    const FileState state = [&] {
      std::error_code ec;
      if (!std::filesystem::exists(where.dir, ec)) return FileState::kMissing;
      return probe_config_file(context);
    }();
    if (state == FileState::kDanglingSymlink) {
      throw ConfigError(fmt::format(
          "Cannot write {}: it is a symbolic link to a missing file; "
          "tensorplug does not write through links. The file is unchanged.",
          where.file.string()));
    }
    if (state == FileState::kMissing) {
      if (!create_if_missing) return change;  // nothing to remove
      if (where.source.kind == Source::Kind::kFallback) {
        if (auto problem = make_private_dir(where.dir); !problem.empty()) {
          throw ConfigError(
              fmt::format("Cannot use {}: {}", where.dir.string(), problem));
        }
      } else if (const std::error_code ec =
                     create_directories_private(where.dir)) {
        throw ConfigError(fmt::format("Cannot create the directory {}: {}",
                                      where.dir.string(), ec.message()));
      }
      // The directory exists now: lock it, unless already locked (a second
      // flock from another open file would wait for the first forever).
      if (!lock.held()) lock = DirectoryLock(where.dir);
      const std::string defaults = default_file_content(Settings::defaults(
          check_backend(options.default_backend,
                        ValueOrigin{"in ConfigOptions::default_backend", ""})));
      auto members = raw_members(parse_keras_json(defaults, context));
      change.previous = edit(members);
      for (const auto& [k, v] : members) {
        if (k == key) change.value = v;
      }
      const std::string content = render_members(members);
      check_loads(content, where);
      const WriteOutcome outcome =
          write_new_file_atomically(where.file, content);
      if (outcome.kind == WriteOutcome::Kind::kExists) continue;  // reread
      if (outcome.kind == WriteOutcome::Kind::kFailed) {
        throw ConfigError(fail_write(where, outcome));
      }
      change.created = true;
      change.written = true;
      return change;
    }
    // Refuse links and special files before reading anything.
#if !defined(_WIN32)
    struct stat info {};
    if (::lstat(where.file.c_str(), &info) == 0 && S_ISLNK(info.st_mode)) {
      throw ConfigError(fmt::format(
          "Cannot write {}: it is a symbolic link; tensorplug does not write "
          "through links (edit the file it points to, or replace the link "
          "with a file). The file is unchanged.",
          where.file.string()));
    }
#endif
    const std::string content = read_config_file(context);
    const auto parsed = parse_keras_json(content, context);
    auto members = raw_members(parsed);
    change.previous = edit(members);
    for (const auto& [k, v] : members) {
      if (k == key) change.value = v;
    }
    const bool bom = std::string_view(content).starts_with(kBom);
    const std::string updated = render_members(members, bom);
    if (change.previous == change.value) return change;  // already so
    check_loads(updated, where);
    const WriteOutcome outcome =
        replace_file_atomically(where.file, updated, content);
    if (outcome.kind != WriteOutcome::Kind::kWritten) {
      throw ConfigError(fail_write(where, outcome));
    }
    change.written = true;
    return change;
  }
  throw ConfigError(fmt::format(
      "Cannot write {}: another process keeps creating it; run the command "
      "again.",
      where.file.string()));
}

}  // namespace
}  // namespace detail

std::optional<std::string> ConfigFileContents::find(
    std::string_view key) const {
  for (const auto& [k, v] : members) {
    if (k == key) return v;
  }
  return std::nullopt;
}

const std::vector<std::string>& settable_config_keys() {
  static const std::vector<std::string> keys = {
      std::string(detail::kKeyFloatx), std::string(detail::kKeyEpsilon),
      std::string(detail::kKeyBackend),
      std::string(detail::kKeyImageDataFormat)};
  return keys;
}

ConfigFileContents read_keras_json(const ConfigOptions& options) {
  ConfigFileContents out;
  const detail::Located where = detail::locate(options);
  out.dir = where.dir;
  out.file = where.file;
  out.dir_source = where.source;
  const detail::FileContext context{where.file, where.source};
  std::error_code ec;
  if (!std::filesystem::exists(where.dir, ec) ||
      detail::probe_config_file(context) != detail::FileState::kPresent) {
    return out;
  }
  const std::string content = detail::read_config_file(context);
  out.members =
      detail::raw_members(detail::parse_keras_json(content, context), false);
  out.exists = true;
  return out;
}

ConfigChange set_config_value(std::string_view key, std::string_view value,
                              const ConfigOptions& options) {
  const detail::Located where = detail::locate(options);
  const std::string json = detail::validated_json_value(key, value, where.file);
  ConfigChange change = detail::apply_edit(
      key,
      [&](std::vector<detail::RawMember>& members)
          -> std::optional<std::string> {
        for (auto& [k, v] : members) {
          if (k == key) {
            std::string old = v;
            v = json;
            return old;
          }
        }
        members.emplace_back(std::string(key), json);
        return std::nullopt;
      },
      options, true);
  if (key == detail::kKeyBackend) {
    const std::string name = detail::check_backend(value, {});
    if (!python_keras_knows_backend(name)) {
      change.notes.push_back(fmt::format(
          "\"backend\": {} is not a backend Python Keras can import: Python "
          "Keras reading {} will fail unless it has its own directory "
          "(KERAS_HOME) or KERAS_BACKEND is set where it runs (see "
          "docs/configuration.md, \"Living with Python Keras\")",
          detail::json_quote(name), change.file.string()));
    }
  }
  return change;
}

ConfigChange unset_config_value(std::string_view key,
                                const ConfigOptions& options) {
  return detail::apply_edit(
      key,
      [&](std::vector<detail::RawMember>& members)
          -> std::optional<std::string> {
        for (auto it = members.begin(); it != members.end(); ++it) {
          if (it->first == key) {
            std::string old = it->second;
            members.erase(it);
            return old;
          }
        }
        return std::nullopt;
      },
      options, false);
}

}  // namespace tensorplug
