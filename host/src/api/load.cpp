// load_backend: configuration -> resolution -> validation -> loading.
#include <fmt/format.h>

#include <stdexcept>

#include "load/instance.hpp"
#include "log_internal.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/threads.hpp"

namespace tensorplug {
namespace {

Backend load_named(std::string_view name, const std::string& name_source,
                   const Config& config, const LoadOptions& options) {
  ResolveOptions resolve = options.resolve;
  // No usable configuration directory means no `<config dir>/backends`
  // root (never a relative one).
  if (!resolve.config_dir && !config.dir.empty()) {
    resolve.config_dir = config.dir;
  }
  if (resolve.name_source.empty()) resolve.name_source = name_source;
  const Resolution resolution = resolve_backend(name, resolve);
  return load_backend_at(resolution, config.settings, options);
}

}  // namespace

Backend load_backend_at(const Resolution& resolution, const Settings& settings,
                        const LoadOptions& options) {
  const Setting<unsigned> threads =
      thread_setting(options.num_threads, options.config.use_environment);
  if (options.trial_load_in_child &&
      options.trial_load_timeout <= std::chrono::milliseconds::zero()) {
    throw std::invalid_argument(fmt::format(
        "LoadOptions::trial_load_timeout must be positive (it is {} ms)",
        options.trial_load_timeout.count()));
  }
  const detail::TrialLoad trial{options.trial_load_in_child,
                                options.trial_load_timeout};
  Backend backend(
      detail::Instance::create(resolution, settings, threads, trial));
  if (options.announce) {
    detail::log().info("Using {} backend.", backend.name());
  }
  return backend;
}

Backend load_backend(const LoadOptions& options) {
  const Config config = load_config(options.config);
  const auto& backend = config.settings.backend;
  return load_named(backend.value, backend.source.describe(), config, options);
}

Backend load_backend(std::string_view name, const LoadOptions& options) {
  Config config = load_config(options.config);
  config.settings.set_backend(name);
  return load_named(config.settings.backend.value, "the application", config,
                    options);
}

}  // namespace tensorplug
