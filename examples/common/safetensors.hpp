// A model's variables in the safetensors format
// (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length N, N bytes of JSON
//   {"__metadata__": {"k": "v", ...},
//    "name": {"dtype": "F32", "shape": [3, 3], "data_offsets": [0, 36]}, ...}
// then the tensors' little-endian bytes, each at [begin, end) from the start
// of that data area, contiguous, in header order, with no gaps. Readable by
// PyTorch (safetensors.torch.load_file) and Python's safetensors, so a model
// trained on one backend (or framework) is evaluated on another.
//
// Reading checks everything and throws SafetensorsError naming the file and,
// where there is one, the tensor: a truncated file, a header that is not JSON
// or not an object, an unknown dtype, offsets that overlap, leave gaps or
// run past the end, a size that does not match the shape.
#pragma once

#include <boost/json.hpp>
#include <tensorplug/array.hpp>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tpex {

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; this reader copies bytes");

struct SafetensorsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The tensors of a file, by name (in header order), and its metadata.
struct Safetensors {
  std::vector<std::pair<std::string, tensorplug::Array>> tensors;
  std::map<std::string, std::string> metadata;

  const tensorplug::Array* find(const std::string& name) const {
    for (const auto& [n, a] : tensors) {
      if (n == name) return &a;
    }
    return nullptr;
  }
};

namespace detail {

struct DtypeName {
  const char* name;
  DLDataType type;
};
inline constexpr DtypeName kSafetensorsDtypes[] = {
    {"F16", tensorplug::dtype::float16}, {"F32", tensorplug::dtype::float32},
    {"F64", tensorplug::dtype::float64}, {"I32", tensorplug::dtype::int32},
    {"I64", tensorplug::dtype::int64},   {"U8", tensorplug::dtype::uint8},
};

inline const char* safetensors_dtype(DLDataType t) {
  for (const auto& d : kSafetensorsDtypes) {
    if (d.type.code == t.code && d.type.bits == t.bits &&
        d.type.lanes == t.lanes) {
      return d.name;
    }
  }
  return nullptr;
}

/// Header sizes above this are refused (the format's own reader uses
/// 100 MB).
inline constexpr std::uint64_t kMaxHeader = 100u << 20;

}  // namespace detail

/// Writes `tensors` (names unique, not "__metadata__") and `metadata` to
/// `path`, through a temporary file renamed into place, so that a failed
/// write never leaves a partial file where a good one was.
inline void save_safetensors(
    const std::filesystem::path& path,
    const std::vector<std::pair<std::string, tensorplug::Array>>& tensors,
    const std::map<std::string, std::string>& metadata) {
  auto fail = [&](const std::string& why) {
    return SafetensorsError("cannot save " + path.string() + ": " + why);
  };
  // Keys of a JSON object are unordered for boost::json::object lookups but
  // serialised in insertion order; the data follows the same order.
  boost::json::object header;
  if (!metadata.empty()) {
    boost::json::object meta;
    for (const auto& [k, v] : metadata) meta[k] = v;
    header["__metadata__"] = std::move(meta);
  }
  std::uint64_t offset = 0;
  for (const auto& [name, array] : tensors) {
    if (name == "__metadata__" || header.contains(name)) {
      throw fail("duplicate or reserved tensor name `" + name + "`");
    }
    const char* dtype = detail::safetensors_dtype(array.dtype());
    if (dtype == nullptr)
      throw fail("tensor `" + name + "`: unsupported dtype");
    boost::json::array shape;
    for (auto d : array.shape()) shape.push_back(d);
    const std::uint64_t size = array.bytes().size();
    header[name] = boost::json::object{
        {"dtype", dtype},
        {"shape", std::move(shape)},
        {"data_offsets", boost::json::array{offset, offset + size}}};
    offset += size;
  }
  std::string text = boost::json::serialize(header);
  text.append((8 - text.size() % 8) % 8, ' ');  // align the data to 8 bytes

  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw fail("cannot write " + tmp.string());
    const std::uint64_t n = text.size();
    out.write(reinterpret_cast<const char*>(&n), sizeof n);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& [name, array] : tensors) {
      const auto bytes = array.bytes();
      out.write(reinterpret_cast<const char*>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
    }
    out.flush();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      throw fail("write error on " + tmp.string());
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw fail(ec.message());
  }
}

