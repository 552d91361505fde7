// The subcommands of the `tensorplug` tool. Each registers itself on the
// application and runs after parsing, returning the process exit status.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "output.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/inspect.hpp"
#include "tensorplug/resolve.hpp"

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

/// `tensorplug list [--json]`: every installed backend with its status,
/// judged without loading (list.cpp).
Command add_list_command(CLI::App& app);

/// `tensorplug use <backend> [--json] [--no-load]`: validates, then writes
/// the backend to keras.json (use.cpp).
Command add_use_command(CLI::App& app);

/// `tensorplug config path|get|set|unset`: reads and edits keras.json
/// (config_cmd.cpp).
Command add_config_command(CLI::App& app);

/// `tensorplug bench [--backends ...] [--workloads ...] [--threads N]
/// [--json]`: the standard workloads on each backend, interleaved, as
/// medians and ratios to the fastest (bench.cpp).
Command add_bench_command(CLI::App& app);

/// What validating a backend before writing it to keras.json learnt.
struct BackendValidation {
  Resolution resolution;
  LibraryReport report;
  /// Set when the backend was loaded (not with --no-load).
  std::optional<ApiVersion> api_version;
  std::string description;
};

/// Validates `name` as `check` does (resolution with the roots applications
/// using this configuration get, export table, then unless `no_load` load,
/// negotiate, initialise, release). Throws tensorplug::Error; partial
/// results are left in `out` (use.cpp).
void validate_backend_for_use(const std::string& name, bool no_load,
                              std::optional<BackendValidation>& out);

/// KERAS_BACKEND when set to something other than white space.
std::optional<std::string> environment_backend();

/// "tensorplug: note: <text>" on stderr.
void print_note(std::string_view text);

/// "tensorplug 0.1.0 (plugin API 0.1)".
std::string version_text();

}  // namespace tensorplug::cli
