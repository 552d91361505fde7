// `tensorplug info`: the effective configuration, where each setting came
// from, and the configured backend, loaded the way an application loads it.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>
#include <optional>
#include <system_error>

#include "commands.hpp"
#include "config/json_document.hpp"
#include "output.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/config_file.hpp"
#include "tensorplug/inspect.hpp"
#include "tensorplug/resolve.hpp"
#include "tensorplug/threads.hpp"

namespace tensorplug::cli {
namespace {

struct InfoOptions {
  bool json = false;
};

/// Everything `info` learnt, step by step; later steps are empty when an
/// earlier one failed.
struct InfoState {
  std::optional<Config> config;
  /// Known even when the configuration could not be read.
  std::filesystem::path dir;
  std::filesystem::path file;
  std::optional<Source> dir_source;
  ResolveOptions resolve;
  std::vector<SearchRoot> roots;
  std::filesystem::path builtin_dir;
  std::vector<std::string> builtins;
  std::optional<Resolution> resolution;
  std::optional<LibraryReport> report;
  std::optional<ApiVersion> api_version;
  std::string description;
  std::optional<Setting<unsigned>> threads;
  /// keras.json's members as read for the precedence chain.
  std::optional<ConfigFileContents> file_contents;
  std::optional<Failure> failure;
};

/// One source consulted for a setting, in the order they are consulted (the
/// last one present wins).
struct Consulted {
  std::string source;  ///< "default", "file", "environment"
  std::string detail;  ///< the path or variable name, or empty
  /// The value it gives, as JSON text; nullopt when it gives none.
  std::optional<std::string> value;
  bool wins = false;
};

struct Chain {
  std::string key;
  std::vector<Consulted> consulted;
};

/// Configuration -> resolution -> validation -> loading, as load_backend()
/// does, but keeping each step's result for the output.
InfoState gather() {
  InfoState s;
  try {
    s.config = load_config();
    s.dir = s.config->dir;
    s.file = s.config->file;
    s.dir_source = s.config->dir_source;
  } catch (...) {
    s.failure = capture_failure(std::current_exception());
    try {
      Source source;
      s.dir = config_dir({}, &source);
      s.dir_source = source;
      if (!s.dir.empty()) s.file = s.dir / "keras.json";
    } catch (...) {
      // The error already captured says why.
    }
  }
  // An unusable directory is no search root (never a relative `backends`).
  if (!s.dir.empty()) s.resolve.config_dir = s.dir;
  s.roots = search_roots(s.resolve);
  s.builtin_dir = builtin_backend_dir(s.resolve);
  s.builtins = builtin_backend_names(s.resolve);
  if (!s.config) return s;
  try {
    s.file_contents = read_keras_json();
  } catch (...) {
    // load_config() read the same file; a race at worst: no chain detail.
  }

  try {
    const Settings& settings = s.config->settings;
    s.resolve.name_source = settings.backend.source.describe();
    s.resolution = resolve_backend(settings.backend.value, s.resolve);
    // Validate first: an invalid library is refused with one message and
    // never loaded.
    s.report = inspect_library(s.resolution->library);
    if (!s.report->valid()) throw InvalidBackendError(s.report->problems());
    LoadOptions load;
    // A library that crashes the system loader is refused, not fatal.
    load.trial_load_in_child = true;
    load.resolve = s.resolve;
    load.announce = true;  // Keras's `Using <name> backend.`
    const Backend backend = load_backend_at(*s.resolution, settings, load);
    s.api_version = backend.api_version();
    s.description = backend.description();
    s.threads = backend.threads();
  } catch (...) {
    s.failure = capture_failure(std::current_exception());
  }
  return s;
}

std::string json_text(std::string_view text) {
  return boost::json::serialize(boost::json::value(boost::json::string(text)));
}

/// For each setting: default, then keras.json, then (backend only) the
/// environment variable; the winner is the source load_config() reported.
std::vector<Chain> precedence(const InfoState& s) {
  std::vector<Chain> chains;
  if (!s.config) return chains;
  const Settings& st = s.config->settings;
  const Settings d = Settings::defaults(ConfigOptions{}.default_backend);
  const std::string file = s.file.string();
  auto in_file = [&](std::string_view key) -> std::optional<std::string> {
    if (!s.file_contents) return std::nullopt;
    return s.file_contents->find(key);
  };
  auto make = [&](std::string key, std::string default_value,
                  std::string effective, Source::Kind winner) {
    Chain c{key, {}};
    c.consulted.push_back({"default", "", std::move(default_value),
                           winner == Source::Kind::kDefault});
    std::optional<std::string> from_file = in_file(key);
    if (!from_file && key == "image_data_format" &&
        winner == Source::Kind::kFile) {
      from_file = effective;  // Keras 1's image_dim_ordering, mapped
    }
    c.consulted.push_back(
        {"file", file, from_file, winner == Source::Kind::kFile});
    return c;
  };
  Chain backend = make("backend", json_text(d.backend.value),
                       json_text(st.backend.value), st.backend.source.kind);
  const auto env = environment_backend();
  backend.consulted.push_back(
      {"environment", "KERAS_BACKEND",
       env ? std::optional<std::string>(json_text(*env)) : std::nullopt,
       st.backend.source.kind == Source::Kind::kEnvironment});
  chains.push_back(std::move(backend));
  chains.push_back(make("floatx", json_text(to_string(d.floatx.value)),
                        json_text(to_string(st.floatx.value)),
                        st.floatx.source.kind));
  chains.push_back(make("epsilon", format_epsilon(d.epsilon.value),
                        format_epsilon(st.epsilon.value),
                        st.epsilon.source.kind));
  chains.push_back(make("image_data_format",
                        json_text(to_string(d.image_data_format.value)),
                        json_text(to_string(st.image_data_format.value)),
                        st.image_data_format.source.kind));
  return chains;
}

std::string file_note(const InfoState& s) {
  if (!s.config) return "unusable (see the error)";
  if (s.config->file_written) return "created with the defaults";
  if (s.config->file_existed) return "read";
  return "not present; defaults in memory";
}

std::string render_human(const InfoState& s, const Style& style) {
  Report r;
  r.section("Configuration");
  r.row("directory", s.dir.empty() ? "none" : s.dir.string(),
        s.dir_source ? s.dir_source->describe() : std::string());
  if (!s.dir.empty()) {
    r.row("file", s.file.string(), file_note(s),
          s.config ? Tone::kPlain : Tone::kBad);
  }
  if (s.config && !s.config->unknown_keys.empty()) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : s.config->unknown_keys) {
      keys.push_back(key);
    }
    r.row("unknown keys", join_or(keys), "kept, not used");
  }

