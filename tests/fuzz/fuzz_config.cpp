// Fuzz target: keras.json parsing and validation, as load_config() does them
// on a file's content. Every input is either accepted or refused with a
// ConfigError; nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/file_settings.hpp"
#include "config/json_document.hpp"
#include "tensorplug/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace tensorplug;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  detail::FileContext context;
  context.path = "/fuzz/keras.json";
  try {
    const auto members = detail::parse_keras_json(text, context);
    Settings settings = Settings::defaults("reference");
    (void)detail::apply_file_members(members, context, settings);
  } catch (const ConfigError&) {
  }
  return 0;
}
