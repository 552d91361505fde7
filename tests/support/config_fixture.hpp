// Helpers for configuration tests: load a keras.json of given content from a
// fresh directory and prove the file was left untouched.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "temp_dir.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/errors.hpp"

namespace tensorplug::test {

/// Options that use `dir` as the configuration directory.
inline ConfigOptions in_dir(const TempDir& dir) {
  ConfigOptions options;
  options.config_dir = dir.path();
  return options;
}

/// Loads keras.json = `content` (KERAS_BACKEND unset); checks the file is
/// byte-identical with the same mtime afterwards.
inline Config load_with(const std::string& content) {
  EnvGuard no_backend("KERAS_BACKEND", std::nullopt);
  TempDir dir;
  const auto file = dir.write("keras.json", content);
  const auto snapshot = FileSnapshot::take(file);
  Config config = load_config(in_dir(dir));
  CHECK(snapshot.unchanged(file));
  return config;
}

struct ConfigFailure {
  std::string message;
  std::filesystem::path file;
};

/// The ConfigError for keras.json = `content`; checks that the file is
/// byte-identical with the same mtime and that the message names the file
/// and the directory's source.
inline ConfigFailure config_error_for(const std::string& content) {
  TempDir dir;
  const auto file = dir.write("keras.json", content);
  const auto snapshot = FileSnapshot::take(file);
  std::string message;
  try {
    load_config(in_dir(dir));
    FAIL("expected a ConfigError for: " << content);
  } catch (const ConfigError& e) {
    message = e.what();
  }
  CHECK(snapshot.unchanged(file));
  CHECK_THAT(message, Catch::Contains(file.string()));
  CHECK_THAT(message, Catch::Contains("directory source: application via "
                                      "ConfigOptions::config_dir"));
  return {message, file};
}

}  // namespace tensorplug::test
