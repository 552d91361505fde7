#include "translate.hpp"

#include <map>
#include <string>

namespace tftf {
namespace {

std::map<std::string, Translation, std::less<>>& table() {
  static std::map<std::string, Translation, std::less<>> t;
  return t;
}

}  // namespace

Translation find_translation(std::string_view op) noexcept {
  const auto& t = table();
  const auto it = t.find(op);
  return it == t.end() ? nullptr : it->second;
}

TranslationRegistration::TranslationRegistration(const char* op,
                                                 Translation fn) {
  table().emplace(op, fn);
}

}  // namespace tftf
