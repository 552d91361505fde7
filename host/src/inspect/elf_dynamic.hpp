// What the system loader reads of a shared library, read the way it reads
// it: the program headers, the dynamic segment, and through it the dynamic
// symbol table, its strings, its hash table, symbol versions, relocations and
// init arrays. Section headers and .symtab play no part (the loader ignores
// them). Every read is bounded by the image and by the limits below.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tensorplug::detail {

/// Documented limits (docs/plugin-abi.md, "Limits"): a file claiming more is
/// refused as corrupt rather than walked.
inline constexpr std::uint64_t kMaxDynamicSymbols = std::uint64_t{1} << 24;
inline constexpr std::uint64_t kMaxDynamicStrings = std::uint64_t{1} << 30;
/// Thread-local storage per thread, and its alignment.
inline constexpr std::uint64_t kMaxTlsBytes = std::uint64_t{1} << 30;
inline constexpr std::uint64_t kMaxTlsAlignment = std::uint64_t{1} << 20;

/// One entry of the dynamic symbol table, as the loader sees it.
struct DynamicSymbol {
  std::string_view name;  ///< points into the image
  unsigned type = 0;      ///< STT_*
  unsigned bind = 0;      ///< STB_*
  unsigned visibility = 0;
  bool defined = false;  ///< st_shndx != SHN_UNDEF
  bool hidden_version =
      false;  ///< versym has VERSYM_HIDDEN: not found by dlsym
  std::uint64_t size = 0;
};

struct DynamicExports {
  /// Empty when the structures the loader walks are sound; otherwise why
  /// not, in words completing "<file> is not a usable backend library: ".
  std::string error;
  /// The symbols whose names start with the prefix asked for.
  std::vector<DynamicSymbol> symbols;
  /// How many entries the dynamic symbol table has.
  std::size_t symbol_count = 0;
};

/// Checks the loader-visible structures of the ELF shared library `image`
/// (whose ELF header check_binary_format accepted) against the image's
/// bounds, and lists its dynamic symbols named `prefix`*. Never throws, never
/// reads outside `image`.
DynamicExports read_dynamic_exports(std::span<const unsigned char> image,
                                    std::string_view prefix);

/// Whether a symbol is usable as an entry: a defined function (STT_FUNC or
/// STT_GNU_IFUNC), global or weak, default visibility, default version.
/// Empty when so; otherwise what it is instead ("a data object (STT_OBJECT)").
std::string entry_symbol_problem(const DynamicSymbol& symbol);

}  // namespace tensorplug::detail
