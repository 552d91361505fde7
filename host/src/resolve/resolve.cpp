// From a backend name (or a file path) to one library file.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <system_error>

#include "config/suggest.hpp"
#include "config/values.hpp"
#include "log_internal.hpp"
#include "resolve/module_files.hpp"
#include "resolve/trust.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/resolve.hpp"

namespace tensorplug {
namespace fs = std::filesystem;
namespace {

/// Backends Keras knows that have no native tensorplug plugin, or (for
/// `tensorflow`, plugins/tensorflow) none in this build: builtins are looked
/// up first, so a built one is found before this list is read. (`torch` is
/// not here: where the builtin torch backend was not built, the name is
/// looked up like any other.)
constexpr std::array<std::string_view, 7> kKerasOnly = {
    "tensorflow", "theano", "cntk", "jax", "numpy", "openvino", "mxnet"};

/// The name with control characters escaped, so a message shows them.
std::string printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string from_where(const ResolveOptions& options) {
  return options.name_source.empty()
             ? std::string()
             : fmt::format(" (from {})", options.name_source);
}

std::string installed_list(const std::vector<std::string>& builtins) {
  return builtins.empty() ? std::string("none")
                          : fmt::format("{}", fmt::join(builtins, ", "));
}

/// Checks an existing candidate: refused (with the reason) or accepted.
bool accept(const fs::path& /*root*/, const fs::path& file,
            const ResolveOptions& options, Candidate& candidate) {
  std::error_code ec;
  const auto status = fs::status(file, ec);
  if (ec || !fs::exists(status)) {
    candidate.outcome = "not found";
    return false;
  }
  if (!fs::is_regular_file(status)) {
    candidate.outcome = "refused: not a regular file";
    return false;
  }
  if (!options.allow_insecure_permissions) {
    if (auto why = detail::check_trusted_path(file); !why.empty()) {
      candidate.outcome = "refused: " + why;
      return false;
    }
  }
  candidate.outcome = "found";
  return true;
}

std::string tried_lines(const std::vector<Candidate>& tried) {
  std::string out;
  for (const auto& c : tried) {
    if (c.path.empty()) {
      out += fmt::format("\n  [{}] {}", c.origin, c.outcome);
    } else {
      out +=
          fmt::format("\n  [{}] {}: {}", c.origin, c.path.string(), c.outcome);
    }
  }
  return out;
}

}  // namespace

namespace {
Resolution resolve_name(std::string_view requested,
                        const ResolveOptions& options);
}  // namespace

Resolution resolve_backend(std::string_view requested,
                           const ResolveOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  Resolution r = resolve_name(requested, options);
  if (detail::log().should_log(spdlog::level::debug)) {
    detail::log().debug(
        "resolve `{}`: {} [{}] after {} candidate(s), {:.1f} us", r.name,
        r.library.string(), r.origin, r.tried.size(),
        std::chrono::duration<double, std::micro>(
            std::chrono::steady_clock::now() - started)
            .count());
  }
  return r;
}

namespace {
Resolution resolve_name(std::string_view requested,
                        const ResolveOptions& options) {
  const std::string name(detail::trim(requested));
  if (auto why = check_backend_name(name); !why.empty()) {
    throw BackendNotFoundError(fmt::format("Invalid backend name `{}`{}: {}.",
                                           printable(name), from_where(options),
                                           why));
  }
  Resolution result;
  result.name = name;

  const fs::path builtin_dir = builtin_backend_dir(options);
  const bool dotted = name.find('.') != std::string::npos;
  if (!dotted && !builtin_dir.empty()) {
    Candidate c{
        builtin_dir / (name + std::string(library_suffix())), "builtin", {}};
    const bool ok = accept(builtin_dir, c.path, options, c);
    if (detail::log().should_log(spdlog::level::debug)) {
      detail::log().debug("resolve `{}`: {} [builtin]: {}", name,
                          c.path.string(), c.outcome);
    }
    result.tried.push_back(c);
    if (ok) {
      result.kind = Resolution::Kind::kBuiltin;
      result.library = c.path;
      result.origin = "builtin";
      return result;
    }
  }
  if (!dotted && std::find(kKerasOnly.begin(), kKerasOnly.end(), name) !=
                     kKerasOnly.end()) {
    // tensorplug has a `tensorflow` backend (plugins/tensorflow), built
    // when the tensorflow-cpu wheel is found; this build has not got it.
    const bool optional_builtin = name == "tensorflow";
    throw BackendNotFoundError(fmt::format(
        "Backend `{}`{} is not installed: {}. Installed backends: {}.\n"
        "To fix it, either:\n"
        "  - set KERAS_BACKEND to an installed backend for this application "
        "(Python Keras keeps reading the file), or\n"
        "  - change `backend` in the configuration file to an installed "
        "backend (Python Keras will then fail to import it), or\n"
        "  - give the application its own configuration directory "
        "(KERAS_HOME or ConfigOptions::config_dir).",
        name, from_where(options),
        optional_builtin
            ? "tensorplug's tensorflow backend is not in this build (it is "
              "built when CMake finds the tensorflow-cpu wheel that "
              "scripts/install-python.sh installs)"
            : "it is a Python Keras backend and tensorplug has no native "
              "plugin for it",
        installed_list(builtin_backend_names(options))));
  }

  // A dotted module path (or an undotted name that is not a builtin).
  fs::path relative;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    relative /=
        name.substr(start, dot == std::string::npos ? dot : dot - start);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  const std::string suffix(library_suffix());
  const fs::path dir_part = relative.parent_path();
  const std::string leaf = relative.filename().string();
  const auto roots = search_roots(options);
  for (const auto& root : roots) {
    if (root.path.empty()) {
      result.tried.push_back({{}, root.origin, root.empty_reason});
      continue;
    }
    for (const fs::path& file :
         {root.path / dir_part / (leaf + suffix),
          root.path / dir_part / ("lib" + leaf + suffix)}) {
      Candidate c{file.lexically_normal(), root.origin, {}};
      const bool ok = accept(root.path, c.path, options, c);
      if (detail::log().should_log(spdlog::level::debug)) {
        detail::log().debug("resolve `{}`: {} [{}]: {}", name, c.path.string(),
                            c.origin, c.outcome);
      }
      result.tried.push_back(c);
      if (ok) {
        result.kind = Resolution::Kind::kModulePath;
        result.library = c.path;
        result.origin = root.origin;
        return result;
      }
    }
  }

  // Listing the builtin directory is left to the error path: resolution
  // itself never needs it.
  const auto builtins = builtin_backend_names(options);
  // Near names: the builtins and the modules under the roots.
  const auto modules = detail::module_files(roots);
  std::string hint;
  std::vector<std::string_view> choices(builtins.begin(), builtins.end());
  for (const auto& m : modules) choices.push_back(m.name);
  if (auto near = detail::suggest_key(name, choices)) {
    hint = fmt::format(" Did you mean `{}`?", *near);
    const auto module = std::find_if(
        modules.begin(), modules.end(),
        [&](const detail::ModuleFile& m) { return m.name == *near; });
    if (module != modules.end() &&
        std::find(builtins.begin(), builtins.end(), *near) == builtins.end()) {
      hint = fmt::format(" Did you mean `{}` ({}, under the {} root)?", *near,
                         module->library.string(), module->origin);
    }
  }
  throw BackendNotFoundError(fmt::format(
      "Backend `{}`{} was not found. Paths tried:{}\nInstalled builtin "
      "backends ({}): {}.{}",
      name, from_where(options), tried_lines(result.tried),
      builtin_dir.empty() ? "directory unknown" : builtin_dir.string(),
      installed_list(builtins), hint));
}
}  // namespace

bool looks_like_library_path(std::string_view target) {
  if (target.find('/') != std::string_view::npos) return true;
#if defined(_WIN32)
  if (target.find('\\') != std::string_view::npos) return true;
#endif
  for (std::string_view suffix : {".so", ".dll", ".dylib"}) {
    if (target.ends_with(suffix)) return true;
  }
  return false;
}

Resolution resolve_library_file(const fs::path& file,
                                const ResolveOptions& options) {
  std::error_code ec;
  fs::path absolute = fs::absolute(file, ec).lexically_normal();
  if (ec) absolute = file;
  Resolution result;
  result.name = file.string();
  result.kind = Resolution::Kind::kFile;
  result.origin = "path";
  Candidate c{absolute, "path", {}};
  if (!fs::exists(fs::symlink_status(absolute, ec)) ||
      !fs::exists(absolute, ec)) {
    throw BackendNotFoundError(
        fmt::format("Backend library {} was not found.", absolute.string()));
  }
  // Whether it is a library at all is for validation to say (exit 4).
  if (fs::is_regular_file(absolute, ec)) {
    accept(absolute.parent_path(), absolute, options, c);
    if (c.outcome != "found") {
      throw BackendNotFoundError(
          fmt::format("Backend library {}: {}.", absolute.string(), c.outcome));
    }
  }
  result.tried.push_back(c);
  result.library = absolute;
  return result;
}

}  // namespace tensorplug
