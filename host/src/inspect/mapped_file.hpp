// One open file, mapped read-only: validation reads the bytes the loader will
// load, through the descriptor the loader will load from.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace tensorplug::detail {

/// Files larger than this are refused before anything is mapped (a shared
/// library of 64 GiB is not a library; docs/plugin-abi.md, "Limits").
inline constexpr std::uint64_t kMaxLibraryFileSize = std::uint64_t{64} << 30;

/// A regular file opened read-only (close-on-exec) and mapped whole, private
/// and read-only. Mapping reads nothing: only the pages a parser touches are
/// read, so a sparse file's apparent size costs address space, not memory or
/// time. Move-only.
class MappedFile {
 public:
  MappedFile() = default;
  /// Opens and maps `path`; on failure `error()` says why, in words that
  /// complete "<file> ...: " ("it cannot be opened for reading: ...").
  static MappedFile open(const std::filesystem::path& path);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  /// The descriptor (valid while this object lives), or -1.
  int fd() const { return fd_; }
  /// fstat(2) of the descriptor, taken when it was opened.
  const struct stat& status() const { return status_; }
  std::span<const unsigned char> bytes() const {
    return {static_cast<const unsigned char*>(data_), size_};
  }
  /// Whether the file under the descriptor still has the device, inode, size
  /// and modification time it had when it was opened. (Not the change time:
  /// renaming another file over the path changes the link count, and so the
  /// change time, of a file whose content is intact.)
  bool unchanged() const;
  /// Unmaps the bytes, keeping the descriptor open (bytes() is then empty).
  void unmap();
  /// Moves the descriptor to the lowest free number >= `lowest`
  /// (close-on-exec, the same open file); false, with nothing changed, when
  /// the process has no such number free.
  bool move_descriptor(int lowest);

 private:
  void reset();
  int fd_ = -1;
  void* data_ = nullptr;
  std::size_t size_ = 0;
  struct stat status_ {};
  std::string error_;
};

}  // namespace tensorplug::detail
