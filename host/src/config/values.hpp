// Validation of the four Keras settings, shared by keras.json, the
// environment and the runtime setters so that all give the same messages.
#pragma once

#include <string>
#include <string_view>

#include "tensorplug/config.hpp"
#include "tensorplug/export.hpp"

namespace tensorplug::detail {

inline constexpr std::string_view kKeyFloatx = "floatx";
inline constexpr std::string_view kKeyEpsilon = "epsilon";
inline constexpr std::string_view kKeyBackend = "backend";
inline constexpr std::string_view kKeyImageDataFormat = "image_data_format";
inline constexpr std::string_view kKeyImageDimOrdering = "image_dim_ordering";

/// What each key accepts, as the messages say it.
inline constexpr std::string_view kExpectFloatx =
    "one of float16, float32, float64";
inline constexpr std::string_view kExpectEpsilon =
    "a finite number greater than 0";
inline constexpr std::string_view kExpectImageDataFormat =
    "one of channels_last, channels_first";
inline constexpr std::string_view kExpectBackend = "a non-empty backend name";
inline constexpr std::string_view kExpectImageDimOrdering = "one of th, tf";

inline constexpr double kDefaultEpsilon = 1e-07;

/// Where a value under validation comes from, for messages.
struct ValueOrigin {
  /// Follows "Invalid `key` ": "in /home/u/.keras/keras.json",
  /// "set at run time", "in ConfigOptions::default_backend".
  std::string where;
  /// Follows the received value: " at line 2, column 15 (directory source:
  /// default)" or "".
  std::string suffix;

  static ValueOrigin runtime() { return {"set at run time", ""}; }
};

/// Throws ConfigError: "Invalid `key` <where>: expected <expected>; received
/// <received><suffix>."
[[noreturn]] void throw_invalid_value(std::string_view key,
                                      const ValueOrigin& origin,
                                      std::string_view expected,
                                      std::string_view received);

/// `text` as a JSON string literal (quotes and escapes), for messages.
std::string json_quote(std::string_view text);

/// `text` without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view text);

/// The validators. Each throws ConfigError through throw_invalid_value.
FloatX parse_floatx(std::string_view text, const ValueOrigin& origin);
ImageDataFormat parse_image_data_format(std::string_view text,
                                        const ValueOrigin& origin);
/// `received` is the value as written (JSON text) for the message.
double check_epsilon(double value, std::string_view received,
                     const ValueOrigin& origin);
/// Returns the trimmed name.
std::string check_backend(std::string_view text, const ValueOrigin& origin);
/// Keras 1's image_dim_ordering: th -> channels_first, tf -> channels_last.
ImageDataFormat parse_image_dim_ordering(std::string_view text,
                                         const ValueOrigin& origin);

/// Python-style shortest representation of a double ("1e-07", "0.001").
std::string format_number(double value);

}  // namespace tensorplug::detail
