#include "output.hpp"
#include "config/json_document.hpp"

#include <fmt/color.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <new>

namespace tensorplug::cli {

std::string_view error_kind(ExitCode code) {
  switch (code) {
    case ExitCode::kSuccess:
      return "none";
    case ExitCode::kConfig:
      return "config";
    case ExitCode::kNotFound:
      return "not_found";
    case ExitCode::kInvalidBackend:
      return "invalid_backend";
    case ExitCode::kIncompatibleVersion:
      return "incompatible_version";
    case ExitCode::kLoadFailure:
      return "load_failure";
    case ExitCode::kUsage:
      return "usage";
  }
  return "internal";
}

Failure capture_failure(const std::exception_ptr& error) {
  Failure failure;
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    failure.status = exit_status(e.code());
    failure.kind = std::string(error_kind(e.code()));
    failure.message = e.what();
  } catch (const std::bad_alloc&) {
    failure.message = "out of memory";
  } catch (const std::exception& e) {
    failure.message = fmt::format("internal error: {}", e.what());
  } catch (...) {
    failure.message = "internal error: unknown exception";
  }
  return failure;
}

// Style ------------------------------------------------------------------

Style Style::for_stream(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return Style(false);
  return Style(::isatty(::fileno(stream)) == 1);
}

std::string Style::bold(std::string_view text) const {
  if (!enabled_) return std::string(text);
  return fmt::format(fmt::emphasis::bold, "{}", text);
}

std::string Style::good(std::string_view text) const {
  if (!enabled_) return std::string(text);
  return fmt::format(fmt::fg(fmt::terminal_color::green), "{}", text);
}

std::string Style::bad(std::string_view text) const {
  if (!enabled_) return std::string(text);
  return fmt::format(fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold,
                     "{}", text);
}

std::string Style::dim(std::string_view text) const {
  if (!enabled_) return std::string(text);
  return fmt::format(fmt::emphasis::faint, "{}", text);
}

// Report -----------------------------------------------------------------

void Report::section(std::string title) {
  sections_.push_back({std::move(title), {}});
}

void Report::row(std::string label, std::string value, std::string note,
                 Tone tone) {
  if (sections_.empty()) section({});
  sections_.back().rows.push_back(
      {std::move(label), std::move(value), std::move(note), tone});
}

std::string Report::render(const Style& style) const {
  // Values longer than this do not push the notes of the others further.
  constexpr std::size_t kMaxValueColumn = 40;
  std::size_t label_width = 0;
  for (const auto& s : sections_) {
    for (const auto& r : s.rows) {
      label_width = std::max(label_width, r.label.size());
    }
  }
  std::string out;
  bool first = true;
  for (const auto& s : sections_) {
    if (!first) out += '\n';
    first = false;
    if (!s.title.empty()) out += style.bold(s.title) + '\n';
    std::size_t value_width = 0;
    for (const auto& r : s.rows) {
      if (!r.note.empty() && r.value.size() <= kMaxValueColumn) {
        value_width = std::max(value_width, r.value.size());
      }
    }
    for (const auto& r : s.rows) {
      std::string line = fmt::format("  {:<{}}  ", r.label, label_width);
      std::string value = r.value;
      if (!r.note.empty() && value.size() < value_width) {
        value.append(value_width - value.size(), ' ');
      }
      switch (r.tone) {
        case Tone::kGood:
          line += style.good(value);
          break;
        case Tone::kBad:
          line += style.bad(value);
          break;
        case Tone::kDim:
          line += style.dim(value);
          break;
        case Tone::kPlain:
          line += value;
          break;
      }
      if (!r.note.empty()) line += "  " + style.dim(r.note);
      // No trailing blanks when a row has neither value nor note.
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + '\n';
    }
  }
  return out;
}

std::string join_or(const std::vector<std::string>& items,
                    std::string_view none) {
  if (items.empty()) return std::string(none);
  return fmt::format("{}", fmt::join(items, ", "));
}

void print_out(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void print_error(const Failure& failure) {
  const Style style = Style::for_stream(stderr);
  const std::string text =
      fmt::format("tensorplug: {} {}\n", style.bad("error:"), failure.message);
  std::fflush(stdout);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

// JSON -------------------------------------------------------------------

boost::json::value json_string_or_null(std::string_view text) {
  if (text.empty()) return nullptr;
  return boost::json::string(text);
}

boost::json::value json_path_or_null(const std::filesystem::path& path) {
  return json_string_or_null(path.string());
}

boost::json::array json_strings(const std::vector<std::string>& items) {
  boost::json::array out;
  for (const auto& item : items) out.emplace_back(item);
  return out;
}

boost::json::value json_error(const std::optional<Failure>& failure) {
  if (!failure) return nullptr;
  return boost::json::object{{"code", failure->status},
                             {"kind", failure->kind},
                             {"message", failure->message}};
}

boost::json::object json_source(const Source& source) {
  return {{"kind", source.kind_name()},
          {"detail", json_string_or_null(source.detail)},
          {"description", source.describe()}};
}

namespace {
template <class T>
boost::json::object json_setting(const Setting<T>& setting,
                                 boost::json::value value) {
  return {{"value", std::move(value)},
          {"source", setting.source.kind_name()},
          {"detail", json_string_or_null(setting.source.detail)}};
}
}  // namespace

boost::json::object json_settings(const Settings& s) {
  return {
      {"backend",
       json_setting(s.backend, boost::json::string(s.backend.value))},
      {"floatx",
       json_setting(s.floatx, boost::json::string(to_string(s.floatx.value)))},
      {"epsilon", json_setting(s.epsilon, s.epsilon.value)},
      {"image_data_format",
       json_setting(s.image_data_format,
                    boost::json::string(to_string(s.image_data_format.value)))},
  };
}

void add_json_entries(boost::json::object& out, const LibraryReport& report) {
  out["required"] =
      boost::json::object{{"present", json_strings(report.required_present)},
                          {"missing", json_strings(report.required_missing)}};
  out["version_declaration"] = report.has_version_declaration;
  out["optional"] = json_strings(report.optional_provided);
  out["unknown"] = json_strings(report.unknown_entries);
  boost::json::array unusable;
  for (const auto& u : report.unusable_entries) {
    unusable.push_back(
        boost::json::object{{"symbol", u.symbol}, {"problem", u.problem}});
  }
  out["unusable"] = std::move(unusable);
}

boost::json::array json_search_roots(const std::vector<SearchRoot>& roots) {
  boost::json::array out;
  for (const auto& root : roots) {
    out.push_back(boost::json::object{{"path", json_path_or_null(root.path)},
                                      {"origin", root.origin}});
  }
  return out;
}

boost::json::value json_value_or_null(const std::optional<std::string>& raw) {
  if (!raw) return nullptr;
  boost::system::error_code ec;
  boost::json::value value =
      boost::json::parse(*raw, ec, {}, detail::keras_json_parse_options());
  if (ec) return boost::json::string(*raw);
  return value;
}

std::string plain_value(const std::string& raw) {
  boost::system::error_code ec;
  const boost::json::value value =
      boost::json::parse(raw, ec, {}, detail::keras_json_parse_options());
  if (!ec && value.is_string()) return std::string(value.as_string());
  return raw;
}

void print_json(const boost::json::value& value) {
  print_out(boost::json::serialize(value) + "\n");
}

std::string format_epsilon(double value) { return fmt::format("{}", value); }

}  // namespace tensorplug::cli
