// Parsing keras.json with Boost.JSON and locating its top-level members.
#include "config/json_document.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <unordered_map>

#include "tensorplug/errors.hpp"

namespace tensorplug::detail {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kSpace = " \t\n\r";
constexpr std::size_t kMaxReceivedLength = 80;

bool is_space(char c) { return kSpace.find(c) != std::string_view::npos; }

std::size_t skip_space(std::string_view text, std::size_t i) {
  while (i < text.size() && is_space(text[i])) ++i;
  return i;
}

/// `i` is at an opening quote; returns the offset after the closing one.
std::size_t skip_string(std::string_view text, std::size_t i) {
  for (++i; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return text.size();
}

/// `i` is at the first character of a value; returns the offset after it.
std::size_t skip_value(std::string_view text, std::size_t i) {
  if (i >= text.size()) return i;
  if (text[i] == '"') return skip_string(text, i);
  if (text[i] == '{' || text[i] == '[') {
    int depth = 0;
    while (i < text.size()) {
      const char c = text[i];
      if (c == '"') {
        i = skip_string(text, i);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return i;
  }
  while (i < text.size() && !is_space(text[i]) && text[i] != ',' &&
         text[i] != '}' && text[i] != ']') {
    ++i;
  }
  return i;
}

/// Describes the character at `offset` for a syntax error.
std::string describe_char(std::string_view text, std::size_t offset) {
  const auto c = static_cast<unsigned char>(text[offset]);
  if (c == '\n' || c == '\r') return "a line break";
  if (c < 0x20 || c == 0x7F)
    return fmt::format("control character U+{:04X}", c);
  if (c < 0x80) return fmt::format("`{}`", static_cast<char>(c));
  std::size_t end = offset + 1;
  while (end < text.size() &&
         (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    ++end;
  }
  return fmt::format("`{}`", text.substr(offset, end - offset));
}

/// A hint for the common mistakes, or "".
std::string syntax_hint(std::string_view text, std::size_t offset) {
  const char c = text[offset];
  if (c == '}' || c == ']') {
    std::size_t i = offset;
    while (i > 0 && is_space(text[i - 1])) --i;
    if (i > 0 && text[i - 1] == ',') {
      return fmt::format(
          "; a trailing comma before `{}` is not allowed in JSON: remove the "
          "comma. Python Keras silently ignores such a file and uses its "
          "defaults, losing your backend",
          c);
    }
  }
  if (c == '\'') return "; JSON strings and keys need double quotes";
  if (c == '/' || c == '#') return "; JSON does not allow comments";
  return "";
}

std::string syntax_description(std::string_view text, std::size_t offset,
                               const boost::system::error_code& ec) {
  if (offset >= text.size()) {
    return fmt::format(
        "unexpected end of file ({}): a closing `}}` or `]`, or the rest of a "
        "value, is missing",
        ec.message());
  }
  if (ec == boost::json::error::too_deep) {
    return fmt::format(
        "nesting deeper than {} (arrays and objects inside one another, the "
        "top-level object included): flatten the value",
        kMaxJsonDepth);
  }
  if (ec == boost::json::error::extra_data) {
    return fmt::format("unexpected {} after the end of the JSON object",
                       describe_char(text, offset));
  }
  return fmt::format("unexpected {} ({}){}", describe_char(text, offset),
                     ec.message(), syntax_hint(text, offset));
}

/// line_column() for increasing offsets in one pass over the text: each call
/// scans only from the previous offset.
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : text_(text) {}
  LineColumn at(std::size_t offset) {
    offset = std::min(offset, text_.size());
    if (offset < offset_) {  // never happens for members in file order
      offset_ = 0;
      position_ = LineColumn{};
    }
    for (; offset_ < offset; ++offset_) {
      const auto c = static_cast<unsigned char>(text_[offset_]);
      if (c == '\n') {
        ++position_.line;
        position_.column = LineColumn{}.column;
      } else if ((c & 0xC0) != 0x80) {
        ++position_.column;
      }
    }
    return position_;
  }

 private:
  std::string_view text_;
  std::size_t offset_ = 0;
  LineColumn position_;
};

/// Locates the members of the top-level object of valid JSON `text`.
std::vector<JsonMember> locate_members(std::string_view text) {
  std::vector<JsonMember> members;
  LineCounter lines(text);
  std::size_t i = skip_space(text, 0);
  if (i >= text.size() || text[i] != '{') return members;
  ++i;
  while (true) {
    i = skip_space(text, i);
    if (i >= text.size() || text[i] != '"') break;  // '}' ends the object
    JsonMember member;
    const std::size_t key_end = skip_string(text, i);
    const std::string_view key_token = text.substr(i, key_end - i);
    member.key =
        std::string(boost::json::parse(boost::json::string_view(
                                           key_token.data(), key_token.size()))
                        .as_string());
    member.key_position = lines.at(i);
    i = skip_space(text, key_end);
    if (i < text.size() && text[i] == ':') ++i;
    i = skip_space(text, i);
    const std::size_t value_end = skip_value(text, i);
    member.value_position = lines.at(i);
    member.raw_value = std::string(text.substr(i, value_end - i));
    member.value =
        boost::json::parse(boost::json::string_view(member.raw_value.data(),
                                                    member.raw_value.size()),
                           {}, keras_json_parse_options());
    members.push_back(std::move(member));
    i = skip_space(text, value_end);
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    break;
  }
  return members;
}

}  // namespace

std::string FileContext::source_note() const {
  return fmt::format(" (directory source: {})", dir_source.describe());
}

void FileContext::fail(std::string_view what) const {
  throw ConfigError(
      fmt::format("Invalid {}: {}{}.", path.string(), what, source_note()));
}

std::string_view json_kind_name(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "a number";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "a value";
}

std::string received_text(const JsonMember& member) {
  std::string text = member.value.is_number()
                         ? member.raw_value
                         : boost::json::serialize(member.value);
  if (text.size() > kMaxReceivedLength) {
    text.resize(kMaxReceivedLength);
    text += "...";
  }
  return text;
}

std::vector<JsonMember> parse_keras_json(std::string_view content,
                                         const FileContext& context) {
  const bool has_bom = content.starts_with(kBom);
  const std::string_view text = has_bom ? content.substr(kBom.size()) : content;
  const std::size_t base = has_bom ? kBom.size() : 0;

  if (content.empty()) {
    context.fail(
        "the file is empty; expected a JSON object such as "
        "{\"backend\": \"...\"}; delete the file to have the defaults written "
        "again");
  }
  if (skip_space(text, 0) == text.size()) {
    context.fail(
        "the file contains nothing but white space; expected a JSON object "
        "such "
        "as "
        "{\"backend\": \"...\"}");
  }
  if (const auto bad = find_invalid_utf8(content)) {
    const LineColumn at = line_column(text, *bad >= base ? *bad - base : 0);
    context.fail(fmt::format(
        "not valid UTF-8 at byte offset {} (line {}, column {}); save the file "
        "as UTF-8",
        *bad, at.line, at.column));
  }

  boost::json::stream_parser parser({}, keras_json_parse_options());
  boost::system::error_code ec;
  std::size_t offset = parser.write(text.data(), text.size(), ec);
  if (!ec) {
    parser.finish(ec);
    if (ec) offset = text.size();
  }
  if (ec) {
    const LineColumn at = line_column(text, offset);
    throw ConfigError(fmt::format("Invalid JSON in {}:{}:{}: {}{}.",
                                  context.path.string(), at.line, at.column,
                                  syntax_description(text, offset, ec),
                                  context.source_note()));
  }
  const boost::json::value document = parser.release();
  if (!document.is_object()) {
    const LineColumn at = line_column(text, skip_space(text, 0));
    context.fail(fmt::format(
        "expected a JSON object ({{...}}) at the top level; received {} at "
        "line {}, column {}",
        json_kind_name(document), at.line, at.column));
  }

  std::vector<JsonMember> members = locate_members(text);
  std::unordered_map<std::string_view, std::size_t> first_of;
  first_of.reserve(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    const auto [it, inserted] = first_of.emplace(members[i].key, i);
    if (!inserted) {
      context.fail(fmt::format(
          "duplicate key `{}` at line {} and line {}; a key may appear only "
          "once, and Python Keras would silently use the last one",
          members[i].key, members[it->second].key_position.line,
          members[i].key_position.line));
    }
  }
  return members;
}

}  // namespace tensorplug::detail
