// The default keras.json: content, creation, and the coexistence warning.
#include "config/default_file.hpp"

#include <fmt/format.h>

#include "config/values.hpp"

namespace tensorplug::detail {

std::string default_file_content(const Settings& defaults) {
  return fmt::format(
      "{{\n"
      "    \"floatx\": {},\n"
      "    \"epsilon\": {},\n"
      "    \"backend\": {},\n"
      "    \"image_data_format\": {}\n"
      "}}\n",
      json_quote(to_string(defaults.floatx.value)),
      format_number(defaults.epsilon.value), json_quote(defaults.backend.value),
      json_quote(to_string(defaults.image_data_format.value)));
}

DefaultFileResult write_default_file(const std::filesystem::path& dir,
                                     const std::filesystem::path& file,
                                     const Settings& defaults,
                                     const std::string& env_prefix) {
  DefaultFileResult result;
  if (const std::error_code error = create_directories_private(dir)) {
    result.outcome =
        WriteOutcome{WriteOutcome::Kind::kFailed, error,
                     fmt::format("cannot create the directory {}: {}",
                                 dir.string(), error.message())};
    result.warnings.push_back(fmt::format(
        "Could not write the default {}: {}; using the defaults in memory",
        file.string(), result.outcome.what));
    return result;
  }

  result.outcome =
      write_new_file_atomically(file, default_file_content(defaults));
  switch (result.outcome.kind) {
    case WriteOutcome::Kind::kFailed:
      result.warnings.push_back(fmt::format(
          "Could not write the default {}: {}; using the defaults in memory",
          file.string(), result.outcome.what));
      break;
    case WriteOutcome::Kind::kExists:
      break;  // the caller reads what appeared
    case WriteOutcome::Kind::kWritten:
      if (!python_keras_knows_backend(defaults.backend.value)) {
        result.warnings.push_back(fmt::format(
            "Wrote {} with \"backend\": {}, which Python Keras cannot import: "
            "Python Keras reading this file will fail. To avoid it, give "
            "Python Keras its own directory (run it with KERAS_HOME set to "
            "another directory) or set KERAS_BACKEND (e.g. tensorflow) where "
            "Python runs, or give this application its own directory "
            "(ConfigOptions::config_dir or {}_HOME)",
            file.string(), json_quote(defaults.backend.value), env_prefix));
      }
      break;
  }
  return result;
}

}  // namespace tensorplug::detail
