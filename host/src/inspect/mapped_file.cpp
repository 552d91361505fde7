#include "inspect/mapped_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace tensorplug::detail {

MappedFile MappedFile::open(const std::filesystem::path& path) {
  MappedFile f;
  f.fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd_ < 0) {
    const int e = errno;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      f.error_ = fmt::format("it cannot be examined: {}",
                             std::generic_category().message(e));
    } else if (S_ISDIR(st.st_mode)) {
      f.error_ = "it is a directory";
    } else {
      f.error_ = fmt::format("it cannot be opened for reading: {}",
                             std::generic_category().message(e));
    }
    return f;
  }
  if (::fstat(f.fd_, &f.status_) != 0) {
    f.error_ = fmt::format("it cannot be examined: {}",
                           std::generic_category().message(errno));
    return f;
  }
  if (S_ISDIR(f.status_.st_mode)) {
    f.error_ = "it is a directory";
    return f;
  }
  if (!S_ISREG(f.status_.st_mode)) {
    f.error_ = "it is not a regular file";
    return f;
  }
  const auto size = static_cast<std::uint64_t>(f.status_.st_size);
  if (size == 0) {
    f.error_ = "it is an empty file, not a shared library";
    return f;
  }
  if (size > kMaxLibraryFileSize || size > SIZE_MAX) {
    f.error_ = fmt::format(
        "its size, {} bytes, is above the limit of {} GiB for a shared "
        "library",
        size, kMaxLibraryFileSize >> 30);
    return f;
  }
  void* p = ::mmap(nullptr, static_cast<std::size_t>(size), PROT_READ,
                   MAP_PRIVATE, f.fd_, 0);
  if (p == MAP_FAILED) {
    f.error_ = fmt::format("it cannot be mapped for reading: {}",
                           std::generic_category().message(errno));
    return f;
  }
  f.data_ = p;
  f.size_ = static_cast<std::size_t>(size);
  return f;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      status_(other.status_),
      error_(std::move(other.error_)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = std::exchange(other.fd_, -1);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    status_ = other.status_;
    error_ = std::move(other.error_);
  }
  return *this;
}

MappedFile::~MappedFile() { reset(); }

void MappedFile::reset() {
  if (data_ != nullptr) ::munmap(data_, size_);
  if (fd_ >= 0) ::close(fd_);
  data_ = nullptr;
  size_ = 0;
  fd_ = -1;
}

void MappedFile::unmap() {
  if (data_ != nullptr) ::munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

bool MappedFile::move_descriptor(int lowest) {
  const int moved = ::fcntl(fd_, F_DUPFD_CLOEXEC, lowest);
  if (moved < 0) return false;
  ::close(fd_);
  fd_ = moved;
  return true;
}

bool MappedFile::unchanged() const {
  struct stat now {};
  if (fd_ < 0 || ::fstat(fd_, &now) != 0) return false;
  return now.st_dev == status_.st_dev && now.st_ino == status_.st_ino &&
         now.st_size == status_.st_size &&
         now.st_mtim.tv_sec == status_.st_mtim.tv_sec &&
         now.st_mtim.tv_nsec == status_.st_mtim.tv_nsec;
}

}  // namespace tensorplug::detail
