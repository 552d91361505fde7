// keras.json as text: UTF-8 and JSON syntax checked with Boost.JSON, and the
// top-level members located so that messages can give line:column.
#pragma once

#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/text_position.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/export.hpp"

namespace tensorplug::detail {

/// The deepest nesting of arrays and objects keras.json may have (the top
/// level object counts as 1): documented in docs/configuration.md. Deeper
/// nesting is refused with "nesting deeper than 512".
inline constexpr std::size_t kMaxJsonDepth = 512;

/// Boost.JSON's options for everything read from keras.json: kMaxJsonDepth
/// instead of Boost's default of 32.
inline boost::json::parse_options keras_json_parse_options() {
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  return options;
}

/// The file a message is about: its path and where its directory came from.
struct FileContext {
  std::filesystem::path path;
  Source dir_source;

  /// " (directory source: environment KERAS_HOME)"
  std::string source_note() const;
  /// Throws ConfigError "Invalid <path>: <what> (directory source: ...)."
  [[noreturn]] void fail(std::string_view what) const;
};

/// One member of the top-level object, in file order.
struct JsonMember {
  std::string key;
  LineColumn key_position;
  LineColumn value_position;
  std::string raw_value;  ///< the value's text as written
  boost::json::value value;
};

/// Parses the whole content of keras.json (a UTF-8 BOM is skipped). Throws
/// ConfigError for an empty file, invalid UTF-8, a syntax error (with
/// path:line:column), a top level that is not an object, or a duplicate key.
std::vector<JsonMember> parse_keras_json(std::string_view content,
                                         const FileContext& context);

/// "a string", "a number", "a boolean", "null", "an array", "an object".
std::string_view json_kind_name(const boost::json::value& v);

/// A value as JSON for messages: numbers as written, others serialized
/// compactly, shortened when long.
std::string received_text(const JsonMember& member);

}  // namespace tensorplug::detail
