// load_config() and config_dir(): directory, file (read, or written with the
// defaults), then the environment override of the backend.
#include <fmt/format.h>

#include "config/default_file.hpp"
#include "config/directory.hpp"
#include "config/file_reader.hpp"
#include "config/file_settings.hpp"
#include "config/json_document.hpp"
#include "config/private_dir.hpp"
#include "config/values.hpp"
#include "env.hpp"
#include "log_internal.hpp"
#include "tensorplug/config.hpp"

namespace tensorplug {
namespace {

void read_file_into(Config& config, const detail::FileContext& context) {
  const std::string content = detail::read_config_file(context);
  const auto members = detail::parse_keras_json(content, context);
  auto file_settings =
      detail::apply_file_members(members, context, config.settings);
  config.file_existed = true;
  config.unknown_keys = std::move(file_settings.unknown_keys);
  for (auto& warning : file_settings.warnings) {
    config.warnings.push_back(std::move(warning));
  }
}

/// The file is missing: write the defaults when allowed. If something
/// appeared meanwhile (another process wrote it), read that instead.
void create_or_adopt(Config& config, const detail::FileContext& context,
                     const ConfigOptions& options) {
  auto result = detail::write_default_file(config.dir, config.file,
                                           config.settings, options.env_prefix);
  for (auto& warning : result.warnings) {
    config.warnings.push_back(std::move(warning));
  }
  if (result.outcome.kind == detail::WriteOutcome::Kind::kWritten) {
    config.file_written = true;
  } else if (result.outcome.kind == detail::WriteOutcome::Kind::kExists) {
    if (detail::probe_config_file(context) == detail::FileState::kPresent) {
      read_file_into(config, context);
    } else {
      config.warnings.push_back(fmt::format(
          "{} is a symbolic link to a missing file; not writing through it; "
          "using the defaults in memory",
          config.file.string()));
    }
  }
}

void apply_environment(Config& config, const ConfigOptions& options) {
  if (!options.use_environment) return;
  const std::string name = options.env_prefix + "_BACKEND";
  const auto value = detail::get_env(name, detail::EnvTrust::kNamesCodePath);
  if (!value) return;
  const std::string_view trimmed = detail::trim(*value);
  if (trimmed.empty()) return;  // empty or white space counts as unset
  config.settings.backend = {std::string(trimmed),
                             Source{Source::Kind::kEnvironment, name}};
}

}  // namespace

std::filesystem::path config_dir(const ConfigOptions& options, Source* source) {
  detail::DirChoice choice = detail::resolve_config_dir(options);
  if (source != nullptr) *source = choice.source;
  return choice.dir;
}

Config load_config(const ConfigOptions& options) {
  const std::string default_backend = detail::check_backend(
      options.default_backend,
      detail::ValueOrigin{"in ConfigOptions::default_backend", ""});

  Config config;
  config.settings = Settings::defaults(default_backend);
  detail::DirChoice choice = detail::resolve_config_dir(options);
  config.dir_source = choice.source;

  if (!choice.dir.empty() && options.write_default_file &&
      choice.source.kind == Source::Kind::kFallback) {
    // Create the per-user fallback and use it only when verified to be ours
    // (resolve_config_dir() already verified one that exists).
    if (const std::string problem = detail::make_private_dir(choice.dir);
        !problem.empty()) {
      config.dir_source.detail += "; refused: " + problem;
      choice.dir.clear();
    }
  }

  if (choice.dir.empty()) {
    config.warnings.push_back(fmt::format(
        "Not using a configuration directory ({}); using the defaults in "
        "memory",
        config.dir_source.describe()));
  } else {
    config.dir = choice.dir;
    config.file = choice.dir / "keras.json";
    const detail::FileContext context{config.file, config.dir_source};
    switch (detail::probe_config_file(context)) {
      case detail::FileState::kPresent:
        read_file_into(config, context);
        break;
      case detail::FileState::kDanglingSymlink:
        if (options.write_default_file) {
          config.warnings.push_back(fmt::format(
              "{} is a symbolic link to a missing file; not writing through "
              "it; using the defaults in memory",
              config.file.string()));
        }
        break;
      case detail::FileState::kMissing:
        if (options.write_default_file) {
          create_or_adopt(config, context, options);
        }
        break;
    }
  }

  apply_environment(config, options);
  for (const auto& warning : config.warnings) {
    detail::log().warn("{}", warning);
  }
  return config;
}

}  // namespace tensorplug
