// The pieces of the Fashion-MNIST example (examples/fashion/): the IDX
// reader with its errors, and the safetensors files variables are saved in.
#include <zlib.h>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../../../examples/common/safetensors.hpp"
#include "../../../examples/fashion/idx.hpp"

namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("tp_fashion_" + std::to_string(::getpid()) + "_" +
            std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void put_be32(std::vector<unsigned char>& v, std::uint32_t x) {
  for (int s = 24; s >= 0; s -= 8)
    v.push_back(static_cast<unsigned char>(x >> s));
}

void write_gz(const fs::path& p, const std::vector<unsigned char>& bytes) {
  gzFile f = gzopen(p.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) ==
          static_cast<int>(bytes.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

/// `n` images whose pixel k of image i is (i + k) % 256, labels i % 10.
void write_set(const fs::path& dir, const std::string& prefix,
               std::uint32_t n) {
  std::vector<unsigned char> images, labels;
  put_be32(images, 0x803);
  put_be32(images, n);
  put_be32(images, 28);
  put_be32(images, 28);
  for (std::uint32_t i = 0; i < n; ++i) {
    for (int k = 0; k < 784; ++k)
      images.push_back(static_cast<unsigned char>((i + k) % 256));
  }
  put_be32(labels, 0x801);
  put_be32(labels, n);
  for (std::uint32_t i = 0; i < n; ++i)
    labels.push_back(static_cast<unsigned char>(i % 10));
  write_gz(dir / (prefix + "-images-idx3-ubyte.gz"), images);
  write_gz(dir / (prefix + "-labels-idx1-ubyte.gz"), labels);
}

std::string error_of(const fs::path& dir, const std::string& prefix) {
  try {
    (void)fashion::load_idx(dir, prefix);
  } catch (const fashion::DataError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("The IDX reader gives the images scaled to [0, 1] and the labels",
          "[app]") {
  TempDir t;
  write_set(t.path, "train", 5);
  const auto d = fashion::load_idx(t.path, "train");
  REQUIRE(d.size() == 5);
  REQUIRE(d.pixels.size() == 5 * 784);
  CHECK(d.pixels[0] == 0.0f);
  CHECK(d.pixels[784 * 2 + 3] == Approx(5.0 / 255.0));
  CHECK(d.labels == std::vector<int>{0, 1, 2, 3, 4});
  SECTION("a limit keeps the first images") {
    CHECK(fashion::load_idx(t.path, "train", 2).labels ==
          std::vector<int>{0, 1});
  }
}

TEST_CASE("A missing or broken data file is an error naming it and the package",
          "[app]") {
  TempDir t;
  const auto images = t.path / "train-images-idx3-ubyte.gz";
  SECTION("missing") {
    const std::string e = error_of(t.path, "train");
    CHECK_THAT(e, Catch::Contains(images.string()) &&
                      Catch::Contains("no such file") &&
                      Catch::Contains("dataset-fashion-mnist"));
  }
  SECTION("truncated") {
    write_set(t.path, "train", 50);
    const auto size = fs::file_size(images);
    fs::resize_file(images, size / 2);
    CHECK_THAT(error_of(t.path, "train"), Catch::Contains(images.string()) &&
                                              Catch::Contains("truncated"));
  }
  SECTION("a failed CRC") {
    write_set(t.path, "train", 3);
    std::fstream f(images, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-8, std::ios::end);  // the CRC32 of the gzip trailer
    f.put('\x55');
    f.close();
    CHECK_THAT(error_of(t.path, "train"),
               Catch::Contains(images.string()) && Catch::Contains("corrupt"));
  }
  SECTION("not gzip") {
    write_set(t.path, "train", 3);
    std::ofstream(images, std::ios::trunc) << "plain text, not an IDX file";
    CHECK_THAT(error_of(t.path, "train"), Catch::Contains("not gzip"));
  }
  SECTION("a wrong magic number or size") {
    write_gz(images, {0, 0, 8, 1, 0, 0, 0, 0});
    write_set(t.path, "t10k", 1);
    fs::copy_file(t.path / "t10k-labels-idx1-ubyte.gz",
                  t.path / "train-labels-idx1-ubyte.gz");
    CHECK_THAT(error_of(t.path, "train"), Catch::Contains("IDX magic"));
    std::vector<unsigned char> short_data;
    put_be32(short_data, 0x803);
    put_be32(short_data, 2);
    put_be32(short_data, 28);
    put_be32(short_data, 28);
    short_data.resize(short_data.size() + 784);  // one image, not two
    write_gz(images, short_data);
    CHECK_THAT(error_of(t.path, "train"),
               Catch::Contains("announces 1568 data bytes"));
  }
  SECTION("labels that do not match the images") {
    write_set(t.path, "train", 4);
    write_set(t.path, "t10k", 3);
    fs::copy_file(t.path / "t10k-labels-idx1-ubyte.gz",
                  t.path / "train-labels-idx1-ubyte.gz",
                  fs::copy_options::overwrite_existing);
    CHECK_THAT(error_of(t.path, "train"),
               Catch::Contains("3 labels for 4 images"));
  }
}

TEST_CASE("Variables round-trip through a safetensors file", "[app]") {
  using tensorplug::Array;
  TempDir t;
  const auto file = t.path / "model.safetensors";
  const Array k =
      Array::of<float>({2, 3}, std::vector<float>{1, 2, 3, 4, 5, -0.5f});
  const Array b = Array::of<double>({3}, std::vector<double>{0.25, 0, -1});
  tpex::save_safetensors(file, {{"dense/kernel", k}, {"dense/bias", b}},
                         {{"model", "mlp"}});
  const auto st = tpex::load_safetensors(file);
  CHECK(st.metadata.at("model") == "mlp");
  REQUIRE(st.tensors.size() == 2);
  REQUIRE(st.find("dense/kernel") != nullptr);
  CHECK(st.find("dense/kernel")->shape() == std::vector<std::int64_t>{2, 3});
  CHECK(st.find("dense/kernel")->to_vector<float>() == k.to_vector<float>());
  CHECK(st.find("dense/bias")->to_vector<double>() == b.to_vector<double>());
  SECTION("the header is 8-byte aligned JSON after a little-endian length") {
    std::ifstream in(file, std::ios::binary);
    std::uint64_t n = 0;
    in.read(reinterpret_cast<char*>(&n), 8);
    CHECK(n % 8 == 0);
    std::string header(n, '\0');
    in.read(header.data(), static_cast<std::streamsize>(n));
    CHECK_THAT(
        header,
        Catch::Contains(
            R"("dense/kernel":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]})"));
    CHECK(fs::file_size(file) == 8 + n + 24 + 24);
  }
  auto error = [&](const std::string& content) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << content;
    try {
      (void)tpex::load_safetensors(file);
    } catch (const tpex::SafetensorsError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  auto with_header = [](const std::string& json, std::size_t data) {
    std::string s(8, '\0');
    const std::uint64_t n = json.size();
    std::memcpy(s.data(), &n, 8);
    return s + json + std::string(data, '\0');
  };
  SECTION("broken files are refused with the file and the reason") {
    CHECK_THAT(error("abc"),
               Catch::Contains(file.string()) && Catch::Contains("too short"));
    CHECK_THAT(error(with_header("{", 0)), Catch::Contains("not JSON"));
    CHECK_THAT(error(with_header("[]", 0)),
               Catch::Contains("not a JSON object"));
    CHECK_THAT(
        error(with_header(
            R"({"w":{"dtype":"Q8","shape":[1],"data_offsets":[0,1]}})", 1)),
        Catch::Contains("tensor `w`") && Catch::Contains("unsupported dtype"));
    CHECK_THAT(
        error(with_header(
            R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", 4)),
        Catch::Contains("the shape and dtype need 8"));
    CHECK_THAT(
        error(with_header(
            R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}})", 4)),
        Catch::Contains("run outside"));
    CHECK_THAT(
        error(with_header(
            R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
            8)),
        Catch::Contains("overlap or gap"));
    CHECK_THAT(
        error(with_header(
            R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 6)),
        Catch::Contains("2 bytes after the last tensor"));
    std::string huge(8, '\xff');
    CHECK_THAT(error(huge), Catch::Contains("runs past the end"));
  }
}
