// The host's own logger (not part of the public API).
#pragma once

#include <spdlog/logger.h>

namespace tensorplug::detail {

/// The shared "tensorplug" logger, created on first use with the level from
/// TENSORPLUG_LOG and a stderr sink.
spdlog::logger& log();

}  // namespace tensorplug::detail
