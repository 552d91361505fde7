// Validation reads what the system loader reads (issue 12): the dynamic
// symbol table, through the program headers and the dynamic segment, with
// every structure the loader walks bounded by the file; entries must be
// functions; the file is mapped, never read whole; and the file loaded is
// the open file that was validated.
#include <elf.h>
#include <link.h>
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "fixture_paths.hpp"
#include "load/library.hpp"
#include "temp_dir.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/inspect.hpp"

using namespace tensorplug;
namespace fs = std::filesystem;
using tensorplug::test::EnvGuard;
using tensorplug::test::TempDir;

namespace {

std::vector<unsigned char> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
void write_bytes(const fs::path& p, const std::vector<unsigned char>& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

/// A copy of an ELF file to corrupt, with the lookups the corruptions need.
struct Elf {
  std::vector<unsigned char> bytes;

  template <class T>
  T get(std::uint64_t off) const {
    T v;
    REQUIRE(off + sizeof(T) <= bytes.size());
    std::memcpy(&v, bytes.data() + off, sizeof v);
    return v;
  }
  template <class T>
  void put(std::uint64_t off, const T& v) {
    REQUIRE(off + sizeof(T) <= bytes.size());
    std::memcpy(bytes.data() + off, &v, sizeof v);
  }
  ElfW(Ehdr) header() const { return get<ElfW(Ehdr)>(0); }
  std::uint64_t phdr_offset(unsigned i) const {
    return header().e_phoff + i * sizeof(ElfW(Phdr));
  }
  /// The index of the first program header of `type`.
  unsigned phdr_index(unsigned type) const {
    for (unsigned i = 0; i < header().e_phnum; ++i) {
      if (get<ElfW(Phdr)>(phdr_offset(i)).p_type == type) return i;
    }
    FAIL("no program header of type " << type);
    return 0;
  }
  std::uint64_t file_offset(std::uint64_t vaddr) const {
    for (unsigned i = 0; i < header().e_phnum; ++i) {
      const auto ph = get<ElfW(Phdr)>(phdr_offset(i));
      if (ph.p_type == PT_LOAD && vaddr >= ph.p_vaddr &&
          vaddr < ph.p_vaddr + ph.p_filesz) {
        return ph.p_offset + (vaddr - ph.p_vaddr);
      }
    }
    FAIL("address " << vaddr << " is not file-backed");
    return 0;
  }
  /// The file offset of the dynamic entry `tag`.
  std::uint64_t dynamic_entry(std::int64_t tag) const {
    const auto dyn = get<ElfW(Phdr)>(phdr_offset(phdr_index(PT_DYNAMIC)));
    for (std::uint64_t off = dyn.p_offset; off < dyn.p_offset + dyn.p_filesz;
         off += sizeof(ElfW(Dyn))) {
      const auto d = get<ElfW(Dyn)>(off);
      if (d.d_tag == tag) return off;
      if (d.d_tag == DT_NULL) break;
    }
    FAIL("no dynamic entry " << tag);
    return 0;
  }
  std::uint64_t dynamic_value(std::int64_t tag) const {
    return get<ElfW(Dyn)>(dynamic_entry(tag)).d_un.d_val;
  }
  void set_dynamic_value(std::int64_t tag, std::uint64_t value) {
    auto d = get<ElfW(Dyn)>(dynamic_entry(tag));
    d.d_un.d_val = value;
    put(dynamic_entry(tag), d);
  }
  /// The file offset of the table the dynamic entry `tag` points at.
  std::uint64_t table(std::int64_t tag) const {
    return file_offset(dynamic_value(tag));
  }
};

LibraryReport inspect_bytes(const TempDir& dir, const Elf& elf) {
  const fs::path file = dir / "corrupt.so";
  write_bytes(file, elf.bytes);
  return inspect_library(file);
}

/// Validation refuses `bad` as corrupt, saying `expected`.
void check_refused(const TempDir& dir, const Elf& bad, const char* expected) {
  const auto r = inspect_bytes(dir, bad);
  INFO(r.format_error);
  CHECK_FALSE(r.valid());
  CHECK_FALSE(r.is_library);
  CHECK_THAT(r.format_error, Catch::Contains(expected));
}

Backend load_file(const fs::path& path) {
  LoadOptions options;
  options.announce = false;
  return load_backend_at(resolve_library_file(path),
                         Settings::defaults("reference"), options);
}

long max_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

TEST_CASE(
    "Data objects named like entries are refused: every entry must be a "
    "function",
    "[inspect][elf]") {
  TempDir markers;
  EnvGuard env(fixtures::kMarkerEnv, markers.path().string());
  const auto report = inspect_library(fixtures::kDataEntries);
  CHECK(report.is_library);
  CHECK_FALSE(report.valid());
  REQUIRE(report.unusable_entries.size() == 4);
  for (const auto& u : report.unusable_entries) {
    CHECK(u.problem == "a data object (STT_OBJECT), not a function");
  }
  CHECK(report.required_present.empty());
  const std::string problems = report.problems();
  CHECK_THAT(problems, Catch::Contains("`tp_placeholder` is a data object"));
  CHECK_THAT(problems, Catch::Contains("`tp_negotiate_version` is a data"));
  CHECK_THAT(problems, Catch::Contains("TP_ABI_4"));
  SECTION("loading refuses it before any of its code runs") {
    CHECK_THROWS_AS(load_file(fixtures::kDataEntries), InvalidBackendError);
    CHECK_FALSE(fs::exists(markers / "fixture_data_entries.loaded"));
  }
}

TEST_CASE(
    "Validation reads the dynamic symbol table, which the loader uses, not "
    ".symtab",
    "[inspect][elf]") {
  TempDir markers;
  EnvGuard env(fixtures::kMarkerEnv, markers.path().string());
  SECTION("a name only .symtab has is missing, and nothing is loaded") {
    const auto report = inspect_library(fixtures::kDynstrRenamed);
    CHECK(report.is_library);
    CHECK(report.required_missing == std::vector<std::string>{"placeholder"});
    CHECK_THROWS_AS(load_file(fixtures::kDynstrRenamed), InvalidBackendError);
    CHECK_FALSE(fs::exists(markers / "fixture_valid.loaded"));
  }
  SECTION("an exported function of size 0 is a function, not missing") {
    const auto report = inspect_library(fixtures::kZeroSize);
    INFO(report.problems());
    CHECK(report.valid());
    CHECK(report.required_present ==
          std::vector<std::string>{"placeholder", "variable", "function"});
    CHECK(report.has_version_declaration);
    auto backend = load_file(fixtures::kZeroSize);
    CHECK(backend.api_version().major == TP_API_VERSION_MAJOR);
  }
}

TEST_CASE(
    "A sparse file claiming a 4 GiB section is validated from a mapping, "
    "quickly and without reading it",
    "[inspect][elf]") {
  TempDir dir;
  const Elf original{read_bytes(fixtures::kValid)};
  Elf elf = original;
  const auto eh = elf.header();
  // Point .symtab (irrelevant to the loader) at 4 GiB of holes past the end.
  bool patched = false;
  const std::uint64_t hole_start = (elf.bytes.size() + 4095) / 4096 * 4096;
  // 4 GiB, rounded down to whole symbols (the section table check wants it).
  const std::uint64_t claimed =
      (std::uint64_t{4} << 30) / sizeof(ElfW(Sym)) * sizeof(ElfW(Sym));
  for (unsigned i = 0; i < eh.e_shnum; ++i) {
    const std::uint64_t off = eh.e_shoff + i * sizeof(ElfW(Shdr));
    auto sh = elf.get<ElfW(Shdr)>(off);
    if (sh.sh_type != SHT_SYMTAB) continue;
    sh.sh_offset = hole_start;
    sh.sh_size = claimed;
    elf.put(off, sh);
    patched = true;
  }
  REQUIRE(patched);
  const fs::path file = dir / "sparse.so";
  write_bytes(file, elf.bytes);
  fs::resize_file(file, hole_start + claimed);
  const long rss_before = max_rss_kib();
  const auto started = std::chrono::steady_clock::now();
  const auto report = inspect_library(file);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  INFO(report.problems());
  CHECK(report.valid());
  CHECK(seconds < 0.5);
  CHECK(max_rss_kib() - rss_before < 64 * 1024);

  SECTION("a dynamic string table above the documented limit is refused") {
    Elf big = original;
    big.set_dynamic_value(DT_STRSZ, std::uint64_t{3} << 30);
    const auto r = inspect_bytes(dir, big);
    CHECK_FALSE(r.is_library);
    CHECK_THAT(r.format_error, Catch::Contains("above the limit"));
  }
}

TEST_CASE(
    "Structures the loader walks are checked against the file before it is "
    "loaded",
    "[inspect][elf]") {
  TempDir dir;
  Elf elf{read_bytes(fixtures::kValid)};
  REQUIRE(inspect_bytes(dir, elf).valid());
  auto refused = [&](const Elf& bad, const char* expected) {
    check_refused(dir, bad, expected);
  };
  SECTION("a relocation writing outside every segment") {
    const std::uint64_t rela = elf.table(DT_RELA);
    auto r = elf.get<ElfW(Rela)>(rela);
    r.r_offset = 0x7ff000000000;
    elf.put(rela, r);
    refused(elf, "writes to address");
  }
  SECTION("a relocation naming a symbol beyond the symbol table") {
    const std::uint64_t rela = elf.table(DT_RELA);
    auto r = elf.get<ElfW(Rela)>(rela);
    r.r_info = ELF64_R_INFO(100000, ELF64_R_TYPE(r.r_info));
    elf.put(rela, r);
    refused(elf, "refers to symbol");
  }
  SECTION("a relocation table larger than the file") {
    elf.set_dynamic_value(DT_RELASZ, 24 * 1000000);
    refused(elf, "relocation table");
  }
  SECTION("a GNU hash Bloom filter whose size is not a power of two") {
    const std::uint64_t h = elf.table(DT_GNU_HASH);
    elf.put<std::uint32_t>(h + 8, 3);
    refused(elf, "not a power of two");
  }
  SECTION("a GNU hash table without buckets") {
    elf.put<std::uint32_t>(elf.table(DT_GNU_HASH), 0);
    refused(elf, "no buckets");
  }
  SECTION("a symbol version never defined") {
    const std::uint64_t versym = elf.table(DT_VERSYM);
    elf.put<std::uint16_t>(versym + 2, 999);
    refused(elf, "never defined");
  }
  SECTION("a string table reference past its end") {
    elf.set_dynamic_value(DT_STRSZ, 4);
    refused(elf, "string table");
  }
  SECTION("a dynamic segment outside the file") {
    const std::uint64_t off = elf.phdr_offset(elf.phdr_index(PT_DYNAMIC));
    auto ph = elf.get<ElfW(Phdr)>(off);
    ph.p_offset = elf.bytes.size() + 4096;
    elf.put(off, ph);
    refused(elf, "dynamic segment");
  }
  SECTION("a loadable segment larger in the file than in memory") {
    const std::uint64_t off = elf.phdr_offset(elf.phdr_index(PT_LOAD));
    auto ph = elf.get<ElfW(Phdr)>(off);
    ph.p_filesz = ph.p_memsz + 4096;
    elf.put(off, ph);
    refused(elf, "loadable segment");
  }
  SECTION("program headers of the wrong size") {
    auto eh = elf.header();
    eh.e_phentsize = 10;
    elf.put(0, eh);
    refused(elf, "program header size");
  }
  SECTION("an init array outside every segment") {
    elf.set_dynamic_value(DT_INIT_ARRAYSZ, 1 << 30);
    refused(elf, "init array");
  }
}

TEST_CASE(
    "The file loaded is the open file that was validated, not whatever the "
    "path names later",
    "[load][elf]") {
  TempDir dir;
  TempDir markers;
  EnvGuard env(fixtures::kMarkerEnv, markers.path().string());
  const fs::path file = dir / "backend.so";
  fs::copy_file(fixtures::kValid, file);
  struct HookGuard {
    ~HookGuard() { detail::set_before_load_hook_for_testing(nullptr); }
  } guard;
  SECTION("a library renamed over the path after validation is not loaded") {
    const fs::path swap = dir / "swap.so";
    fs::copy_file(fixtures::kMissingRequired, swap);
    detail::set_before_load_hook_for_testing(
        [&](const fs::path& p) { fs::rename(swap, p); });
    auto backend = load_file(file);
    CHECK(fs::exists(markers / "fixture_valid.loaded"));
    CHECK_FALSE(fs::exists(markers / "fixture_missing_required.loaded"));
  }
  SECTION("a file changed in place after validation is refused") {
    detail::set_before_load_hook_for_testing([&](const fs::path& p) {
      std::ofstream(p, std::ios::binary | std::ios::app) << '\0';
    });
    try {
      load_file(file);
      FAIL("the changed file was loaded");
    } catch (const LoadError& e) {
      CHECK_THAT(e.what(), Catch::Contains("changed while"));
    }
  }
}

TEST_CASE(
    "TLS and GNU property segments are checked against the file before it "
    "is loaded",
    "[inspect][elf]") {
  TempDir dir;
  Elf elf{read_bytes(fixtures::kTlsProperty)};
  REQUIRE(inspect_bytes(dir, elf).valid());
  auto refused = [&](const Elf& bad, const char* expected) {
    check_refused(dir, bad, expected);
  };
  auto patch = [&](unsigned type, auto&& change) {
    const std::uint64_t off = elf.phdr_offset(elf.phdr_index(type));
    auto ph = elf.get<ElfW(Phdr)>(off);
    change(ph);
    elf.put(off, ph);
  };
  SECTION("a TLS template at an address outside every loadable segment") {
    // The loader copies it from the mapping into every thread's block.
    // (dlopen of this mutant dies by SIGSEGV in the fixture's constructor.)
    patch(PT_TLS, [](ElfW(Phdr) & ph) { ph.p_vaddr = 0x7ff000000000; });
    refused(elf, "lies outside every loadable segment");
  }
  SECTION("a TLS template past the end of the file") {
    patch(PT_TLS, [&](ElfW(Phdr) & ph) { ph.p_offset = elf.bytes.size(); });
    refused(elf, "lies outside the file");
  }
  SECTION("a TLS block above the documented limit per thread") {
    patch(PT_TLS, [](ElfW(Phdr) & ph) { ph.p_memsz = std::uint64_t{1} << 40; });
    refused(elf, "bytes per thread, above the limit");
  }
  SECTION("a TLS alignment that is not a power of two") {
    patch(PT_TLS, [](ElfW(Phdr) & ph) { ph.p_align = 48; });
    refused(elf, "alignment of 48");
  }
#if defined(__x86_64__)
  SECTION("a GNU property segment reaching past every loadable segment") {
    // The loader walks its notes up to p_memsz.
    patch(PT_GNU_PROPERTY,
          [](ElfW(Phdr) & ph) { ph.p_memsz = std::uint64_t{1} << 32; });
    refused(elf, "lies outside every loadable segment");
  }
  SECTION("a GNU property segment larger in memory than in the file") {
    patch(PT_GNU_PROPERTY, [](ElfW(Phdr) & ph) { ph.p_memsz += 64; });
    refused(elf, "bytes in memory but");
  }
  SECTION("a property note claiming more bytes than its segment has") {
    // The loader walks n_descsz bytes of properties, unbounded by the
    // segment.
    const auto ph =
        elf.get<ElfW(Phdr)>(elf.phdr_offset(elf.phdr_index(PT_GNU_PROPERTY)));
    const std::uint64_t note = elf.file_offset(ph.p_vaddr);
    auto header = elf.get<ElfW(Nhdr)>(note);
    REQUIRE(header.n_type == NT_GNU_PROPERTY_TYPE_0);
    header.n_descsz = 0x7ffffff8;
    elf.put(note, header);
    refused(elf, "property note of 2147483640 bytes");
  }
#endif
}
