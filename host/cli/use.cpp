// `tensorplug use <backend>`: validates the backend exactly as `check` does,
// then writes it to keras.json (atomically, other keys kept). A backend that
// fails validation is refused and the file is left byte-identical.
#include <fmt/format.h>

#include <cstdlib>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "output.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/config_file.hpp"
#include "tensorplug/inspect.hpp"
#include "tensorplug/resolve.hpp"

namespace tensorplug::cli {

std::optional<std::string> environment_backend() {
  const char* value = std::getenv("KERAS_BACKEND");
  if (value == nullptr) return std::nullopt;
  std::string_view text(value);
  const auto first = text.find_first_not_of(" \t\n\r\f\v");
  if (first == std::string_view::npos) return std::nullopt;
  const auto last = text.find_last_not_of(" \t\n\r\f\v");
  return std::string(text.substr(first, last - first + 1));
}

void print_note(std::string_view text) {
  const Style style = Style::for_stream(stderr);
  const std::string line =
      fmt::format("tensorplug: {} {}\n", style.bold("note:"), text);
  std::fflush(stdout);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

void validate_backend_for_use(const std::string& name, bool no_load,
                              std::optional<BackendValidation>& out) {
  ResolveOptions resolve;
  resolve.name_source = "the command line";
  // The roots an application reading this configuration searches.
  const std::filesystem::path dir = config_dir();
  if (!dir.empty()) resolve.config_dir = dir;
  BackendValidation v;
  v.resolution = resolve_backend(name, resolve);
  v.report = inspect_library(v.resolution.library);
  out = v;
  if (!v.report.valid()) throw InvalidBackendError(v.report.problems());
  if (no_load) return;
  LoadOptions load;
  // A library that crashes the system loader is refused, not fatal.
  load.trial_load_in_child = true;
  load.resolve = resolve;
  load.announce = false;
  const Backend backend =
      load_backend_at(v.resolution, Settings::defaults(name), load);
  out->api_version = backend.api_version();
  out->description = backend.description();
}

namespace {

struct UseOptions {
  std::string name;
  bool json = false;
  bool no_load = false;
};

int run(const UseOptions& options) {
  std::optional<BackendValidation> validation;
  std::optional<ConfigChange> change;
  std::optional<Failure> failure;
  const std::optional<std::string> env = environment_backend();
  try {
    validate_backend_for_use(options.name, options.no_load, validation);
    change = set_config_value("backend", validation->resolution.name);
  } catch (...) {
    failure = capture_failure(std::current_exception());
  }

  std::vector<std::string> notes;
  if (change) notes = change->notes;
  if (change && env && *env != validation->resolution.name) {
    notes.insert(notes.begin(),
                 fmt::format("KERAS_BACKEND is set to `{}` in this "
                             "environment and overrides the file: processes "
                             "that inherit it still use `{}` (unset it to use "
                             "`{}`)",
                             *env, *env, validation->resolution.name));
  }

  if (options.json) {
    boost::json::object out;
    out["backend"] = options.name;
    out["library"] = validation
                         ? json_path_or_null(validation->resolution.library)
                         : boost::json::value(nullptr);
    out["origin"] = validation
                        ? json_string_or_null(validation->resolution.origin)
                        : boost::json::value(nullptr);
    out["status"] =
        validation ? boost::json::value(validation->report.valid() ? "valid"
                                                                   : "invalid")
                   : boost::json::value(nullptr);
    out["api_version"] =
        validation && validation->api_version
            ? boost::json::value(validation->api_version->str())
            : boost::json::value(nullptr);
    out["file"] =
        change ? json_path_or_null(change->file) : boost::json::value(nullptr);
    out["previous"] = change ? json_value_or_null(change->previous)
                             : boost::json::value(nullptr);
    out["created"] = change && change->created;
    out["written"] = change && change->written;
    out["environment_override"] =
        env ? boost::json::value(boost::json::object{
                  {"variable", "KERAS_BACKEND"}, {"value", *env}})
            : boost::json::value(nullptr);
    out["notes"] = json_strings(notes);
    out["error"] = json_error(failure);
    print_json(out);
  } else if (change) {
    Report r;
    r.section("Backend");
    r.row("name", validation->resolution.name, "", Tone::kGood);
    r.row("library", validation->resolution.library.string(),
          validation->resolution.origin);
    r.row("validation",
          validation->api_version
              ? fmt::format("valid; loaded, API {}",
                            validation->api_version->str())
              : std::string("valid export table (not loaded: --no-load)"));
    r.section("Configuration");
    r.row("file", change->file.string(),
          change->created   ? "created with the defaults plus the change"
          : change->written ? "updated"
                            : "unchanged (already set)");
    r.row("previous",
          change->previous ? plain_value(*change->previous) : "(not set)");
    print_out(r.render(Style::for_stream(stdout)));
  }
  for (const auto& note : notes) print_note(note);
  if (failure) {
    print_error(*failure);
    return failure->status;
  }
  return exit_status(ExitCode::kSuccess);
}

}  // namespace

Command add_use_command(CLI::App& app) {
  auto options = std::make_shared<UseOptions>();
  CLI::App* cmd = app.add_subcommand(
      "use", "Validate a backend, then make it the one keras.json names");
  cmd->footer(
      "Validates the backend as `check` does (export table, then load,\n"
      "negotiate, initialise and release) and only then writes it to\n"
      "keras.json, atomically and keeping every other key. A backend that\n"
      "fails validation is refused and the file is left unchanged.\n"
      "KERAS_BACKEND, when set, still overrides the file. Exit codes: see\n"
      "docs/cli.md.");
  cmd->add_option("backend", options->name,
                  "A builtin name or a dotted module path")
      ->required();
  cmd->add_flag("--json", options->json,
                "Print one JSON object on stdout (see docs/cli.md)");
  cmd->add_flag("--no-load", options->no_load,
                "Validate from the export table only (none of its code runs)");
  return {cmd, [options] { return run(*options); }};
}

}  // namespace tensorplug::cli
