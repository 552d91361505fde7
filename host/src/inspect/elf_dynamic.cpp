#include "inspect/elf_dynamic.hpp"

#include <elf.h>
#include <fmt/format.h>
#include <link.h>  // ElfW

#include <algorithm>
#include <cstring>
#include <optional>

namespace tensorplug::detail {
namespace {

using Ehdr = ElfW(Ehdr);
using Phdr = ElfW(Phdr);
using Dyn = ElfW(Dyn);
using Sym = ElfW(Sym);
using Rela = ElfW(Rela);
using Rel = ElfW(Rel);
using Addr = ElfW(Addr);
using Word = ElfW(Word);

#if UINTPTR_MAX == 0xffffffffffffffffu
inline unsigned sym_type(unsigned char info) { return ELF64_ST_TYPE(info); }
inline unsigned sym_bind(unsigned char info) { return ELF64_ST_BIND(info); }
inline std::uint64_t rela_sym(std::uint64_t info) { return ELF64_R_SYM(info); }
#else
inline unsigned sym_type(unsigned char info) { return ELF32_ST_TYPE(info); }
inline unsigned sym_bind(unsigned char info) { return ELF32_ST_BIND(info); }
inline std::uint64_t rela_sym(std::uint64_t info) { return ELF32_R_SYM(info); }
#endif

/// Thrown inside the reader only; turned into DynamicExports::error.
struct Corrupt {
  std::string what;
};

[[noreturn]] void corrupt(std::string what) { throw Corrupt{std::move(what)}; }

bool power_of_two(std::uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

class Image {
 public:
  explicit Image(std::span<const unsigned char> bytes) : bytes_(bytes) {}

  std::uint64_t size() const { return bytes_.size(); }
  bool in_file(std::uint64_t offset, std::uint64_t length) const {
    return offset <= size() && length <= size() - offset;
  }
  /// Copies a T at file offset `offset` (unaligned reads are fine).
  template <class T>
  T read(std::uint64_t offset, std::string_view what) const {
    if (!in_file(offset, sizeof(T))) {
      corrupt(fmt::format("its {} lies outside the file (offset {})", what,
                          offset));
    }
    T out;
    std::memcpy(&out, bytes_.data() + offset, sizeof(T));
    return out;
  }
  const unsigned char* data() const { return bytes_.data(); }

 private:
  std::span<const unsigned char> bytes_;
};

class Reader {
 public:
  explicit Reader(std::span<const unsigned char> bytes) : image_(bytes) {}

  DynamicExports run(std::string_view prefix) {
    DynamicExports out;
    read_program_headers();
    read_dynamic();
    read_strings();
    count_symbols();
    read_symbols(prefix, out);
    check_versions();
    check_relocations();
    check_arrays();
    return out;
  }

 private:
  // --- program headers ---------------------------------------------------
  void read_program_headers() {
    const Ehdr eh = image_.read<Ehdr>(0, "ELF header");
    if (eh.e_phoff == 0 || eh.e_phnum == 0) {
      corrupt("it has no program headers, so the loader cannot map it");
    }
    if (eh.e_phentsize != sizeof(Phdr)) {
      corrupt(fmt::format("its program header size is {} bytes, expected {}",
                          eh.e_phentsize, sizeof(Phdr)));
    }
    if (eh.e_phnum == PN_XNUM) corrupt("it has too many program headers");
    if (!image_.in_file(eh.e_phoff, std::uint64_t{eh.e_phnum} * sizeof(Phdr))) {
      corrupt(fmt::format(
          "its program header table (offset {}, {} entries) lies outside the "
          "file of {} bytes",
          eh.e_phoff, eh.e_phnum, image_.size()));
    }
    std::optional<Phdr> dynamic;
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
      const Phdr ph = image_.read<Phdr>(
          eh.e_phoff + std::uint64_t{i} * sizeof(Phdr), "program header");
      if (ph.p_type == PT_LOAD) {
        if (ph.p_filesz > ph.p_memsz) {
          corrupt(fmt::format(
              "its loadable segment {} has a file size ({}) above its memory "
              "size ({})",
              i, ph.p_filesz, ph.p_memsz));
        }
        if (!image_.in_file(ph.p_offset, ph.p_filesz)) {
          corrupt(fmt::format(
              "it is truncated: its loadable segment {} ends at byte {} but "
              "the file has {} bytes",
              i, ph.p_offset + ph.p_filesz, image_.size()));
        }
        if (ph.p_align > 1 && (!power_of_two(ph.p_align) ||
                               (ph.p_vaddr - ph.p_offset) % ph.p_align != 0)) {
          corrupt(fmt::format(
              "its loadable segment {} is misaligned (alignment {})", i,
              ph.p_align));
        }
        if (ph.p_vaddr + ph.p_memsz < ph.p_vaddr) {
          corrupt(fmt::format("its loadable segment {} wraps around", i));
        }
        if (!loads_.empty() &&
            ph.p_vaddr < loads_.back().p_vaddr + loads_.back().p_memsz) {
          corrupt(fmt::format(
              "its loadable segments overlap or are out of order (segment "
              "{})",
              i));
        }
        loads_.push_back(ph);
      } else if (ph.p_type == PT_DYNAMIC) {
        if (dynamic) corrupt("it has more than one dynamic segment");
        dynamic = ph;
      } else if (ph.p_type == PT_TLS) {
        tls_.push_back({i, ph});
      } else if (ph.p_type == PT_GNU_PROPERTY) {
        if (property_) corrupt("it has more than one GNU property segment");
        property_ = {i, ph};
      } else if (ph.p_type == PT_NOTE || ph.p_type == PT_GNU_RELRO ||
                 ph.p_type == PT_GNU_EH_FRAME) {
        others_.push_back({i, ph});
      }
    }
    if (loads_.empty()) corrupt("it has no loadable segment");
    if (!dynamic) {
      corrupt(
          "it has no dynamic segment, so it exports nothing the loader "
          "can find");
    }
    for (const auto& [i, ph] : others_) {
      // The loader reads these through the mapping.
      const bool file_backed = ph.p_type != PT_GNU_RELRO;
      if (!mapped(ph.p_vaddr, file_backed ? ph.p_filesz : ph.p_memsz,
                  file_backed)) {
        corrupt(fmt::format(
            "its program header {} (type {:#x}) lies outside every loadable "
            "segment",
            i, ph.p_type));
      }
    }
    for (const auto& [i, ph] : tls_) check_tls(i, ph);
    if (property_) check_properties(property_->first, property_->second);
    if (dynamic->p_filesz % sizeof(Dyn) != 0 || dynamic->p_filesz == 0 ||
        !image_.in_file(dynamic->p_offset, dynamic->p_filesz) ||
        !mapped(dynamic->p_vaddr, dynamic->p_filesz, true)) {
      corrupt(fmt::format(
          "its dynamic segment (offset {}, {} bytes) is not a whole table "
          "inside a loadable segment",
          dynamic->p_offset, dynamic->p_filesz));
    }
    dynamic_ = *dynamic;
  }

  /// The thread-local storage template: the loader copies its p_filesz
  /// bytes from the mapping (at p_vaddr) into every thread's block of
  /// p_memsz bytes aligned to p_align.
  void check_tls(unsigned i, const Phdr& ph) const {
    auto bad = [&](std::string_view why) {
      corrupt(fmt::format("its TLS segment (program header {}) {}", i, why));
    };
    if (ph.p_filesz > ph.p_memsz) {
      bad(fmt::format("has a file size ({}) above its memory size ({})",
                      ph.p_filesz, ph.p_memsz));
    }
    if (ph.p_memsz > kMaxTlsBytes) {
      bad(fmt::format("claims {} bytes per thread, above the limit of {}",
                      ph.p_memsz, kMaxTlsBytes));
    }
    if (ph.p_align > kMaxTlsAlignment ||
        (ph.p_align > 1 && !power_of_two(ph.p_align))) {
      bad(fmt::format(
          "has an alignment of {}, not a power of two of at most {}",
          ph.p_align, kMaxTlsAlignment));
    }
    if (!image_.in_file(ph.p_offset, ph.p_filesz)) {
      bad(
          fmt::format("(offset {}, {} bytes) lies outside the file of {} "
                      "bytes",
                      ph.p_offset, ph.p_filesz, image_.size()));
    }
    if (ph.p_filesz > 0 && !mapped(ph.p_vaddr, ph.p_filesz, true)) {
      bad(fmt::format(
          "(address {:#x}, {} bytes) lies outside every loadable segment",
          ph.p_vaddr, ph.p_filesz));
    }
  }

  /// PT_GNU_PROPERTY, read as glibc's _dl_process_pt_gnu_property reads it:
  /// notes through the mapping up to p_memsz and, in each
  /// NT_GNU_PROPERTY_TYPE_0 note, n_descsz bytes of properties, which it
  /// does not bound by the segment.
  void check_properties(unsigned i, const Phdr& ph) const {
    auto bad = [&](std::string_view why) {
      corrupt(fmt::format("its GNU property segment (program header {}) {}", i,
                          why));
    };
    if (!mapped(ph.p_vaddr, ph.p_filesz, true) ||
        !mapped(ph.p_vaddr, ph.p_memsz, false)) {
      bad(fmt::format(
          "(address {:#x}, {} bytes in the file, {} in memory) lies outside "
          "every loadable segment",
          ph.p_vaddr, ph.p_filesz, ph.p_memsz));
    }
    if (ph.p_align != sizeof(Addr)) return;  // the loader skips it
    if (ph.p_memsz != ph.p_filesz) {
      bad(fmt::format("has {} bytes in memory but {} in the file", ph.p_memsz,
                      ph.p_filesz));
    }
    const std::uint64_t start = offset_of(ph.p_vaddr, ph.p_filesz, "notes");
    const std::uint64_t size = ph.p_filesz;
    using Nhdr = ElfW(Nhdr);
    auto align_up = [](std::uint64_t v) {
      return (v + sizeof(Addr) - 1) / sizeof(Addr) * sizeof(Addr);
    };
    for (std::uint64_t at = 0; at + sizeof(Nhdr) < size;) {
      const auto note = image_.read<Nhdr>(start + at, "GNU property note");
      const std::uint64_t name = at + sizeof(Nhdr);
      const std::uint64_t left = size - name;
      if (note.n_namesz == 4 && note.n_type == NT_GNU_PROPERTY_TYPE_0) {
        if (left < 4) bad("ends inside a property note's name");
        if (std::memcmp(image_.data() + start + name, "GNU", 4) == 0 &&
            note.n_descsz >= 8 && note.n_descsz % sizeof(Addr) == 0 &&
            note.n_descsz > left - 4) {
          bad(
              fmt::format("has a property note of {} bytes, past the end of "
                          "the segment ({} bytes left)",
                          note.n_descsz, left - 4));
        }
      }
      // glibc's ELF_NOTE_NEXT_OFFSET.
      const std::uint64_t next =
          align_up(align_up(sizeof(Nhdr) + note.n_namesz) + note.n_descsz);
      if (next > size - at) break;  // the loader's walk ends here too
      at += next;
    }
  }

  /// The loadable segment whose file part holds [vaddr, vaddr + length), or
  /// (file_backed = false) whose memory holds it.
  const Phdr* segment_of(std::uint64_t vaddr, std::uint64_t length,
                         bool file_backed) const {
    for (const Phdr& ph : loads_) {
      const std::uint64_t extent = file_backed ? ph.p_filesz : ph.p_memsz;
      if (vaddr >= ph.p_vaddr && vaddr - ph.p_vaddr <= extent &&
          length <= extent - (vaddr - ph.p_vaddr)) {
        return &ph;
      }
    }
    return nullptr;
  }
  bool mapped(std::uint64_t vaddr, std::uint64_t length,
              bool file_backed) const {
    return segment_of(vaddr, length, file_backed) != nullptr;
  }
  /// The file offset of [vaddr, vaddr + length), which must be file-backed.
  std::uint64_t offset_of(std::uint64_t vaddr, std::uint64_t length,
                          std::string_view what) const {
    const Phdr* ph = segment_of(vaddr, length, true);
    if (ph == nullptr) {
      corrupt(fmt::format(
          "its {} (address {:#x}, {} bytes) lies outside every loadable "
          "segment",
          what, vaddr, length));
    }
    return ph->p_offset + (vaddr - ph->p_vaddr);
  }

  // --- dynamic entries ----------------------------------------------------
  void read_dynamic() {
    const std::uint64_t count = dynamic_.p_filesz / sizeof(Dyn);
    bool terminated = false;
    for (std::uint64_t i = 0; i < count; ++i) {
      const Dyn d = image_.read<Dyn>(dynamic_.p_offset + i * sizeof(Dyn),
                                     "dynamic entry");
      if (d.d_tag == DT_NULL) {
        terminated = true;
        break;
      }
      const auto value = static_cast<std::uint64_t>(d.d_un.d_val);
      switch (d.d_tag) {
        case DT_NEEDED:
        case DT_SONAME:
        case DT_RPATH:
        case DT_RUNPATH:
          string_refs_.push_back(value);
          break;
        default:
          if (d.d_tag >= 0 && d.d_tag < kTags) {
            tags_[d.d_tag] = value;
          } else if (d.d_tag == DT_GNU_HASH) {
            gnu_hash_ = value;
          } else if (d.d_tag == DT_VERSYM) {
            versym_ = value;
          } else if (d.d_tag == DT_VERDEF) {
            verdef_ = value;
          } else if (d.d_tag == DT_VERDEFNUM) {
            verdefnum_ = value;
          } else if (d.d_tag == DT_VERNEED) {
            verneed_ = value;
          } else if (d.d_tag == DT_VERNEEDNUM) {
            verneednum_ = value;
          }
      }
    }
    if (!terminated) corrupt("its dynamic segment has no DT_NULL terminator");
  }

  std::optional<std::uint64_t> tag(std::int64_t t) const { return tags_[t]; }

  // --- strings and symbols ------------------------------------------------
  void read_strings() {
    const auto strtab = tag(DT_STRTAB);
    const auto strsz = tag(DT_STRSZ);
    if (!strtab || !strsz || !tag(DT_SYMTAB)) {
      corrupt("its dynamic segment lacks a symbol or string table");
    }
    if (*strsz > kMaxDynamicStrings) {
      corrupt(fmt::format(
          "its dynamic string table claims {} bytes, above the limit of {}",
          *strsz, kMaxDynamicStrings));
    }
    strtab_offset_ = offset_of(*strtab, *strsz, "dynamic string table");
    strsz_ = *strsz;
    if (tag(DT_SYMENT) && *tag(DT_SYMENT) != sizeof(Sym)) {
      corrupt(fmt::format("its symbol entry size is {}, expected {}",
                          *tag(DT_SYMENT), sizeof(Sym)));
    }
    for (const std::uint64_t ref : string_refs_) string_at(ref, "library name");
  }

  std::string_view string_at(std::uint64_t index, std::string_view what) const {
    if (index >= strsz_) {
      corrupt(
          fmt::format("a {} points outside its dynamic string table ({} >= {})",
                      what, index, strsz_));
    }
    const auto* base =
        reinterpret_cast<const char*>(image_.data() + strtab_offset_);
    const void* nul = std::memchr(base + index, '\0', strsz_ - index);
    if (nul == nullptr) {
      corrupt(fmt::format("a {} runs past the end of its string table", what));
    }
    return {base + index, static_cast<std::size_t>(
                              static_cast<const char*>(nul) - (base + index))};
  }

  /// The symbol count, as the loader's hash table defines it.
  void count_symbols() {
    if (gnu_hash_) {
      count_gnu_hash();
    } else if (tag(DT_HASH)) {
      count_sysv_hash();
    } else {
      corrupt("it has no symbol hash table (DT_GNU_HASH or DT_HASH)");
    }
    symtab_offset_ = offset_of(*tag(DT_SYMTAB), nsyms_ * sizeof(Sym),
                               "dynamic symbol table");
  }

  void check_symbol_count(std::uint64_t n) const {
    if (n > kMaxDynamicSymbols) {
      corrupt(fmt::format(
          "its hash table claims {} dynamic symbols, above the limit of {}", n,
          kMaxDynamicSymbols));
    }
  }

  void count_sysv_hash() {
    const std::uint64_t off = offset_of(*tag(DT_HASH), 8, "hash table");
    const auto nbucket = image_.read<Word>(off, "hash table");
    const auto nchain = image_.read<Word>(off + 4, "hash table");
    check_symbol_count(nchain);
    if (nbucket == 0) corrupt("its hash table has no buckets");
    const std::uint64_t words = 2 + std::uint64_t{nbucket} + nchain;
    offset_of(*tag(DT_HASH), words * 4, "hash table");
    for (std::uint64_t i = 2; i < words; ++i) {
      if (image_.read<Word>(off + i * 4, "hash table") >= nchain) {
        corrupt("its hash table refers to a symbol beyond its symbol table");
      }
    }
    nsyms_ = nchain;
  }

  void count_gnu_hash() {
    const std::uint64_t off = offset_of(*gnu_hash_, 16, "GNU hash table");
    const auto nbuckets = image_.read<std::uint32_t>(off, "GNU hash table");
    const auto symoffset =
        image_.read<std::uint32_t>(off + 4, "GNU hash table");
    const auto bloom_size =
        image_.read<std::uint32_t>(off + 8, "GNU hash table");
    const auto bloom_shift =
        image_.read<std::uint32_t>(off + 12, "GNU hash table");
    if (nbuckets == 0) corrupt("its GNU hash table has no buckets");
    if (!power_of_two(bloom_size)) {
      corrupt(fmt::format(
          "its GNU hash table's Bloom filter has {} words, not a power of two",
          bloom_size));
    }
    if (bloom_shift >= 8 * sizeof(Addr)) {
      corrupt(fmt::format("its GNU hash table's Bloom shift {} is too large",
                          bloom_shift));
    }
    check_symbol_count(symoffset);
    const std::uint64_t buckets =
        off + 16 + std::uint64_t{bloom_size} * sizeof(Addr);
    const std::uint64_t head =
        16 + std::uint64_t{bloom_size} * sizeof(Addr) + 4ull * nbuckets;
    offset_of(*gnu_hash_, head, "GNU hash table");
    std::uint64_t last = 0;
    bool any = false;
    for (std::uint64_t b = 0; b < nbuckets; ++b) {
      const auto first =
          image_.read<std::uint32_t>(buckets + 4 * b, "GNU hash table");
      if (first == 0) continue;
      if (first < symoffset) {
        corrupt("its GNU hash table has a bucket below its first symbol");
      }
      check_symbol_count(first);
      last = std::max<std::uint64_t>(last, first);
      any = true;
    }
    const std::uint64_t chains = buckets + 4ull * nbuckets;
    std::uint64_t n = symoffset;
    if (any) {
      // Follow the last chain to its end (the low bit marks it).
      for (std::uint64_t i = last;; ++i) {
        check_symbol_count(i);
        offset_of(*gnu_hash_, head + 4 * (i - symoffset + 1), "GNU hash chain");
        if (image_.read<std::uint32_t>(chains + 4 * (i - symoffset),
                                       "GNU hash chain") &
            1u) {
          n = i + 1;
          break;
        }
      }
    }
    nsyms_ = n;
  }

  void read_symbols(std::string_view prefix, DynamicExports& out) {
    out.symbol_count = nsyms_;
    if (versym_) {
      versym_offset_ = offset_of(*versym_, nsyms_ * 2, "symbol version table");
    }
    for (std::uint64_t i = 1; i < nsyms_; ++i) {
      const Sym s =
          image_.read<Sym>(symtab_offset_ + i * sizeof(Sym), "dynamic symbol");
      const std::string_view name = string_at(s.st_name, "symbol name");
      if (!name.starts_with(prefix)) continue;
      DynamicSymbol d;
      d.name = name;
      d.type = sym_type(s.st_info);
      d.bind = sym_bind(s.st_info);
      d.visibility = ELF64_ST_VISIBILITY(s.st_other);
      d.defined = s.st_shndx != SHN_UNDEF;
      d.size = s.st_size;
      if (versym_) {
        d.hidden_version =
            (image_.read<std::uint16_t>(versym_offset_ + 2 * i, "version") &
             0x8000u) != 0;
      }
      out.symbols.push_back(d);
    }
  }

  // --- symbol versioning --------------------------------------------------
  void check_versions() {
    std::uint64_t high = 1;  // 0 = local, 1 = global: always meaningful
    if (verdef_) {
      if (!verdefnum_ || *verdefnum_ > 0xffff) {
        corrupt("its version definitions have no valid count");
      }
      std::uint64_t at = *verdef_;
      for (std::uint64_t k = 0; k < *verdefnum_; ++k) {
        const auto vd = image_.read<ElfW(Verdef)>(
            offset_of(at, sizeof(ElfW(Verdef)), "version definition"),
            "version definition");
        if (vd.vd_version != 1) {
          corrupt(fmt::format("its version definition {} has version {}", k,
                              vd.vd_version));
        }
        high = std::max<std::uint64_t>(high, vd.vd_ndx & 0x7fffu);
        if (vd.vd_cnt > 0) {
          const auto aux = image_.read<ElfW(Verdaux)>(
              offset_of(at + vd.vd_aux, sizeof(ElfW(Verdaux)),
                        "version definition"),
              "version definition");
          string_at(aux.vda_name, "version name");
        }
        if (vd.vd_next == 0) break;
        at += vd.vd_next;
      }
    }
    if (verneed_) {
      if (!verneednum_ || *verneednum_ > 0xffff) {
        corrupt("its version requirements have no valid count");
      }
      std::uint64_t at = *verneed_;
      for (std::uint64_t k = 0; k < *verneednum_; ++k) {
        const auto vn = image_.read<ElfW(Verneed)>(
            offset_of(at, sizeof(ElfW(Verneed)), "version requirement"),
            "version requirement");
        if (vn.vn_version != 1) {
          corrupt(fmt::format("its version requirement {} has version {}", k,
                              vn.vn_version));
        }
        string_at(vn.vn_file, "version requirement's library name");
        std::uint64_t aux_at = at + vn.vn_aux;
        for (unsigned a = 0; a < vn.vn_cnt; ++a) {
          const auto aux = image_.read<ElfW(Vernaux)>(
              offset_of(aux_at, sizeof(ElfW(Vernaux)), "version requirement"),
              "version requirement");
          string_at(aux.vna_name, "version name");
          high = std::max<std::uint64_t>(high, aux.vna_other & 0x7fffu);
          if (aux.vna_next == 0) break;
          aux_at += aux.vna_next;
        }
        if (vn.vn_next == 0) break;
        at += vn.vn_next;
      }
    }
    if (versym_) {
      for (std::uint64_t i = 0; i < nsyms_; ++i) {
        const auto v =
            image_.read<std::uint16_t>(versym_offset_ + 2 * i, "version") &
            0x7fffu;
        if (v > high) {
          corrupt(fmt::format(
              "its symbol version table refers to version {}, which is "
              "never defined (symbol {})",
              v, i));
        }
      }
    }
  }

  // --- relocations and init arrays ---------------------------------------
  template <class R>
  void check_relocation_table(std::uint64_t addr, std::uint64_t size,
                              std::optional<std::uint64_t> entsize,
                              std::string_view what) {
    if (entsize && *entsize != sizeof(R)) {
      corrupt(fmt::format("its {} entry size is {}, expected {}", what,
                          *entsize, sizeof(R)));
    }
    if (size % sizeof(R) != 0) {
      corrupt(fmt::format("its {} ({} bytes) is not a whole number of entries",
                          what, size));
    }
    const std::uint64_t off = offset_of(addr, size, what);
    for (std::uint64_t i = 0; i < size / sizeof(R); ++i) {
      const R r = image_.read<R>(off + i * sizeof(R), what);
      if (!mapped(r.r_offset, sizeof(Addr), false)) {
        corrupt(fmt::format(
            "its {} entry {} writes to address {:#x}, outside every loadable "
            "segment",
            what, i, static_cast<std::uint64_t>(r.r_offset)));
      }
      const std::uint64_t sym = rela_sym(r.r_info);
      if (sym >= nsyms_) {
        // The GNU hash table only counts the symbols it hashes: undefined
        // ones may lie beyond when nothing is hashed. The loader reads the
        // entry wherever it is, so it must be inside the file.
        if (sym >= kMaxDynamicSymbols ||
            !mapped(*tag(DT_SYMTAB) + sym * sizeof(Sym), sizeof(Sym), true)) {
          corrupt(fmt::format(
              "its {} entry {} refers to symbol {}, outside its symbol table",
              what, i, sym));
        }
        const Sym s =
            image_.read<Sym>(offset_of(*tag(DT_SYMTAB) + sym * sizeof(Sym),
                                       sizeof(Sym), "dynamic symbol"),
                             "dynamic symbol");
        string_at(s.st_name, "symbol name");
      }
    }
  }

  void check_relocations() {
    if (tag(DT_RELA)) {
      check_relocation_table<Rela>(*tag(DT_RELA), tag(DT_RELASZ).value_or(0),
                                   tag(DT_RELAENT), "relocation table");
    }
    if (tag(DT_REL)) {
      check_relocation_table<Rel>(*tag(DT_REL), tag(DT_RELSZ).value_or(0),
                                  tag(DT_RELENT), "relocation table");
    }
    if (tag(DT_JMPREL)) {
      const std::uint64_t size = tag(DT_PLTRELSZ).value_or(0);
      const std::uint64_t kind = tag(DT_PLTREL).value_or(0);
      if (kind == DT_RELA) {
        check_relocation_table<Rela>(*tag(DT_JMPREL), size, std::nullopt,
                                     "PLT relocation table");
      } else if (kind == DT_REL) {
        check_relocation_table<Rel>(*tag(DT_JMPREL), size, std::nullopt,
                                    "PLT relocation table");
      } else {
        corrupt(fmt::format("its PLT relocation kind {} is unknown", kind));
      }
    }
#ifdef DT_RELR
    if (tag(DT_RELR)) {
      const std::uint64_t size = tag(DT_RELRSZ).value_or(0);
      if (size % sizeof(Addr) != 0) {
        corrupt("its RELR relocation table is not a whole number of entries");
      }
      const std::uint64_t off =
          offset_of(*tag(DT_RELR), size, "RELR relocation table");
      std::uint64_t where = 0;
      for (std::uint64_t i = 0; i < size / sizeof(Addr); ++i) {
        const auto e = image_.read<Addr>(off + i * sizeof(Addr), "RELR entry");
        if ((e & 1) == 0) {
          if (!mapped(e, sizeof(Addr), false)) {
            corrupt(fmt::format(
                "its RELR relocation {} writes outside every loadable segment",
                i));
          }
          where = e + sizeof(Addr);
        } else {
          for (unsigned bit = 1; bit < 8 * sizeof(Addr); ++bit) {
            if (((e >> bit) & 1) && !mapped(where + (bit - 1) * sizeof(Addr),
                                            sizeof(Addr), false)) {
              corrupt(fmt::format(
                  "its RELR relocation {} writes outside every loadable "
                  "segment",
                  i));
            }
          }
          where += (8 * sizeof(Addr) - 1) * sizeof(Addr);
        }
      }
    }
#endif
  }

  void check_arrays() {
    struct Array {
      std::int64_t addr_tag, size_tag;
      const char* what;
    };
    for (const Array a :
         {Array{DT_INIT_ARRAY, DT_INIT_ARRAYSZ, "init array"},
          Array{DT_FINI_ARRAY, DT_FINI_ARRAYSZ, "fini array"},
          Array{DT_PREINIT_ARRAY, DT_PREINIT_ARRAYSZ, "preinit array"}}) {
      if (!tag(a.addr_tag)) continue;
      const std::uint64_t size = tag(a.size_tag).value_or(0);
      if (size % sizeof(Addr) != 0 || !mapped(*tag(a.addr_tag), size, false)) {
        corrupt(fmt::format(
            "its {} (address {:#x}, {} bytes) lies outside every loadable "
            "segment",
            a.what, *tag(a.addr_tag), size));
      }
    }
    for (const std::int64_t t :
         {std::int64_t{DT_INIT}, std::int64_t{DT_FINI}}) {
      if (tag(t) && !mapped(*tag(t), 1, true)) {
        corrupt(
            fmt::format("its {} function lies outside every loadable "
                        "segment",
                        t == DT_INIT ? "init" : "fini"));
      }
    }
  }

  static constexpr std::int64_t kTags = 40;  // DT_NULL .. beyond DT_RELR (36)
  Image image_;
  std::vector<Phdr> loads_;
  std::vector<std::pair<unsigned, Phdr>> others_, tls_;
  std::optional<std::pair<unsigned, Phdr>> property_;
  Phdr dynamic_{};
  std::optional<std::uint64_t> tags_[kTags];
  std::optional<std::uint64_t> gnu_hash_, versym_, verdef_, verdefnum_,
      verneed_, verneednum_;
  std::vector<std::uint64_t> string_refs_;
  std::uint64_t strtab_offset_ = 0, strsz_ = 0, symtab_offset_ = 0,
                versym_offset_ = 0, nsyms_ = 0;
};

std::string_view type_name(unsigned type) {
  switch (type) {
    case STT_NOTYPE:
      return "a symbol without type (STT_NOTYPE)";
    case STT_OBJECT:
      return "a data object (STT_OBJECT)";
    case STT_SECTION:
      return "a section symbol (STT_SECTION)";
    case STT_FILE:
      return "a file symbol (STT_FILE)";
    case STT_COMMON:
      return "a common data object (STT_COMMON)";
    case STT_TLS:
      return "a thread-local variable (STT_TLS)";
    default:
      return "a symbol of another type";
  }
}

}  // namespace

DynamicExports read_dynamic_exports(std::span<const unsigned char> image,
                                    std::string_view prefix) {
  try {
    return Reader(image).run(prefix);
  } catch (const Corrupt& c) {
    DynamicExports out;
    out.error = c.what;
    return out;
  } catch (const std::exception& e) {  // std::bad_alloc, fmt errors
    DynamicExports out;
    out.error = fmt::format("its dynamic section cannot be read: {}", e.what());
    return out;
  }
}

std::string entry_symbol_problem(const DynamicSymbol& s) {
  if (!s.defined) return "undefined (imported, not defined by the library)";
  if (s.type != STT_FUNC && s.type != STT_GNU_IFUNC) {
    return std::string(type_name(s.type)) + ", not a function";
  }
  if (s.bind != STB_GLOBAL && s.bind != STB_WEAK) {
    return "a function that is not global or weak";
  }
  if (s.visibility != STV_DEFAULT) {
    return "a function without default visibility";
  }
  if (s.hidden_version) return "a function of a hidden symbol version";
  return {};
}

}  // namespace tensorplug::detail
