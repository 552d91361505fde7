// The subcommands of the `tensorplug` tool. Each registers itself on the
// application and runs after parsing, returning the process exit status.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "output.hpp"

namespace tensorplug::cli {

/// A registered subcommand and what runs it once it was parsed (returns
/// the exit status).
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

/// `tensorplug info [--json]`: the effective configuration and the loaded
/// backend (info.cpp).
Command add_info_command(CLI::App& app);

/// `tensorplug check <name-or-path> [--json] [--no-load]`: validates any
/// backend without touching the configuration (check.cpp).
Command add_check_command(CLI::App& app);

/// "tensorplug 0.1.0 (plugin API 0.1)".
std::string version_text();

}  // namespace tensorplug::cli
