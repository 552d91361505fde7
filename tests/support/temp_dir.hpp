// Test helpers shared by test files: a temporary directory removed on scope
// exit, and a guard that sets or unsets an environment variable and restores
// it. Header-only; POSIX (tests run on Linux).
#pragma once

#include <stdlib.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace tensorplug::test {

/// A fresh directory under std::filesystem::temp_directory_path(), created
/// with mkdtemp and removed (with everything in it) by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "tensorplug-test-XXXXXX")
            .string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp");
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code error;
    // Make everything removable again (tests may chmod 000).
    for (auto it = std::filesystem::recursive_directory_iterator(
             path_, std::filesystem::directory_options::skip_permission_denied,
             error);
         !error && it != std::filesystem::recursive_directory_iterator();
         it.increment(error)) {
      if (!it->is_symlink(error)) {
        std::filesystem::permissions(it->path(),
                                     std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, error);
      }
    }
    std::filesystem::remove_all(path_, error);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& name) const {
    return path_ / name;
  }

  /// Writes `content` (bytes, as is) to `name` under the directory, creating
  /// parent directories. Returns the file's path.
  std::filesystem::path write(const std::filesystem::path& name,
                              const std::string& content) const {
    const auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + file.string());
    return file;
  }

 private:
  std::filesystem::path path_;
};

/// The whole content of a file, as bytes.
inline std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// A file's bytes and modification time, to check that it was left alone.
struct FileSnapshot {
  std::string content;
  std::filesystem::file_time_type mtime;

  /// Takes a snapshot after setting the mtime an hour into the past, so that
  /// any later write shows up even on coarse-grained clocks.
  static FileSnapshot take(const std::filesystem::path& file) {
    std::filesystem::last_write_time(
        file,
        std::filesystem::file_time_type::clock::now() - std::chrono::hours(1));
    return {read_file(file), std::filesystem::last_write_time(file)};
  }
  bool unchanged(const std::filesystem::path& file) const {
    return read_file(file) == content &&
           std::filesystem::last_write_time(file) == mtime;
  }
};

/// Sets (or, with nullopt, unsets) an environment variable for the guard's
/// lifetime, then restores the previous value or absence.
class EnvGuard {
 public:
  EnvGuard(std::string name, std::optional<std::string> value)
      : name_(std::move(name)) {
    if (const char* old = ::getenv(name_.c_str())) old_ = old;
    if (value) {
      ::setenv(name_.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ~EnvGuard() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace tensorplug::test
