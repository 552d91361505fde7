// Fashion-MNIST (Zalando Research): 60,000 training and 10,000 test 28x28
// grey-scale images of 10 clothing classes, as the four gzipped IDX files of
// Debian's `dataset-fashion-mnist` package under
// /usr/share/datasets/fashion-mnist/. Read with zlib. Header-only so that the
// tests (tests/unit/app/) use the very code the example runs.
//
// IDX: a big-endian header, magic 0x0000TTDD (TT = 0x08 for unsigned bytes,
// DD = the number of dimensions), then DD big-endian uint32 sizes, then the
// data. Images are (count, 28, 28), labels (count).
#pragma once

#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace fashion {

inline constexpr int kSide = 28;
inline constexpr int kPixels = kSide * kSide;
inline constexpr int kClasses = 10;
inline constexpr const char* kPackage = "dataset-fashion-mnist";
inline constexpr const char* kDefaultDir = "/usr/share/datasets/fashion-mnist";

/// The class names, by label.
inline constexpr std::array<const char*, kClasses> kClassNames = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

struct Dataset {
  /// Row-major (size() x 784), scaled to [0, 1] (pixel / 255).
  std::vector<float> pixels;
  std::vector<int> labels;
  std::size_t size() const { return labels.size(); }
};

/// A data file that cannot be used; the message names the file and what to
/// do.
struct DataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {

/// `path: why`, plus where the file comes from.
inline DataError bad_file(const std::filesystem::path& path,
                          const std::string& why) {
  return DataError(path.string() + ": " + why + " (this file comes from " +
                   "Debian's " + kPackage + " package: `apt-get install " +
                   kPackage + "`; --data DIR reads the four files from DIR)");
}

/// The whole decompressed content of a gzip file. A missing file, a file
/// that is not gzip, a truncated stream or a failed CRC is a DataError.
inline std::vector<unsigned char> gunzip(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw bad_file(path, std::filesystem::exists(path, ec)
                             ? "not a regular file"
                             : "no such file");
  }
  gzFile in = gzopen(path.c_str(), "rb");
  if (in == nullptr) {
    throw bad_file(path, std::string("cannot open: ") + std::strerror(errno));
  }
  std::vector<unsigned char> out;
  std::array<unsigned char, 1 << 16> chunk{};
  int n = 0;
  while ((n = gzread(in, chunk.data(), chunk.size())) > 0) {
    out.insert(out.end(), chunk.data(), chunk.data() + n);
  }
  int code = Z_OK;
  const char* message = gzerror(in, &code);
  const bool direct = gzdirect(in) != 0;
  std::string why = (n < 0 || code != Z_OK) && message ? message : "";
  // zlib's message starts with the path: keep only the reason.
  if (why.rfind(path.string() + ": ", 0) == 0) {
    why.erase(0, path.string().size() + 2);
  }
  const int closed = gzclose(in);
  if (code == Z_BUF_ERROR) {
    throw bad_file(path, "truncated gzip data (" + why + ")");
  }
  if (n < 0 || code != Z_OK || closed != Z_OK) {
    throw bad_file(
        path, "corrupt gzip data" + (why.empty() ? std::string() : ": " + why));
  }
  if (direct) throw bad_file(path, "not gzip-compressed");
  return out;
}

inline std::uint32_t big_endian(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
         (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

/// The sizes of an unsigned-byte IDX file of `dims` dimensions, checking
/// that the data that follows has exactly that many bytes.
inline std::vector<std::uint32_t> idx_sizes(
    const std::vector<unsigned char>& bytes, int dims,
    const std::filesystem::path& path) {
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(dims);
  auto too_short = [&] {
    return bad_file(path, "too short for an IDX header (" +
                              std::to_string(bytes.size()) + " bytes)");
  };
  if (bytes.size() < 4) throw too_short();
  const std::uint32_t magic = big_endian(bytes.data());
  const std::uint32_t want = 0x0800u | static_cast<std::uint32_t>(dims);
  if (magic != want) {
    char buf[96];
    std::snprintf(buf, sizeof buf,
                  "IDX magic is 0x%08x, expected 0x%08x (unsigned bytes, %d "
                  "dimensions)",
                  magic, want, dims);
    throw bad_file(path, buf);
  }
  if (bytes.size() < header) throw too_short();
  std::vector<std::uint32_t> sizes;
  std::size_t count = 1;
  for (int d = 0; d < dims; ++d) {
    sizes.push_back(big_endian(bytes.data() + 4 + 4 * d));
    count *= sizes.back();
  }
  if (bytes.size() - header != count) {
    throw bad_file(path, "the header announces " + std::to_string(count) +
                             " data bytes, the file has " +
                             std::to_string(bytes.size() - header));
  }
  return sizes;
}

}  // namespace detail

/// Reads `<prefix>-images-idx3-ubyte.gz` and `<prefix>-labels-idx1-ubyte.gz`
/// from `dir` (prefix "train" or "t10k"), keeping the first `limit` images
/// (all when 0).
inline Dataset load_idx(const std::filesystem::path& dir,
                        const std::string& prefix, std::size_t limit = 0) {
  const auto images_path = dir / (prefix + "-images-idx3-ubyte.gz");
  const auto labels_path = dir / (prefix + "-labels-idx1-ubyte.gz");
  const auto images = detail::gunzip(images_path);
  const auto labels = detail::gunzip(labels_path);
  const auto isizes = detail::idx_sizes(images, 3, images_path);
  const auto lsizes = detail::idx_sizes(labels, 1, labels_path);
  if (isizes[1] != kSide || isizes[2] != kSide) {
    throw detail::bad_file(images_path,
                           "images are " + std::to_string(isizes[1]) + "x" +
                               std::to_string(isizes[2]) + ", expected 28x28");
  }
  if (isizes[0] != lsizes[0]) {
    throw detail::bad_file(labels_path,
                           std::to_string(lsizes[0]) + " labels for " +
                               std::to_string(isizes[0]) + " images in " +
                               images_path.filename().string());
  }
  std::size_t n = isizes[0];
  if (limit != 0 && limit < n) n = limit;
  Dataset d;
  d.pixels.resize(n * kPixels);
  d.labels.resize(n);
  const unsigned char* px = images.data() + 16;
  for (std::size_t i = 0; i < n * kPixels; ++i) {
    d.pixels[i] = static_cast<float>(px[i]) / 255.0f;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const int label = labels[8 + i];
    if (label >= kClasses) {
      throw detail::bad_file(labels_path, "label " + std::to_string(label) +
                                              " of image " + std::to_string(i) +
                                              " is outside 0..9");
    }
    d.labels[i] = label;
  }
  return d;
}

/// The rows [begin, end) of `d`.
inline Dataset slice(const Dataset& d, std::size_t begin, std::size_t end) {
  Dataset s;
  s.pixels.assign(
      d.pixels.begin() + static_cast<std::ptrdiff_t>(begin * kPixels),
      d.pixels.begin() + static_cast<std::ptrdiff_t>(end * kPixels));
  s.labels.assign(d.labels.begin() + static_cast<std::ptrdiff_t>(begin),
                  d.labels.begin() + static_cast<std::ptrdiff_t>(end));
  return s;
}

}  // namespace fashion