  r.section("Settings");
  if (!s.config) {
    r.row("settings", "unavailable", "the configuration could not be read",
          Tone::kBad);
  } else {
    const Settings& st = s.config->settings;
    r.row("backend", st.backend.value, st.backend.source.describe());
    r.row("floatx", std::string(to_string(st.floatx.value)),
          st.floatx.source.describe());
    r.row("epsilon", format_epsilon(st.epsilon.value),
          st.epsilon.source.describe());
    r.row("image_data_format",
          std::string(to_string(st.image_data_format.value)),
          st.image_data_format.source.describe());
  }

  if (s.config) {
    r.section("Precedence (consulted in order; the last one set wins)");
    for (const Chain& c : precedence(s)) {
      std::vector<std::string> parts;
      std::string winner;
      for (const Consulted& k : c.consulted) {
        const std::string label =
            k.source == "environment" ? k.detail : k.source;
        parts.push_back(fmt::format(
            "{} {}", label, k.value ? plain_value(*k.value) : "(not set)"));
        if (k.wins) winner = label;
      }
      r.row(c.key, fmt::format("{}", fmt::join(parts, " < ")),
            winner.empty() ? "" : winner + " wins");
    }
  }

  if (s.config) {
    r.section("Backend");
    r.row("name", s.config->settings.backend.value);
    if (s.resolution) {
      r.row("origin", s.resolution->origin);
      r.row("library", s.resolution->library.string());
    } else {
      r.row("library", "not found", "", Tone::kBad);
    }
    if (s.report) {
      const LibraryReport& rep = *s.report;
      if (!rep.is_library) {
        r.row("format", "not a usable library", rep.format_error, Tone::kBad);
      } else {
        r.row("required entries", join_or(rep.required_present),
              rep.required_missing.empty() ? "all present" : "");
        if (!rep.required_missing.empty()) {
          r.row("missing entries", join_or(rep.required_missing), "",
                Tone::kBad);
        }
        r.row("version declaration",
              rep.has_version_declaration ? "present" : "missing", "",
              rep.has_version_declaration ? Tone::kPlain : Tone::kBad);
        r.row("optional entries", join_or(rep.optional_provided));
        if (!rep.unknown_entries.empty()) {
          r.row("unknown tp_ entries", join_or(rep.unknown_entries), "",
                Tone::kDim);
        }
      }
    }
    const std::string host = host_api_version().str();
    if (s.api_version) {
      r.row("API version", s.api_version->str(),
            fmt::format("host speaks {}", host));
      r.row("description",
            s.description.empty() ? "(none given)" : s.description);
      if (s.threads) r.row("threads", describe(*s.threads));
      r.row("status", "loaded and initialised", "", Tone::kGood);
    } else {
      r.row("API version", "not negotiated",
            fmt::format("host speaks {}", host), Tone::kDim);
      r.row("status", "not loaded (see the error)", "", Tone::kBad);
    }
  }

  r.section("Builtin backends");
  r.row("directory",
        s.builtin_dir.empty() ? "unknown" : s.builtin_dir.string());
  r.row("installed", join_or(s.builtins));

