#include "tensorplug/inspect.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <tensorplug/plugin_api.h>

#include <algorithm>
#include <boost/dll/library_info.hpp>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "inspect/binary_format.hpp"
#include "log_internal.hpp"

#if defined(__linux__) || defined(__FreeBSD__)
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#define TENSORPLUG_FAST_ELF_SYMBOLS 1
#endif

namespace tensorplug {
namespace {

#ifdef TENSORPLUG_FAST_ELF_SYMBOLS
#if UINTPTR_MAX == 0xffffffffffffffffu
using Ehdr = Elf64_Ehdr;
using Shdr = Elf64_Shdr;
using Sym = Elf64_Sym;
constexpr unsigned char kElfClass = ELFCLASS64;
#else
using Ehdr = Elf32_Ehdr;
using Shdr = Elf32_Shdr;
using Sym = Elf32_Sym;
constexpr unsigned char kElfClass = ELFCLASS32;
#endif

/// What boost::dll::library_info(file).symbols() returns for a native ELF
/// file, by the same algorithm (Boost 1.81, boost/dll/detail/elf_info.hpp:
/// the names of the sized, non-local, default or protected symbols of
/// .symtab, or of .dynsym when .symtab or .strtab is absent), but with one
/// open and one pread per table instead of an ifstream that refills its
/// 8 KiB buffer after every seek and reads the section headers one by one.
/// nullopt whenever Boost's reading could fail or take another path (a
/// region outside the file, a short read, a header Boost would not parse as
/// native ELF): the caller then asks Boost.DLL itself, so that results and
/// error messages stay Boost's.
std::optional<std::vector<std::string>> read_elf_symbols(
    const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  // Reads exactly [offset, offset + n), which must lie inside the file.
  auto read_at = [&](std::uint64_t offset, void* out, std::uint64_t n) {
    if (offset > size || n > size - offset) return false;
    std::uint64_t done = 0;
    while (done < n) {
      const ssize_t got = ::pread(fd, static_cast<char*>(out) + done,
                                  static_cast<std::size_t>(n - done),
                                  static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      done += static_cast<std::uint64_t>(got);
    }
    return true;
  };
  auto inside = [&](std::uint64_t offset, std::uint64_t n) {
    return offset <= size && n <= size - offset;
  };

  Ehdr eh{};
  if (!read_at(0, &eh, sizeof eh)) return std::nullopt;
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != kElfClass || eh.e_shstrndx >= eh.e_shnum) {
    return std::nullopt;
  }
  std::vector<Shdr> sections(eh.e_shnum);
  if (!read_at(eh.e_shoff, sections.data(), sections.size() * sizeof(Shdr))) {
    return std::nullopt;
  }
  const Shdr& names_section = sections[eh.e_shstrndx];
  if (!inside(names_section.sh_offset, names_section.sh_size)) {
    return std::nullopt;
  }
  std::vector<char> names(static_cast<std::size_t>(names_section.sh_size) + 1,
                          '\0');
  if (!read_at(names_section.sh_offset, names.data(), names_section.sh_size)) {
    return std::nullopt;
  }

  std::uint64_t symtab_size = 0, symtab_offset = 0;
  std::uint64_t strtab_size = 0, strtab_offset = 0;
  std::uint64_t dynsym_size = 0, dynsym_offset = 0;
  std::uint64_t dynstr_size = 0, dynstr_offset = 0;
  for (const Shdr& section : sections) {
    if (section.sh_name >= names.size()) continue;
    const char* name = &names[section.sh_name];
    if (section.sh_type == SHT_SYMTAB && !std::strcmp(name, ".symtab")) {
      symtab_size = section.sh_size;
      symtab_offset = section.sh_offset;
    } else if (section.sh_type == SHT_STRTAB) {
      if (!std::strcmp(name, ".dynstr")) {
        dynstr_size = section.sh_size;
        dynstr_offset = section.sh_offset;
      } else if (!std::strcmp(name, ".strtab")) {
        strtab_size = section.sh_size;
        strtab_offset = section.sh_offset;
      }
    } else if (section.sh_type == SHT_DYNSYM && !std::strcmp(name, ".dynsym")) {
      dynsym_size = section.sh_size;
      dynsym_offset = section.sh_offset;
    }
  }
  if (!symtab_size || !strtab_size) {
    symtab_size = dynsym_size;
    symtab_offset = dynsym_offset;
    strtab_size = dynstr_size;
    strtab_offset = dynstr_offset;
  }
  std::vector<std::string> result;
  if (!symtab_size || !strtab_size) return result;
  if (!inside(strtab_offset, strtab_size) ||
      !inside(symtab_offset, symtab_size)) {
    return std::nullopt;
  }
  std::vector<char> text(static_cast<std::size_t>(strtab_size) + 1, '\0');
  std::vector<Sym> symbols(static_cast<std::size_t>(symtab_size / sizeof(Sym)));
  if (!read_at(strtab_offset, text.data(), strtab_size) ||
      !read_at(symtab_offset, symbols.data(), symbols.size() * sizeof(Sym))) {
    return std::nullopt;
  }
  result.reserve(symbols.size());
  for (const Sym& sym : symbols) {
    const unsigned visibility = sym.st_other & 0x03u;
    const bool visible =
        (visibility == STV_DEFAULT || visibility == STV_PROTECTED) &&
        (sym.st_info >> 4) != STB_LOCAL && sym.st_size != 0;
    if (visible && sym.st_name < text.size() && text[sym.st_name] != '\0') {
      result.emplace_back(&text[sym.st_name]);
    }
  }
  return result;
}
#endif

#define TP_NAME_(name, type) #name,
const std::vector<std::string> kRequired = {TP_REQUIRED_ENTRIES(TP_NAME_)};
const std::vector<std::string> kOptional = {TP_OPTIONAL_ENTRIES(TP_NAME_)};
#undef TP_NAME_

constexpr std::string_view kPrefix = TP_ENTRY_PREFIX;

std::string quoted_list(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  quoted.reserve(names.size());
  for (const auto& n : names) quoted.push_back(fmt::format("`{}`", n));
  return fmt::format("{}", fmt::join(quoted, ", "));
}

}  // namespace

const std::vector<std::string>& required_entry_names() { return kRequired; }
const std::vector<std::string>& optional_entry_names() { return kOptional; }

bool LibraryReport::valid() const {
  return is_library && required_missing.empty() && has_version_declaration;
}

std::string LibraryReport::problems() const {
  if (!is_library) {
    return fmt::format("{} is not a usable backend library: {}.",
                       file.string(), format_error);
  }
  std::vector<std::string> parts;
  if (!required_missing.empty()) {
    parts.push_back(fmt::format(
        "missing required {} {} (exported as {}{}; rule TP_ABI_4)",
        required_missing.size() == 1 ? "entry" : "entries",
        quoted_list(required_missing), kPrefix,
        required_missing.size() == 1 ? required_missing.front() : "<name>"));
  }
  if (!has_version_declaration) {
    parts.push_back(fmt::format(
        "no version declaration (`{}`; rule TP_ABI_2)",
        TP_ENTRY_NEGOTIATE_VERSION));
  }
  if (parts.empty()) return {};
  return fmt::format("Invalid backend {}: {}.", file.string(),
                     fmt::join(parts, "; "));
}

LibraryReport inspect_library(const std::filesystem::path& file) {
  const auto started = std::chrono::steady_clock::now();
  LibraryReport report;
  report.file = file;
  report.format_error = detail::check_binary_format(file);
  if (!report.format_error.empty()) {
    detail::log().debug("inspect {}: refused: {}", file.string(),
                        report.format_error);
    return report;
  }

  std::vector<std::string> symbols;
  try {
#ifdef TENSORPLUG_FAST_ELF_SYMBOLS
    std::optional<std::vector<std::string>> fast = read_elf_symbols(file);
#else
    std::optional<std::vector<std::string>> fast;
#endif
    if (fast) {
      symbols = std::move(*fast);
    } else {
      boost::dll::library_info info(file);
      symbols = info.symbols();
    }
  } catch (const std::exception& e) {
    report.format_error =
        fmt::format("its export table cannot be read: {}", e.what());
    return report;
  }
  report.is_library = true;

  std::unordered_set<std::string_view> exported;
  for (const auto& s : symbols) {
    if (std::string_view(s).starts_with(kPrefix)) exported.insert(s);
  }
  auto has = [&](const std::string& keras_name) {
    return exported.count(std::string(kPrefix) + keras_name) != 0;
  };
  for (const auto& name : kRequired) {
    (has(name) ? report.required_present : report.required_missing)
        .push_back(name);
  }
  report.has_version_declaration =
      exported.count(TP_ENTRY_NEGOTIATE_VERSION) != 0;
  for (const auto& name : kOptional) {
    if (has(name)) report.optional_provided.push_back(name);
  }
  for (std::string_view sym : exported) {
    const std::string keras(sym.substr(kPrefix.size()));
    const bool known =
        sym == TP_ENTRY_NEGOTIATE_VERSION ||
        std::find(kRequired.begin(), kRequired.end(), keras) !=
            kRequired.end() ||
        std::find(kOptional.begin(), kOptional.end(), keras) != kOptional.end();
    if (!known) report.unknown_entries.push_back(keras);
  }
  std::sort(report.unknown_entries.begin(), report.unknown_entries.end());
  detail::log().debug(
      "inspect {}: {} exports, required missing [{}], {} optional, {:.1f} us",
      file.string(), symbols.size(), fmt::join(report.required_missing, ", "),
      report.optional_provided.size(),
      std::chrono::duration<double, std::micro>(
          std::chrono::steady_clock::now() - started)
          .count());
  return report;
}

}  // namespace tensorplug
