#include "tensorplug/inspect.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <tensorplug/plugin_api.h>

#include <algorithm>
#include <boost/dll/library_info.hpp>
#include <chrono>
#include <exception>
#include <string_view>
#include <unordered_set>

#include "inspect/binary_format.hpp"
#include "log_internal.hpp"

namespace tensorplug {
namespace {

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
  if (!has_version_declaration) {
    parts.push_back(fmt::format("no version declaration (`{}`; rule TP_ABI_2)",
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
    // check_binary_format has bounded every region this parser reads.
    boost::dll::library_info info(file);
    symbols = info.symbols();
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
