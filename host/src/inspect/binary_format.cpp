#include "inspect/binary_format.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <system_error>
#include <vector>

#if defined(__linux__) || defined(__FreeBSD__)
#include <elf.h>
#define TENSORPLUG_NATIVE_ELF 1
#endif

namespace tensorplug::detail {
namespace {

std::string_view machine_name(unsigned machine) {
  switch (machine) {
    case 3:
      return "x86 (i386)";
    case 40:
      return "ARM (32-bit)";
    case 62:
      return "x86_64";
    case 183:
      return "AArch64";
    case 243:
      return "RISC-V";
    case 8:
      return "MIPS";
    case 20:
      return "PowerPC";
    case 21:
      return "PowerPC64";
    case 22:
      return "s390";
    default:
      return "unknown";
  }
}

#ifdef TENSORPLUG_NATIVE_ELF
#if defined(__x86_64__)
constexpr unsigned kNativeMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr unsigned kNativeMachine = EM_AARCH64;
#elif defined(__i386__)
constexpr unsigned kNativeMachine = EM_386;
#elif defined(__arm__)
constexpr unsigned kNativeMachine = EM_ARM;
#elif defined(__riscv)
constexpr unsigned kNativeMachine = EM_RISCV;
#elif defined(__powerpc64__)
constexpr unsigned kNativeMachine = EM_PPC64;
#else
constexpr unsigned kNativeMachine = EM_NONE;
#endif

#if UINTPTR_MAX == 0xffffffffffffffffu
using Ehdr = Elf64_Ehdr;
using Shdr = Elf64_Shdr;
using Sym = Elf64_Sym;
constexpr unsigned char kNativeClass = ELFCLASS64;
#else
using Ehdr = Elf32_Ehdr;
using Shdr = Elf32_Shdr;
using Sym = Elf32_Sym;
constexpr unsigned char kNativeClass = ELFCLASS32;
#endif

bool native_little_endian() {
  const std::uint16_t one = 1;
  unsigned char first;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

/// Every read the ELF parsers will do, checked against the file size.
/// `head` holds the first `head_size` bytes of the file.
std::string check_elf(std::span<const unsigned char> bytes) {
  const std::uint64_t size = bytes.size();
  const unsigned char* head = bytes.data();
  const std::size_t head_size = bytes.size();
  static_assert(sizeof(Ehdr) <= 64, "check_binary_format reads 64 bytes");
  Ehdr eh{};
  if (size < sizeof(Ehdr)) {
    return fmt::format(
        "it is truncated: {} bytes, shorter than an ELF header ({} bytes)",
        size, sizeof(Ehdr));
  }
  if (head_size < sizeof(Ehdr)) return "it could not be read";
  std::memcpy(&eh, head, sizeof eh);
  if (eh.e_ident[EI_CLASS] != kNativeClass) {
    return fmt::format("it is a {}-bit ELF file; this process is {}-bit",
                       eh.e_ident[EI_CLASS] == ELFCLASS32 ? 32 : 64,
                       sizeof(void*) * 8);
  }
  const bool little = eh.e_ident[EI_DATA] == ELFDATA2LSB;
  if (little != native_little_endian()) {
    return "it is an ELF file of the other byte order";
  }
  if (eh.e_machine != kNativeMachine) {
    return fmt::format(
        "it is built for another architecture: {} (ELF machine {}), this "
        "process is {}",
        machine_name(eh.e_machine), eh.e_machine, native_platform_name());
  }
  if (eh.e_type != ET_DYN) {
    return fmt::format("it is an ELF {}, not a shared library",
                       eh.e_type == ET_EXEC  ? "executable"
                       : eh.e_type == ET_REL ? "object file (.o)"
                                             : "file of another type");
  }
  if (eh.e_shnum == 0 || eh.e_shoff == 0) {
    return "it has no section headers, so its export table cannot be read";
  }
  if (eh.e_shentsize != sizeof(Shdr)) {
    return fmt::format("its section header size is {} bytes, expected {}",
                       eh.e_shentsize, sizeof(Shdr));
  }
  const std::uint64_t table_end =
      static_cast<std::uint64_t>(eh.e_shoff) +
      static_cast<std::uint64_t>(eh.e_shnum) * sizeof(Shdr);
  if (eh.e_shoff > size || table_end > size) {
    return fmt::format(
        "it is truncated: its section table ends at byte {} but the file has "
        "{} bytes",
        table_end, size);
  }
  if (eh.e_shstrndx >= eh.e_shnum) {
    return fmt::format("its section-name index {} is out of range (0..{})",
                       eh.e_shstrndx, eh.e_shnum - 1);
  }
  for (std::size_t i = 0; i < eh.e_shnum; ++i) {
    Shdr s;
    std::memcpy(&s, bytes.data() + eh.e_shoff + i * sizeof(Shdr), sizeof s);
    // The section-name table is read whatever its type claims.
    if ((s.sh_type == SHT_NOBITS || s.sh_type == SHT_NULL) &&
        i != eh.e_shstrndx) {
      continue;
    }
    const std::uint64_t end = static_cast<std::uint64_t>(s.sh_offset) +
                              static_cast<std::uint64_t>(s.sh_size);
    if (s.sh_offset > size || end > size || end < s.sh_offset) {
      return fmt::format(
          "it is truncated: section {} ends at byte {} but the file has {} "
          "bytes",
          i, end, size);
    }
    if ((s.sh_type == SHT_SYMTAB || s.sh_type == SHT_DYNSYM) &&
        s.sh_size % sizeof(Sym) != 0) {
      return fmt::format(
          "its symbol table (section {}) has a size of {} "
          "bytes, not a multiple of {}",
          i, s.sh_size, sizeof(Sym));
    }
  }
  return {};
}
#endif

}  // namespace

std::string native_platform_name() {
#if defined(__linux__)
  std::string os = "linux";
#elif defined(_WIN32)
  std::string os = "windows";
#elif defined(__APPLE__)
  std::string os = "macos";
#else
  std::string os = "this platform";
#endif
#if defined(__x86_64__) || defined(_M_X64)
  return os + " x86_64";
#elif defined(__aarch64__) || defined(_M_ARM64)
  return os + " AArch64";
#else
  return os;
#endif
}

std::string check_binary_format(std::span<const unsigned char> bytes) {
  const std::uint64_t size = bytes.size();
  if (size == 0) return "it is an empty file, not a shared library";
  std::array<unsigned char, 4> magic{};
  std::memcpy(magic.data(), bytes.data(), std::min<std::size_t>(size, 4));
  const bool elf = size >= 4 && magic[0] == 0x7f && magic[1] == 'E' &&
                   magic[2] == 'L' && magic[3] == 'F';
  const bool pe = size >= 2 && magic[0] == 'M' && magic[1] == 'Z';
  std::uint32_t m32 = 0;
  std::memcpy(&m32, magic.data(), 4);
  const bool macho = size >= 4 && (m32 == 0xfeedface || m32 == 0xfeedfacf ||
                                   m32 == 0xcefaedfe || m32 == 0xcffaedfe ||
                                   m32 == 0xcafebabe || m32 == 0xbebafeca);
#ifdef TENSORPLUG_NATIVE_ELF
  if (elf) return check_elf(bytes);
  if (pe) {
    return fmt::format(
        "it is a Windows PE/COFF file; this process loads ELF "
        "shared libraries ({})",
        native_platform_name());
  }
  if (macho) {
    return fmt::format(
        "it is a macOS Mach-O file; this process loads ELF "
        "shared libraries ({})",
        native_platform_name());
  }
  return fmt::format("it is not a shared library (no ELF header; {} bytes)",
                     size);
#else
  (void)elf;
  (void)pe;
  (void)macho;
  return {};
#endif
}

}  // namespace tensorplug::detail
