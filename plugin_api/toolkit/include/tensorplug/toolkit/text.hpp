// Message building for the reference backend: every error names the entry or
// op it comes from ("add: cannot broadcast shapes (2, 3) and (4,)").
#pragma once

#include <tensorplug/plugin.hpp>

#include <charconv>
#include <concepts>
#include <string>
#include <string_view>
#include <type_traits>

namespace tptk {

namespace detail {
inline void append(std::string& s, std::string_view v) { s.append(v); }
inline void append(std::string& s, const char* v) {
  s.append(v != nullptr ? v : "(null)");
}
inline void append(std::string& s, const std::string& v) { s.append(v); }
template <class T>
requires(std::is_integral_v<T> && !std::same_as<T, char> &&
         !std::same_as<T, bool>) void append(std::string& s, T v) {
  s.append(std::to_string(v));
}
/** Floating point in the shortest form that reads back exactly ("0.1",
 * "3", "1e-07"), not std::to_string's fixed six decimals. */
template <class T>
requires std::is_floating_point_v<T>
void append(std::string& s, T v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, r.ptr);
}
}  // namespace detail

/** Concatenates strings and numbers. */
template <class... Parts>
std::string cat(const Parts&... parts) {
  std::string s;
  (detail::append(s, parts), ...);
  return s;
}

/** Throws tp::Error(status, cat(parts...)). */
template <class... Parts>
[[noreturn]] void fail(tp_status status, const Parts&... parts) {
  throw tp::Error(status, cat(parts...));
}

/** 'name' in single quotes, for messages. */
inline std::string quoted(std::string_view name) { return cat("'", name, "'"); }

}  // namespace tptk
