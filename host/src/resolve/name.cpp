// Backend names: a dotted path of identifiers that can never leave its root.
#include <fmt/format.h>

#include "tensorplug/resolve.hpp"

namespace tensorplug {
namespace {
bool ident_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }
}  // namespace

std::string check_backend_name(std::string_view name) {
  if (name.empty()) return "the name is empty";
  if (name.find('\0') != std::string_view::npos) {
    return "it contains a NUL character";
  }
  if (name.find('/') != std::string_view::npos ||
      name.find('\\') != std::string_view::npos) {
    return "it contains a path separator; a backend name is a dotted module "
           "path such as `my_package.my_module`, never a file path";
  }
  std::size_t start = 0;
  std::size_t index = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    const std::string_view part = name.substr(
        start,
        dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty()) {
      return fmt::format(
          "component {} is empty (names are identifiers joined by single "
          "dots; `..` and leading or trailing dots are not allowed)",
          index + 1);
    }
    if (!ident_start(part.front())) {
      return fmt::format(
          "component `{}` does not start with a letter or `_` (each "
          "component must match [A-Za-z_][A-Za-z0-9_]*)",
          part);
    }
    for (char c : part) {
      if (!ident_char(c)) {
        return fmt::format(
            "component `{}` contains `{}` (each component must match "
            "[A-Za-z_][A-Za-z0-9_]*)",
            part, c);
      }
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
    ++index;
  }
  return {};
}

std::string_view library_suffix() {
#if defined(_WIN32)
  return ".dll";
#elif defined(__APPLE__)
  return ".dylib";
#else
  return ".so";
#endif
}

}  // namespace tensorplug
