// Logging: tensorplug logs through spdlog to stderr by default. The level
// comes from TENSORPLUG_LOG (error, warn, info, debug, trace; default info).
// Applications can silence it, change the level, or take every message.
#pragma once

#include <functional>
#include <string_view>

#include "tensorplug/export.hpp"

namespace tensorplug {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };

/// Receives every message at or above the current level.
using LogHandler = std::function<void(LogLevel, std::string_view)>;

/// Sets the level (overrides TENSORPLUG_LOG).
TENSORPLUG_API void set_log_level(LogLevel level);
TENSORPLUG_API LogLevel log_level();

/// Replaces the stderr sink with `handler`; an empty handler restores stderr.
TENSORPLUG_API void set_log_handler(LogHandler handler);

/// Parses "error", "warn", "info", "debug", "trace", "off"; nullopt-like
/// false when the text is not a level.
TENSORPLUG_API bool parse_log_level(std::string_view text, LogLevel& out);

}  // namespace tensorplug