/// Reads and checks a whole safetensors file.
inline Safetensors load_safetensors(const std::filesystem::path& path) {
  auto fail = [&](const std::string& why) {
    return SafetensorsError(path.string() + ": " + why);
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) throw fail("cannot open (no such file or not readable)");
  std::vector<char> file((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  if (file.size() < 8) {
    throw fail("too short for a safetensors file (" +
               std::to_string(file.size()) + " bytes)");
  }
  std::uint64_t n = 0;
  std::memcpy(&n, file.data(), sizeof n);
  if (n > detail::kMaxHeader || n > file.size() - 8) {
    throw fail("the header length " + std::to_string(n) +
               " runs past the end of the file (" +
               std::to_string(file.size()) + " bytes)");
  }
  boost::system::error_code ec;
  const boost::json::value header =
      boost::json::parse(std::string_view(file.data() + 8, n), ec);
  if (ec) throw fail("the header is not JSON: " + ec.message());
  if (!header.is_object()) throw fail("the header is not a JSON object");
  const char* data = file.data() + 8 + n;
  const std::uint64_t data_size = file.size() - 8 - n;

  Safetensors st;
  struct Entry {
    std::string name;
    std::uint64_t begin, end;
    tensorplug::Array array;
  };
  std::vector<Entry> entries;
  for (const auto& [key, value] : header.as_object()) {
    const std::string name(key);
    if (name == "__metadata__") {
      if (!value.is_object()) throw fail("__metadata__ is not an object");
      for (const auto& [k, v] : value.as_object()) {
        if (!v.is_string()) {
          throw fail("__metadata__." + std::string(k) + " is not a string");
        }
        st.metadata[std::string(k)] = std::string(v.as_string());
      }
      continue;
    }
    auto bad = [&](const std::string& why) {
      return fail("tensor `" + name + "`: " + why);
    };
    const auto* obj = value.if_object();
    if (obj == nullptr) throw bad("not an object");
    const auto* dtype = obj->if_contains("dtype");
    const auto* shape = obj->if_contains("shape");
    const auto* offsets = obj->if_contains("data_offsets");
    if (!dtype || !dtype->is_string()) throw bad("no \"dtype\" string");
    if (!shape || !shape->is_array()) throw bad("no \"shape\" array");
    if (!offsets || !offsets->is_array() || offsets->as_array().size() != 2) {
      throw bad("no \"data_offsets\" pair");
    }
    DLDataType type{};
    bool known = false;
    for (const auto& d : detail::kSafetensorsDtypes) {
      if (dtype->as_string() == d.name) {
        type = d.type;
        known = true;
      }
    }
    if (!known) {
      throw bad("unsupported dtype \"" + std::string(dtype->as_string()) +
                "\"");
    }
    std::vector<std::int64_t> dims;
    for (const auto& d : shape->as_array()) {
      if (!d.is_int64() && !d.is_uint64())
        throw bad("a size is not an integer");
      const std::int64_t v = d.to_number<std::int64_t>();
      if (v < 0 || v > (std::int64_t{1} << 40))
        throw bad("a size is out of range");
      dims.push_back(v);
    }
    std::uint64_t range[2];
    for (int i = 0; i < 2; ++i) {
      const auto& o = offsets->as_array()[static_cast<std::size_t>(i)];
      if (!o.is_int64() && !o.is_uint64())
        throw bad("an offset is not an integer");
      if (o.is_int64() && o.as_int64() < 0) throw bad("an offset is negative");
      range[i] = o.to_number<std::uint64_t>();
    }
    if (range[1] < range[0] || range[1] > data_size) {
      throw bad("data_offsets [" + std::to_string(range[0]) + ", " +
                std::to_string(range[1]) + "] run outside the " +
                std::to_string(data_size) + " data bytes");
    }
    tensorplug::Array array(dims, type);
    if (range[1] - range[0] != array.bytes().size()) {
      throw bad("data_offsets hold " + std::to_string(range[1] - range[0]) +
                " bytes, the shape and dtype need " +
                std::to_string(array.bytes().size()));
    }
    std::memcpy(array.mutable_bytes().data(), data + range[0],
                array.bytes().size());
    entries.push_back({name, range[0], range[1], std::move(array)});
  }
  // The data area is exactly the tensors, back to back.
  std::vector<const Entry*> by_offset;
  for (const auto& e : entries) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(),
            [](const Entry* a, const Entry* b) { return a->begin < b->begin; });
  std::uint64_t expected = 0;
  for (const Entry* e : by_offset) {
    if (e->begin != expected) {
      throw fail("tensor `" + e->name + "` starts at byte " +
                 std::to_string(e->begin) + " of the data, expected " +
                 std::to_string(expected) + " (overlap or gap)");
    }
    expected = e->end;
  }
  if (expected != data_size) {
    throw fail(std::to_string(data_size - expected) +
               " bytes after the last tensor's data");
  }
  for (auto& e : entries) st.tensors.emplace_back(e.name, std::move(e.array));
  return st;
}

}  // namespace tpex
