// Writing keras.json with the defaults when it is missing, as Keras does, but
// atomically and without ever replacing a file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "config/atomic_write.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/export.hpp"

namespace tensorplug::detail {

/// Keras's layout: a JSON object with 4-space indentation and the keys
/// floatx, epsilon, backend, image_data_format in that order, then a newline.
std::string default_file_content(const Settings& defaults);

struct DefaultFileResult {
  WriteOutcome outcome;
  std::vector<std::string> warnings;
};

/// Creates `dir` (mode 0700) when missing and writes `file` with
/// default_file_content(). Failing to write is a warning, never an error; so
/// is a backend Python Keras cannot import.
DefaultFileResult write_default_file(const std::filesystem::path& dir,
                                     const std::filesystem::path& file,
                                     const Settings& defaults,
                                     const std::string& env_prefix);

}  // namespace tensorplug::detail
