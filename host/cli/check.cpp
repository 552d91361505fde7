// `tensorplug check <name-or-path>`: validates a backend (a builtin name, a
// dotted module path, or a library file) without reading or writing any
// configuration. An invalid library is refused from its export table alone
// and never loaded; a valid one is loaded with the default settings,
// negotiated, initialised and released (unless --no-load). With
// --conformance it runs the conformance kit on it instead (the
// `tensorplug-conformance` executable installed next to this one).
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "commands.hpp"
#include "output.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/inspect.hpp"
#include "tensorplug/resolve.hpp"

namespace tensorplug::cli {
namespace {

struct CheckOptions {
  std::string target;
  bool json = false;
  bool no_load = false;
  bool conformance = false;
  std::string junit;
  /// After `--`: passed on to tensorplug-conformance.
  std::vector<std::string> kit_args;
};

struct CheckState {
  bool is_path = false;
  std::optional<Resolution> resolution;
  std::optional<LibraryReport> report;
  std::optional<ApiVersion> api_version;
  std::string description;
  std::optional<Failure> failure;
};

std::string_view kind_name(Resolution::Kind kind) {
  switch (kind) {
    case Resolution::Kind::kBuiltin:
      return "builtin";
    case Resolution::Kind::kModulePath:
      return "module_path";
    case Resolution::Kind::kFile:
      return "file";
  }
  return "file";
}

CheckState gather(const CheckOptions& options) {
  CheckState s;
  s.is_path = looks_like_library_path(options.target);
  // No config_dir: `check` never reads or writes a configuration.
  ResolveOptions resolve;
  resolve.name_source = "the command line";
  try {
    s.resolution = s.is_path ? resolve_library_file(options.target, resolve)
                             : resolve_backend(options.target, resolve);
    s.report = inspect_library(s.resolution->library);
    if (!s.report->valid()) throw InvalidBackendError(s.report->problems());
    if (!options.no_load) {
      LoadOptions load;
      // A library that crashes the system loader is refused, not fatal.
      load.trial_load_in_child = true;
      load.resolve = resolve;
      load.announce = false;
      const Backend backend = load_backend_at(
          *s.resolution, Settings::defaults(s.resolution->name), load);
      s.api_version = backend.api_version();
      s.description = backend.description();
      // Released here: context shutdown, then the library reference.
    }
  } catch (...) {
    s.failure = capture_failure(std::current_exception());
  }
  return s;
}

std::string render_human(const CheckOptions& options, const CheckState& s,
                         const Style& style) {
  Report r;
  r.section("Backend");
  r.row(s.is_path ? "path" : "name", options.target);
  if (s.resolution) {
    r.row("library", s.resolution->library.string());
    r.row("origin", s.resolution->origin);
  } else {
    r.row("library", "not found", "", Tone::kBad);
  }

  if (s.report) {
    const LibraryReport& rep = *s.report;
    r.section("Export table");
    if (!rep.is_library) {
      r.row("format", "not a usable library", rep.format_error, Tone::kBad);
    } else {
      r.row("format", "shared library for this platform");
      r.row("required entries", join_or(rep.required_present),
            rep.required_missing.empty() ? "all present" : "");
      r.row("missing entries", join_or(rep.required_missing), "",
            rep.required_missing.empty() ? Tone::kPlain : Tone::kBad);
      r.row("version declaration",
            rep.has_version_declaration ? "present" : "missing",
            TP_ENTRY_NEGOTIATE_VERSION,
            rep.has_version_declaration ? Tone::kPlain : Tone::kBad);
      r.row("optional entries", join_or(rep.optional_provided));
      r.row("unknown tp_ entries", join_or(rep.unknown_entries), "",
            rep.unknown_entries.empty() ? Tone::kPlain : Tone::kDim);
      for (const auto& u : rep.unusable_entries) {
        r.row("not callable", u.symbol, u.problem, Tone::kBad);
      }
    }

    r.section("Load");
    const std::string host = host_api_version().str();
    if (!rep.valid()) {
      r.row("status", "refused before loading; none of its code ran", "",
            Tone::kBad);
    } else if (options.no_load) {
      r.row("status", "not loaded (--no-load)", "", Tone::kDim);
    } else if (s.api_version) {
      r.row("API version", s.api_version->str(),
            fmt::format("host speaks {}", host));
      r.row("description",
            s.description.empty() ? "(none given)" : s.description);
      r.row("status", "loaded, initialised and released", "", Tone::kGood);
    } else {
      r.row("API version", "not negotiated",
            fmt::format("host speaks {}", host), Tone::kDim);
      r.row("status", "failed (see the error)", "", Tone::kBad);
    }
  }
  std::string text = r.render(style);
  if (!s.failure) {
    text += '\n';
    text += style.good("valid") + ": " +
            (s.resolution ? s.resolution->library.string() : options.target) +
            (options.no_load ? " (export table only)\n" : "\n");
  }
  return text;
}

boost::json::value render_json(const CheckOptions& options,
                               const CheckState& s) {
  boost::json::object out;
  out["target"] = options.target;
  out["target_kind"] = s.is_path ? "path" : "name";
  if (s.resolution) {
    boost::json::array tried;
    for (const auto& c : s.resolution->tried) {
      tried.push_back(boost::json::object{{"path", json_path_or_null(c.path)},
                                          {"origin", c.origin},
                                          {"outcome", c.outcome}});
    }
    out["resolution"] =
        boost::json::object{{"name", s.resolution->name},
                            {"kind", kind_name(s.resolution->kind)},
                            {"origin", s.resolution->origin},
                            {"library", s.resolution->library.string()},
                            {"tried", std::move(tried)}};
  } else {
    out["resolution"] = nullptr;
  }
  if (s.report) {
    boost::json::object rep;
    rep["file"] = s.report->file.string();
    rep["is_library"] = s.report->is_library;
    rep["format_error"] = json_string_or_null(s.report->format_error);
    add_json_entries(rep, *s.report);
    rep["valid"] = s.report->valid();
    out["report"] = std::move(rep);
  } else {
    out["report"] = nullptr;
  }
  if (s.api_version) {
    out["load"] = boost::json::object{
        {"api_version", s.api_version->str()},
        {"description", json_string_or_null(s.description)}};
  } else {
    out["load"] = nullptr;
  }
  out["host_api_version"] = host_api_version().str();
  out["error"] = json_error(s.failure);
  return out;
}

/// `check --conformance`: replaces this process with the kit, which reports
/// and exits itself; returns only when the kit cannot be started.
int run_conformance(const CheckOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  const fs::path kit = (ec ? fs::path("tensorplug") : self).parent_path() /
                       "tensorplug-conformance";
  if (!fs::exists(kit, ec)) {
    print_error(capture_failure(std::make_exception_ptr(BackendNotFoundError(
        fmt::format("The conformance kit is not installed: {} does not exist "
                    "(it is installed next to `tensorplug`; build the "
                    "tensorplug_conformance target).",
                    kit.string())))));
    return exit_status(ExitCode::kNotFound);
  }
  std::vector<std::string> args = {kit.string(), options.target};
  if (options.json) args.emplace_back("--json");
  if (!options.junit.empty()) {
    args.emplace_back("--junit");
    args.push_back(options.junit);
  }
  args.insert(args.end(), options.kit_args.begin(), options.kit_args.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  execv(kit.c_str(), argv.data());
  print_error(capture_failure(std::make_exception_ptr(
      LoadError(fmt::format("Cannot run the conformance kit {}: {}.",
                            kit.string(), std::strerror(errno))))));
  return exit_status(ExitCode::kLoadFailure);
}

int run(const CheckOptions& options) {
  if (options.conformance) return run_conformance(options);
  const CheckState s = gather(options);
  return emit_report(
      options.json, s.failure, [&] { return render_json(options, s); },
      [&](const Style& style) { return render_human(options, s, style); });
}

}  // namespace

Command add_check_command(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Validate a backend by name or library path, without config");
  cmd->footer(
      "A builtin name, a dotted module path (searched under TENSORPLUG_PATH)\n"
      "or a library file. The export table is read first: an invalid library\n"
      "is refused and never loaded. A valid one is loaded with the default\n"
      "settings, negotiated, initialised and released (unless --no-load).\n"
      "No configuration file is read or written.\n"
      "--conformance runs the conformance kit (tensorplug-conformance) on\n"
      "the backend instead; its own options go after `--`, e.g.\n"
      "  tensorplug check reference --conformance -- --group ops");
  cmd->add_option("backend", options->target,
                  "Backend name (`reference`, `my_package.my_module`) or a "
                  "library path (contains `/` or ends in .so/.dll/.dylib)")
      ->required();
  cmd->add_flag("--json", options->json,
                "Print one JSON object on stdout (see docs/cli.md)");
  CLI::Option* no_load =
      cmd->add_flag("--no-load", options->no_load,
                    "Only read the export table; do not load the library");
  CLI::Option* conformance = cmd->add_flag(
      "--conformance", options->conformance,
      "Run the conformance kit on the backend (docs/conformance.md)");
  conformance->excludes(no_load);
  cmd->add_option("--junit", options->junit,
                  "With --conformance: write a JUnit XML report to FILE")
      ->type_name("FILE")
      ->needs(conformance);
  cmd->add_option("kit-options", options->kit_args,
                  "With --conformance, after `--`: options of "
                  "tensorplug-conformance");
  return {cmd, [options] {
            if (!options->kit_args.empty() && !options->conformance) {
              print_error(capture_failure(std::make_exception_ptr(Error(
                  ExitCode::kUsage,
                  fmt::format("Unexpected argument `{}` (kit options after "
                              "`--` need --conformance).",
                              options->kit_args.front())))));
              return exit_status(ExitCode::kUsage);
            }
            return run(*options);
          }};
}

}  // namespace tensorplug::cli
