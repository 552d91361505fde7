// The `tensorplug` command-line tool: global options, the subcommands, and
// the mapping of every failure to a documented exit status (docs/cli.md).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <vector>

#include "commands.hpp"
#include "output.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/log.hpp"

// The tool's version; the build should define it from the project version.
#ifndef TENSORPLUG_VERSION
#define TENSORPLUG_VERSION "0.1.0"
#endif

namespace tensorplug::cli {

std::string version_text() {
  return fmt::format("tensorplug {} (plugin API {})", TENSORPLUG_VERSION,
                     host_api_version().str());
}

namespace {

int run_tool(int argc, char** argv) {
  CLI::App app{"tensorplug: inspect, validate and load tensorplug backends.",
               "tensorplug"};
  // Global options are accepted after the subcommand too.
  app.fallthrough();
  app.require_subcommand(1);
  app.set_version_flag("--version", version_text(),
                       "Print the tool's version and the plugin API version");
  app.footer(
      "Results go to stdout; log messages and errors to stderr. Exit codes:\n"
      "0 ok, 2 configuration, 3 not found, 4 invalid backend, 5 incompatible\n"
      "API version, 6 load or initialisation failure, 64 usage (docs/cli.md).");
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return fmt::format(
        "tensorplug: error: {}\nRun `tensorplug --help` for usage.\n",
        e.what());
  });

  GlobalOptions globals;
  CLI::Option* verbose = app.add_flag("-v,--verbose", globals.verbose,
                                      "Log debug messages (to stderr)");
  CLI::Option* quiet =
      app.add_flag("-q,--quiet", globals.quiet,
                   "Log errors only (also silences `Using <name> backend.`)");
  verbose->excludes(quiet);

  const std::vector<Command> commands = {
      add_info_command(app), add_check_command(app),  add_list_command(app),
      add_use_command(app),  add_config_command(app), add_bench_command(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" that exit 0; every real usage error
    // is 64 (EX_USAGE), whatever CLI11's own code for it.
    const int code = app.exit(e);
    return code == 0 ? 0 : exit_status(ExitCode::kUsage);
  }

  if (globals.verbose) {
    set_log_level(LogLevel::kDebug);
  } else if (globals.quiet) {
    set_log_level(LogLevel::kError);
  }
  for (const Command& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  // require_subcommand(1) makes this unreachable.
  return exit_status(ExitCode::kUsage);
}

}  // namespace
}  // namespace tensorplug::cli

int main(int argc, char** argv) {
  try {
    return tensorplug::cli::run_tool(argc, argv);
  } catch (...) {
    tensorplug::cli::print_error(
        tensorplug::cli::capture_failure(std::current_exception()));
    return tensorplug::cli::kInternalErrorStatus;
  }
}
