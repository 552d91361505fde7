// `tensorplug config path | get [KEY] | set KEY VALUE | unset KEY`: reads and
// edits keras.json with the rules loading applies. Writes are atomic, keep
// unknown keys and the key order, and never leave a partial file; a refused
// edit leaves the file byte-identical.
#include <fmt/format.h>

#include <memory>
#include <optional>

#include "commands.hpp"
#include "output.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/config_file.hpp"

namespace tensorplug::cli {
namespace {

struct ConfigOptionsCli {
  std::string key;
  std::string value;
  bool json = false;
  bool no_load = false;
};

/// Keras's default for a settable key, as JSON text; nullopt otherwise.
std::optional<std::string> default_value(std::string_view key) {
  const Settings d = Settings::defaults(ConfigOptions{}.default_backend);
  if (key == "backend")
    return boost::json::serialize(
        boost::json::value(boost::json::string(d.backend.value)));
  if (key == "floatx") return fmt::format("\"{}\"", to_string(d.floatx.value));
  if (key == "epsilon") return format_epsilon(d.epsilon.value);
  if (key == "image_data_format") {
    return fmt::format("\"{}\"", to_string(d.image_data_format.value));
  }
  return std::nullopt;
}

int finish(const std::optional<Failure>& failure) {
  if (failure) {
    print_error(*failure);
    return failure->status;
  }
  return exit_status(ExitCode::kSuccess);
}

int run_path(const ConfigOptionsCli& o) {
  std::optional<Failure> failure;
  Source source;
  std::filesystem::path dir;
  try {
    dir = config_dir({}, &source);
    if (dir.empty()) {
      throw ConfigError(fmt::format(
          "No configuration directory is usable ({}).", source.describe()));
    }
  } catch (...) {
    failure = capture_failure(std::current_exception());
  }
  const std::filesystem::path file =
      dir.empty() ? std::filesystem::path() : dir / "keras.json";
  std::error_code ec;
  const bool exists = !file.empty() && std::filesystem::exists(file, ec);
  if (o.json) {
    print_json(boost::json::object{{"dir", json_path_or_null(dir)},
                                   {"file", json_path_or_null(file)},
                                   {"source", json_source(source)},
                                   {"exists", exists},
                                   {"error", json_error(failure)}});
  } else if (!file.empty()) {
    print_out(file.string() + "\n");
  }
  return finish(failure);
}

int run_get(const ConfigOptionsCli& o, bool has_key) {
  std::optional<Failure> failure;
  std::optional<ConfigFileContents> contents;
  std::optional<std::string> value;
  bool in_file = false;
  try {
    contents = read_keras_json();
    if (has_key) {
      value = contents->find(o.key);
      in_file = value.has_value();
      if (!value) value = default_value(o.key);
      if (!value) {
        throw ConfigError(fmt::format(
            "`{}` is not in {} and is not a setting tensorplug knows "
            "(floatx, epsilon, backend, image_data_format).",
            o.key, contents->file.string()));
      }
    }
  } catch (...) {
    failure = capture_failure(std::current_exception());
  }
  if (o.json) {
    boost::json::object out;
    out["file"] = contents ? json_path_or_null(contents->file)
                           : boost::json::value(nullptr);
    out["exists"] = contents && contents->exists;
    if (has_key) {
      out["key"] = o.key;
      out["value"] = json_value_or_null(value);
      out["in_file"] = in_file;
    } else {
      boost::json::object members;
      if (contents) {
        for (const auto& [k, v] : contents->members) {
          members[k] = json_value_or_null(v);
        }
      }
      out["values"] = std::move(members);
    }
    out["error"] = json_error(failure);
    print_json(out);
  } else if (!failure) {
    if (has_key) {
      print_out(plain_value(*value) + "\n");
      if (!in_file) {
        print_note(fmt::format("`{}` is not in {}: this is the default", o.key,
                               contents->file.string()));
      }
    } else if (!contents->exists) {
      print_note(fmt::format("{} does not exist: the defaults apply",
                             contents->file.string()));
    } else {
      Report r;
      r.section(contents->file.string());
      for (const auto& [k, v] : contents->members) r.row(k, v);
      print_out(r.render(Style::for_stream(stdout)));
    }
  }
  return finish(failure);
}

int run_edit(const ConfigOptionsCli& o, bool set) {
  std::optional<Failure> failure;
  std::optional<ConfigChange> change;
  std::optional<BackendValidation> validation;
  try {
    if (set && o.key == "backend") {
      // The same validation as `tensorplug use`.
      validate_backend_for_use(o.value, o.no_load, validation);
    }
    change = set ? set_config_value(o.key, o.value) : unset_config_value(o.key);
  } catch (...) {
    failure = capture_failure(std::current_exception());
  }
  std::vector<std::string> notes;
  if (change) notes = change->notes;
  if (change && o.key == "backend") {
    if (const auto env = environment_backend()) {
      notes.insert(notes.begin(),
                   fmt::format("KERAS_BACKEND is set to `{}` in this "
                               "environment and overrides the file",
                               *env));
    }
  }
  if (o.json) {
    boost::json::object out;
    out["file"] =
        change ? json_path_or_null(change->file) : boost::json::value(nullptr);
    out["key"] = o.key;
    out["value"] = change ? json_value_or_null(change->value)
                          : boost::json::value(nullptr);
    out["previous"] = change ? json_value_or_null(change->previous)
                             : boost::json::value(nullptr);
    out["created"] = change && change->created;
    out["written"] = change && change->written;
    out["notes"] = json_strings(notes);
    out["error"] = json_error(failure);
    print_json(out);
  } else if (change) {
    const std::string file = change->file.string();
    std::string line;
    if (set) {
      const std::string now = plain_value(change->value.value_or(""));
      if (!change->written) {
        line = fmt::format("{} is already {} in {}; file unchanged", o.key, now,
                           file);
      } else if (change->created) {
        line = fmt::format(
            "{} = {} in {} (created with the defaults plus "
            "this change)",
            o.key, now, file);
      } else {
        line = fmt::format(
            "{} = {} in {} (was {})", o.key, now, file,
            change->previous ? plain_value(*change->previous) : "not set");
      }
    } else if (change->written) {
      line = fmt::format("removed {} from {} (was {}); the default applies",
                         o.key, file, plain_value(*change->previous));
    } else {
      line = fmt::format("{} is not in {}; file unchanged", o.key, file);
    }
    print_out(line + "\n");
  }
  for (const auto& note : notes) print_note(note);
  return finish(failure);
}

}  // namespace

Command add_config_command(CLI::App& app) {
  auto o = std::make_shared<ConfigOptionsCli>();
  CLI::App* cmd = app.add_subcommand(
      "config", "Show or edit keras.json (path, get, set, unset)");
  cmd->require_subcommand(1);
  cmd->footer(
      "Edits keras.json with the rules loading applies; writes are atomic,\n"
      "keep unknown keys and the key order, and leave the file unchanged\n"
      "when refused. Exit codes: see docs/cli.md.");

  CLI::App* path = cmd->add_subcommand("path", "Print the keras.json path");
  path->add_flag("--json", o->json, "Print one JSON object on stdout");

  CLI::App* get =
      cmd->add_subcommand("get", "Print a key's value, or every key's");
  get->add_option("key", o->key, "The key (all keys when omitted)");
  get->add_flag("--json", o->json, "Print one JSON object on stdout");

  CLI::App* set = cmd->add_subcommand(
      "set", "Set a key after validating it (backend: as `use` does)");
  set->add_option("key", o->key,
                  "floatx, epsilon, backend or image_data_format")
      ->required();
  set->add_option("value", o->value, "The new value")->required();
  set->add_flag("--json", o->json, "Print one JSON object on stdout");
  set->add_flag("--no-load", o->no_load,
                "For backend: validate from the export table only");

  CLI::App* unset = cmd->add_subcommand(
      "unset", "Remove a key (the setting falls back to its default)");
  unset->add_option("key", o->key, "The key to remove")->required();
  unset->add_flag("--json", o->json, "Print one JSON object on stdout");

  return {cmd, [o, path, get, set, unset]() -> int {
            if (path->parsed()) return run_path(*o);
            if (get->parsed()) return run_get(*o, get->count("key") > 0);
            if (set->parsed()) return run_edit(*o, true);
            if (unset->parsed()) return run_edit(*o, false);
            return exit_status(ExitCode::kUsage);
          }};
}

}  // namespace tensorplug::cli
