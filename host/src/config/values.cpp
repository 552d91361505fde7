// The value rules, the defaults and the runtime setters.
#include "config/values.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>

#include "tensorplug/errors.hpp"

namespace tensorplug {
namespace detail {

void throw_invalid_value(std::string_view key, const ValueOrigin& origin,
                         std::string_view expected, std::string_view received) {
  throw ConfigError(fmt::format("Invalid `{}` {}: expected {}; received {}{}.",
                                key, origin.where, expected, received,
                                origin.suffix));
}

std::string json_quote(std::string_view text) {
  return boost::json::serialize(
      boost::json::string_view(text.data(), text.size()));
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

FloatX parse_floatx(std::string_view text, const ValueOrigin& origin) {
  if (text == "float16") return FloatX::kFloat16;
  if (text == "float32") return FloatX::kFloat32;
  if (text == "float64") return FloatX::kFloat64;
  throw_invalid_value(kKeyFloatx, origin, kExpectFloatx, json_quote(text));
}

ImageDataFormat parse_image_data_format(std::string_view text,
                                        const ValueOrigin& origin) {
  if (text == "channels_last") return ImageDataFormat::kChannelsLast;
  if (text == "channels_first") return ImageDataFormat::kChannelsFirst;
  throw_invalid_value(kKeyImageDataFormat, origin, kExpectImageDataFormat,
                      json_quote(text));
}

ImageDataFormat parse_image_dim_ordering(std::string_view text,
                                         const ValueOrigin& origin) {
  if (text == "th") return ImageDataFormat::kChannelsFirst;
  if (text == "tf") return ImageDataFormat::kChannelsLast;
  throw_invalid_value(kKeyImageDimOrdering, origin, kExpectImageDimOrdering,
                      json_quote(text));
}

double check_epsilon(double value, std::string_view received,
                     const ValueOrigin& origin) {
  if (!std::isfinite(value)) {
    throw_invalid_value(kKeyEpsilon, origin, kExpectEpsilon,
                        fmt::format("{} (not a finite number)", received));
  }
  if (!(value > 0.0)) {
    throw_invalid_value(kKeyEpsilon, origin, kExpectEpsilon, received);
  }
  return value;
}

std::string check_backend(std::string_view text, const ValueOrigin& origin) {
  const std::string_view name = trim(text);
  if (name.empty()) {
    throw_invalid_value(kKeyBackend, origin, kExpectBackend, json_quote(text));
  }
  return std::string(name);
}

std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", value);
}

}  // namespace detail

namespace {
Source runtime_source() { return Source{Source::Kind::kRuntime, {}}; }
}  // namespace

const char* default_backend_name() { return TENSORPLUG_DEFAULT_BACKEND; }

Settings Settings::defaults(std::string default_backend) {
  Settings settings;
  settings.backend = {std::move(default_backend), Source{}};
  settings.floatx = {FloatX::kFloat32, Source{}};
  settings.epsilon = {detail::kDefaultEpsilon, Source{}};
  settings.image_data_format = {ImageDataFormat::kChannelsLast, Source{}};
  return settings;
}

void Settings::set_backend(std::string_view name) {
  backend = {detail::check_backend(name, detail::ValueOrigin::runtime()),
             runtime_source()};
}

void Settings::set_floatx(std::string_view name) {
  floatx = {detail::parse_floatx(name, detail::ValueOrigin::runtime()),
            runtime_source()};
}

void Settings::set_epsilon(double value) {
  epsilon = {detail::check_epsilon(value, detail::format_number(value),
                                   detail::ValueOrigin::runtime()),
             runtime_source()};
}

void Settings::set_image_data_format(std::string_view name) {
  image_data_format = {
      detail::parse_image_data_format(name, detail::ValueOrigin::runtime()),
      runtime_source()};
}

}  // namespace tensorplug