  r.section("Search roots (dotted module paths, in order)");
  for (const auto& root : s.roots) {
    if (root.path.empty()) {
      r.row(root.origin, root.empty_reason, "", Tone::kDim);
    } else {
      r.row(root.origin, root.path.string());
    }
  }
  return r.render(style);
}

boost::json::value render_json(const InfoState& s) {
  boost::json::object out;
  out["settings"] = s.config
                        ? boost::json::value(json_settings(s.config->settings))
                        : boost::json::value(nullptr);

  boost::json::object config;
  config["dir"] = json_path_or_null(s.dir);
  config["file"] = json_path_or_null(s.file);
  config["source"] = s.dir_source
                         ? boost::json::value(json_source(*s.dir_source))
                         : boost::json::value(nullptr);
  if (s.config) {
    config["existed"] = s.config->file_existed;
  } else {
    std::error_code ec;
    config["existed"] = !s.file.empty() && std::filesystem::exists(s.file, ec);
  }
  config["created"] = s.config && s.config->file_written;
  boost::json::object unknown;
  boost::json::array warnings;
  if (s.config) {
    for (const auto& [key, text] : s.config->unknown_keys) {
      boost::system::error_code ec;
      boost::json::value value =
          boost::json::parse(text, ec, {}, detail::keras_json_parse_options());
      unknown[key] =
          ec ? boost::json::value(boost::json::string(text)) : std::move(value);
    }
    for (const auto& warning : s.config->warnings) {
      warnings.emplace_back(warning);
    }
  }
  config["unknown_keys"] = std::move(unknown);
  config["warnings"] = std::move(warnings);
  out["config"] = std::move(config);

  if (s.config) {
    boost::json::object b;
    b["name"] = s.config->settings.backend.value;
    b["origin"] = s.resolution ? json_string_or_null(s.resolution->origin)
                               : boost::json::value(nullptr);
    b["library"] = s.resolution ? json_path_or_null(s.resolution->library)
                                : boost::json::value(nullptr);
    b["loaded"] = s.api_version.has_value();
    b["api_version"] = s.api_version ? boost::json::value(s.api_version->str())
                                     : boost::json::value(nullptr);
    b["host_api_version"] = host_api_version().str();
    b["description"] = s.api_version ? json_string_or_null(s.description)
                                     : boost::json::value(nullptr);
    if (s.threads) {
      boost::json::object t;
      // The shape of a setting in "settings"; value 0: the backend's default.
      t["value"] = s.threads->value;
      t["source"] = s.threads->source.kind_name();
      t["detail"] = json_string_or_null(s.threads->source.detail);
      b["threads"] = std::move(t);
    } else {
      b["threads"] = nullptr;
    }
    if (s.report) {
      b["is_library"] = s.report->is_library;
      b["format_error"] = json_string_or_null(s.report->format_error);
      add_json_entries(b, *s.report);
    } else {
      b["is_library"] = nullptr;
      b["format_error"] = nullptr;
      b["required"] = nullptr;
      b["version_declaration"] = nullptr;
      b["optional"] = nullptr;
      b["unknown"] = nullptr;
    }
    out["backend"] = std::move(b);
  } else {
    out["backend"] = nullptr;
  }

  if (s.config) {
    boost::json::object chains;
    for (const Chain& c : precedence(s)) {
      boost::json::array consulted;
      for (const Consulted& k : c.consulted) {
        consulted.push_back(
            boost::json::object{{"source", k.source},
                                {"detail", json_string_or_null(k.detail)},
                                {"value", json_value_or_null(k.value)},
                                {"set", k.value.has_value()},
                                {"wins", k.wins}});
      }
      chains[c.key] = std::move(consulted);
    }
    out["precedence"] = std::move(chains);
  } else {
    out["precedence"] = nullptr;
  }
  out["builtin"] =
      boost::json::object{{"dir", json_path_or_null(s.builtin_dir)},
                          {"installed", json_strings(s.builtins)}};
  out["search_roots"] = json_search_roots(s.roots);
  out["error"] = json_error(s.failure);
  return out;
}

int run(const InfoOptions& options) {
  const InfoState s = gather();
  return emit_report(
      options.json, s.failure, [&] { return render_json(s); },
      [&](const Style& style) { return render_human(s, style); });
}

}  // namespace

Command add_info_command(CLI::App& app) {
  auto options = std::make_shared<InfoOptions>();
  CLI::App* cmd = app.add_subcommand(
      "info", "Show the effective configuration and the configured backend");
  cmd->footer(
      "Reads keras.json (creating it with the defaults when missing, as Keras\n"
      "does) and KERAS_BACKEND, then resolves, validates and loads the\n"
      "backend. Prints each setting with its source, the backend's library,\n"
      "API version and entries, and the search roots. Exit codes: see\n"
      "docs/cli.md.");
  cmd->add_flag("--json", options->json,
                "Print one JSON object on stdout (see docs/cli.md)");
  return {cmd, [options] { return run(*options); }};
}

}  // namespace tensorplug::cli
