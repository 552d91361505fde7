// Interpreting keras.json: each key's type and value, Keras 1's
// image_dim_ordering, and warnings with suggestions for unknown keys.
#include "config/file_settings.hpp"

#include <fmt/format.h>

#include <array>
#include <boost/json.hpp>

#include "config/suggest.hpp"
#include "config/values.hpp"

namespace tensorplug::detail {
namespace {

constexpr std::array<std::string_view, 5> kKnownKeys = {
    kKeyFloatx, kKeyEpsilon, kKeyBackend, kKeyImageDataFormat,
    kKeyImageDimOrdering};

/// "32 (a number)", "\"x\" (a string)", "null".
std::string received_with_kind(const JsonMember& member) {
  if (member.value.is_null()) return "null";
  return fmt::format("{} ({})", received_text(member),
                     json_kind_name(member.value));
}

ValueOrigin origin_of(const JsonMember& member, const FileContext& context) {
  return ValueOrigin{
      "in " + context.path.string(),
      fmt::format(" at line {}, column {}{}", member.value_position.line,
                  member.value_position.column, context.source_note())};
}

/// The member's string, or a ConfigError naming the type received.
std::string_view require_string(const JsonMember& member,
                                const ValueOrigin& origin,
                                std::string_view expected) {
  if (!member.value.is_string()) {
    throw_invalid_value(member.key, origin,
                        fmt::format("a string, {}", expected),
                        received_with_kind(member));
  }
  const auto& text = member.value.get_string();
  return std::string_view(text.data(), text.size());
}

double require_number(const JsonMember& member, const ValueOrigin& origin) {
  if (!member.value.is_number()) {
    throw_invalid_value(member.key, origin, kExpectEpsilon,
                        received_with_kind(member));
  }
  return member.value.to_number<double>();
}

const JsonMember* find(const std::vector<JsonMember>& members,
                       std::string_view key) {
  for (const auto& member : members) {
    if (member.key == key) return &member;
  }
  return nullptr;
}

std::string unknown_key_warning(const JsonMember& member,
                                const FileContext& context) {
  const std::string head =
      fmt::format("Unknown key `{}` in {} (line {}) is ignored", member.key,
                  context.path.string(), member.key_position.line);
  if (const auto near = suggest_key(member.key, kKnownKeys)) {
    return fmt::format("{}; did you mean `{}`?", head, *near);
  }
  return fmt::format(
      "{} (tensorplug reads floatx, epsilon, backend and "
      "image_data_format)",
      head);
}

}  // namespace

FileSettings apply_file_members(const std::vector<JsonMember>& members,
                                const FileContext& context,
                                Settings& settings) {
  FileSettings result;
  const Source from_file{Source::Kind::kFile, context.path.string()};

  for (const auto& member : members) {
    const ValueOrigin origin = origin_of(member, context);
    if (member.key == kKeyFloatx) {
      settings.floatx = {
          parse_floatx(require_string(member, origin, kExpectFloatx), origin),
          from_file};
    } else if (member.key == kKeyEpsilon) {
      settings.epsilon = {check_epsilon(require_number(member, origin),
                                        received_text(member), origin),
                          from_file};
    } else if (member.key == kKeyBackend) {
      settings.backend = {
          check_backend(require_string(member, origin, kExpectBackend), origin),
          from_file};
    } else if (member.key == kKeyImageDataFormat) {
      settings.image_data_format = {
          parse_image_data_format(
              require_string(member, origin, kExpectImageDataFormat), origin),
          from_file};
    } else if (member.key == kKeyImageDimOrdering) {
      // Validated here; applied below once image_data_format is known.
      parse_image_dim_ordering(
          require_string(member, origin, kExpectImageDimOrdering), origin);
    } else {
      result.unknown_keys.emplace_back(member.key,
                                       boost::json::serialize(member.value));
      result.warnings.push_back(unknown_key_warning(member, context));
    }
  }

  if (const JsonMember* legacy = find(members, kKeyImageDimOrdering)) {
    const ValueOrigin origin = origin_of(*legacy, context);
    const ImageDataFormat mapped = parse_image_dim_ordering(
        require_string(*legacy, origin, kExpectImageDimOrdering), origin);
    if (const JsonMember* modern = find(members, kKeyImageDataFormat)) {
      result.warnings.push_back(fmt::format(
          "{} has both `image_data_format` (line {}) and Keras 1's "
          "`image_dim_ordering` (line {}): `image_data_format` wins "
          "(\"{}\"); remove `image_dim_ordering`",
          context.path.string(), modern->key_position.line,
          legacy->key_position.line,
          to_string(settings.image_data_format.value)));
    } else {
      settings.image_data_format = {mapped, from_file};
      result.warnings.push_back(fmt::format(
          "`image_dim_ordering` in {} (line {}) is Keras 1's name for "
          "`image_data_format`: using image_data_format \"{}\"; write "
          "\"image_data_format\": \"{}\" instead",
          context.path.string(), legacy->key_position.line, to_string(mapped),
          to_string(mapped)));
    }
  }
  return result;
}

}  // namespace tensorplug::detail
