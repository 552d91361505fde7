#include "tensorplug/inspect.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <tensorplug/plugin_api.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "inspect/binary_format.hpp"
#include "inspect/elf_dynamic.hpp"
#include "inspect/inspect_mapped.hpp"
#include "log_internal.hpp"

namespace tensorplug {
namespace {

#define TP_NAME_(name, type) #name,
const std::vector<std::string> kRequired = {TP_REQUIRED_ENTRIES(TP_NAME_)};
const std::vector<std::string> kOptional = {TP_OPTIONAL_ENTRIES(TP_NAME_)};
#undef TP_NAME_

constexpr std::string_view kPrefix = TP_ENTRY_PREFIX;
/// tp_negotiate_version without the prefix.
constexpr std::string_view kVersionEntry =
    std::string_view(TP_ENTRY_NEGOTIATE_VERSION).substr(kPrefix.size());

/// Every entry name this host knows (without the prefix).
const std::unordered_set<std::string_view>& known_entries() {
  static const std::unordered_set<std::string_view> known = [] {
    std::unordered_set<std::string_view> names{kVersionEntry};
    for (const auto& n : kRequired) names.insert(n);
    for (const auto& n : kOptional) names.insert(n);
    return names;
  }();
  return known;
}

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
  return is_library && required_missing.empty() && has_version_declaration &&
         unusable_entries.empty();
}

std::string LibraryReport::problems() const {
  if (!is_library) {
    return fmt::format("{} is not a usable backend library: {}.", file.string(),
                       format_error);
  }
  std::vector<std::string> parts;
  if (!required_missing.empty()) {
    parts.push_back(fmt::format(
        "missing required {} {} (exported as {}{}; rule TP_ABI_4)",
        required_missing.size() == 1 ? "entry" : "entries",
        quoted_list(required_missing), kPrefix,
        required_missing.size() == 1 ? required_missing.front() : "<name>"));
  }
  if (!unusable_entries.empty()) {
    std::vector<std::string> each;
    for (const auto& u : unusable_entries) {
      each.push_back(fmt::format("`{}` is {}", u.symbol, u.problem));
    }
    parts.push_back(fmt::format(
        "{} (an entry must be a defined function, global or weak, of default "
        "visibility; rule TP_ABI_4)",
        fmt::join(each, ", ")));
  }
  if (!has_version_declaration) {
    parts.push_back(fmt::format("no version declaration (`{}`; rule TP_ABI_2)",
                                TP_ENTRY_NEGOTIATE_VERSION));
  }
  if (parts.empty()) return {};
  return fmt::format("Invalid backend {}: {}.", file.string(),
                     fmt::join(parts, "; "));
}

namespace detail {

LibraryReport inspect_mapped(const std::filesystem::path& file,
                             const MappedFile& mapped) {
  const auto started = std::chrono::steady_clock::now();
  LibraryReport report;
  report.file = file;
  report.format_error =
      mapped.ok() ? check_binary_format(mapped.bytes()) : mapped.error();
  DynamicExports exports;
  if (report.format_error.empty()) {
    exports = read_dynamic_exports(mapped.bytes(), kPrefix);
    report.format_error = exports.error;
  }
  if (!report.format_error.empty()) {
    log().debug("inspect {}: refused: {}", file.string(), report.format_error);
    return report;
  }
  report.is_library = true;

  // Undefined tp_* symbols are imports, not exports: ignored, as dlsym
  // ignores them. A hidden version is not found by dlsym either. Keyed by
  // the name without the prefix (every symbol listed has it), so that no
  // lookup builds a string.
  std::unordered_map<std::string_view, const DynamicSymbol*> exported;
  exported.reserve(exports.symbols.size());
  for (const auto& s : exports.symbols) {
    if (s.defined && !s.hidden_version) {
      exported.emplace(s.name.substr(kPrefix.size()), &s);
    }
  }
  // Present and callable (true), present and not callable (false, recorded
  // in unusable_entries), absent (nullopt).
  auto usable = [&](std::string_view name) -> std::optional<bool> {
    const auto it = exported.find(name);
    if (it == exported.end()) return std::nullopt;
    std::string problem = entry_symbol_problem(*it->second);
    if (problem.empty()) return true;
    report.unusable_entries.push_back(
        {std::string(it->second->name), std::move(problem)});
    return false;
  };
  for (const auto& name : kRequired) {
    const auto u = usable(name);
    if (!u) {
      report.required_missing.push_back(name);
    } else if (*u) {
      report.required_present.push_back(name);
    }
  }
  report.has_version_declaration = usable(kVersionEntry).has_value();
  for (const auto& name : kOptional) {
    if (usable(name).value_or(false)) report.optional_provided.push_back(name);
  }
  const auto& known = known_entries();
  for (const auto& [keras, s] : exported) {
    if (!known.contains(keras)) report.unknown_entries.emplace_back(keras);
  }
  std::sort(report.unknown_entries.begin(), report.unknown_entries.end());
  log().debug(
      "inspect {}: {} dynamic symbols, required missing [{}], {} optional, "
      "{:.1f} us",
      file.string(), exports.symbol_count,
      fmt::join(report.required_missing, ", "), report.optional_provided.size(),
      std::chrono::duration<double, std::micro>(
          std::chrono::steady_clock::now() - started)
          .count());
  return report;
}

}  // namespace detail

LibraryReport inspect_library(const std::filesystem::path& file) {
  return detail::inspect_mapped(file, detail::MappedFile::open(file));
}

}  // namespace tensorplug
