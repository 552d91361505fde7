// Fuzz target: the config editor's pure part. Input: a keras.json content,
// then (after a NUL) a key, then (after a NUL) a value. When the content
// parses and the value validates, the edited file must parse again with the
// member set to that value and every other member kept.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/edit.hpp"
#include "config/json_document.hpp"
#include "tensorplug/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace tensorplug;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto first = input.find('\0');
  if (first == std::string_view::npos) return 0;
  const auto second = input.find('\0', first + 1);
  if (second == std::string_view::npos) return 0;
  const std::string_view content = input.substr(0, first);
  const std::string_view key = input.substr(first + 1, second - first - 1);
  const std::string_view value = input.substr(second + 1);
  detail::FileContext context;
  context.path = "/fuzz/keras.json";
  std::vector<detail::JsonMember> members;
  std::string json;
  try {
    members = detail::parse_keras_json(content, context);
    json = detail::validated_json_value(key, value, context.path);
  } catch (const Error&) {
    return 0;
  }
  std::vector<detail::RawMember> raw;
  bool found = false;
  for (const auto& m : members) {
    raw.emplace_back(m.key, m.key == key ? json : m.raw_value);
    found = found || m.key == key;
  }
  if (!found) raw.emplace_back(std::string(key), json);
  const std::string edited = detail::render_members(raw);
  std::vector<detail::JsonMember> again;
  try {
    again = detail::parse_keras_json(edited, context);
  } catch (const Error&) {
    std::abort();  // the editor wrote a file that does not parse
  }
  if (again.size() != raw.size()) std::abort();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (again[i].key != raw[i].first || again[i].raw_value != raw[i].second) {
      std::abort();
    }
  }
  return 0;
}
