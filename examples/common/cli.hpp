// Small command-line helpers shared by the examples: usage errors, integer
// and positive-number options, JSON string quoting.
#pragma once

#include <tensorplug/backend.hpp>
#include <tensorplug/errors.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>

namespace tpex {

/// A bad command line: the program prints it with its usage and exits 64.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// `text` as an integer >= `min`, else a UsageError naming `option`.
inline long long to_integer(const std::string& option, const std::string& text,
                            long long min) {
  std::size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || v < min) {
    throw UsageError(option + " expects an integer >= " + std::to_string(min) +
                     ", got `" + text + "`");
  }
  return v;
}

/// `text` as a number > 0, else a UsageError naming `option`.
inline double to_positive(const std::string& option, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(v > 0)) {
    throw UsageError(option + " expects a positive number, got `" + text + "`");
  }
  return v;
}

/// `s` as a JSON string literal.
inline std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

/// Keras's `from keras import backend`: keras.json, then KERAS_BACKEND;
/// `--backend NAME` names one explicitly, the other settings still apply.
inline tensorplug::Backend load_backend(
    const std::optional<std::string>& name) {
  return name ? tensorplug::load_backend(*name) : tensorplug::load_backend();
}

/// An example's main: `parse(argc, argv)` gives the options (a UsageError
/// prints it with `usage` and exits 64), then `body(options)` runs; a
/// tensorplug error exits with its code, a usage error found later with 64,
/// anything else with 1, each printed as "<program>: <message>".
template <class Parse, class Body>
int guarded_main(const char* program, const char* usage, int argc, char** argv,
                 Parse parse, Body body) {
  decltype(parse(argc, argv)) options;
  try {
    options = parse(argc, argv);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: %s\n%s", program, e.what(), usage);
    return static_cast<int>(tensorplug::ExitCode::kUsage);
  }
  try {
    return body(options);
  } catch (const tensorplug::Error& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    return static_cast<int>(e.code());
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    return static_cast<int>(tensorplug::ExitCode::kUsage);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    return 1;
  }
}

}  // namespace tpex
