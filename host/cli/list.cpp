// `tensorplug list`: every backend the host can find, in resolution order,
// each with its status read from its export table (nothing is loaded), the
// backend in effect marked and shadowed names explained.
#include <fmt/format.h>

#include <memory>
#include <optional>

#include "commands.hpp"
#include "output.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/discover.hpp"
#include "tensorplug/resolve.hpp"

namespace tensorplug::cli {
namespace {

struct ListOptions {
  bool json = false;
};

struct ListState {
  std::optional<Config> config;
  ResolveOptions resolve;
  std::vector<SearchRoot> roots;
  std::filesystem::path builtin_dir;
  std::vector<InstalledBackend> backends;
  /// The library resolution picks for the backend in effect.
  std::optional<Resolution> effective;
  std::string effective_problem;
  std::optional<Failure> failure;
};

ListState gather() {
  ListState s;
  try {
    s.config = load_config();
  } catch (...) {
    s.failure = capture_failure(std::current_exception());
  }
  std::filesystem::path dir;
  if (s.config) {
    dir = s.config->dir;
  } else {
    try {
      dir = config_dir();
    } catch (...) {
      // The error already captured says why.
    }
  }
  if (!dir.empty()) s.resolve.config_dir = dir;
  s.roots = search_roots(s.resolve);
  s.builtin_dir = builtin_backend_dir(s.resolve);
  s.backends = discover_backends(s.resolve);
  if (s.config) {
    try {
      ResolveOptions quiet = s.resolve;
      quiet.name_source = s.config->settings.backend.source.describe();
      s.effective = resolve_backend(s.config->settings.backend.value, quiet);
    } catch (const Error& e) {
      s.effective_problem = e.what();
    }
  }
  return s;
}

bool in_effect(const ListState& s, const InstalledBackend& b) {
  return s.effective && !b.shadowed &&
         b.status != InstalledBackend::Status::kRefused &&
         b.name == s.effective->name && b.library == s.effective->library;
}

std::string status_text(const InstalledBackend& b) {
  switch (b.status) {
    case InstalledBackend::Status::kValid:
      return fmt::format("valid (version declared, {} optional entr{})",
                         b.report->optional_provided.size(),
                         b.report->optional_provided.size() == 1 ? "y" : "ies");
    case InstalledBackend::Status::kMissingEntries:
      return fmt::format("missing entries: {}",
                         join_or(b.report->required_missing));
    case InstalledBackend::Status::kNoVersionDeclaration:
      return "no version declaration (tp_negotiate_version)";
    case InstalledBackend::Status::kNotALibrary:
      return fmt::format("not a library: {}", b.report->format_error);
    case InstalledBackend::Status::kRefused:
      return fmt::format("refused: {}", b.problem);
  }
  return {};
}

std::string render_human(const ListState& s, const Style& style) {
  std::string out;
  out += style.bold("Backends (resolution order; * = in effect)") + '\n';
  if (s.backends.empty()) out += "  none found\n";
  std::size_t width = 0;
  for (const auto& b : s.backends) width = std::max(width, b.name.size());
  for (const auto& b : s.backends) {
    const bool effective = in_effect(s, b);
    const std::string mark = effective ? "*" : " ";
    const std::string name = fmt::format("{:<{}}", b.name, width);
    const std::string status = status_text(b);
    const bool ok = b.status == InstalledBackend::Status::kValid;
    out += fmt::format("{} {}  {}  {}\n", effective ? style.good(mark) : mark,
                       effective ? style.bold(name) : name,
                       ok ? style.good(status) : style.bad(status),
                       style.dim(fmt::format("[{}]", b.origin)));
    out += fmt::format("    {}\n", b.library.string());
    if (b.shadowed) {
      out += fmt::format(
          "    {}\n",
          style.dim(fmt::format("shadowed by {} [{}], which resolution picks",
                                b.shadowed_by.string(), b.shadowed_by_origin)));
    }
  }
  out += '\n';
  Report r;
  r.section("In effect");
  if (s.config) {
    const auto& backend = s.config->settings.backend;
    r.row("backend", backend.value, backend.source.describe());
    if (s.effective) {
      r.row("library", s.effective->library.string(), s.effective->origin);
    } else {
      r.row("library", "not found", "see `tensorplug info`", Tone::kBad);
    }
  } else {
    r.row("backend", "unknown", "the configuration could not be read",
          Tone::kBad);
  }
  r.section("Searched (in order)");
  r.row("builtin", s.builtin_dir.empty() ? "unknown" : s.builtin_dir.string());
  for (const auto& root : s.roots) {
    if (root.path.empty()) {
      r.row(root.origin, root.empty_reason, "", Tone::kDim);
    } else {
      r.row(root.origin, root.path.string());
    }
  }
  out += r.render(style);
  return out;
}

boost::json::value render_json(const ListState& s) {
  boost::json::object out;
  boost::json::array backends;
  for (const auto& b : s.backends) {
    boost::json::object o;
    o["name"] = b.name;
    o["library"] = b.library.string();
    o["origin"] = b.origin;
    o["root"] = b.root.string();
    o["status"] = to_string(b.status);
    o["problem"] = json_string_or_null(b.problem);
    if (b.report) {
      o["is_library"] = b.report->is_library;
      o["format_error"] = json_string_or_null(b.report->format_error);
      add_json_entries(o, *b.report);
      o["optional_count"] = b.report->optional_provided.size();
    } else {
      o["is_library"] = nullptr;
      o["format_error"] = nullptr;
      o["required"] = nullptr;
      o["version_declaration"] = nullptr;
      o["optional"] = nullptr;
      o["unknown"] = nullptr;
      o["optional_count"] = nullptr;
    }
    o["in_effect"] = in_effect(s, b);
    o["shadowed_by"] = b.shadowed ? boost::json::value(boost::json::object{
                                        {"library", b.shadowed_by.string()},
                                        {"origin", b.shadowed_by_origin}})
                                  : boost::json::value(nullptr);
    backends.push_back(std::move(o));
  }
  out["backends"] = std::move(backends);
  if (s.config) {
    const auto& backend = s.config->settings.backend;
    out["effective"] = boost::json::object{
        {"name", backend.value},
        {"source", backend.source.kind_name()},
        {"detail", json_string_or_null(backend.source.detail)},
        {"library", s.effective ? json_path_or_null(s.effective->library)
                                : boost::json::value(nullptr)},
        {"problem", json_string_or_null(s.effective_problem)}};
  } else {
    out["effective"] = nullptr;
  }
  out["builtin"] =
      boost::json::object{{"dir", json_path_or_null(s.builtin_dir)}};
  out["search_roots"] = json_search_roots(s.roots);
  out["error"] = json_error(s.failure);
  return out;
}

int run(const ListOptions& options) {
  const ListState s = gather();
  return emit_report(
      options.json, s.failure, [&] { return render_json(s); },
      [&](const Style& style) { return render_human(s, style); });
}

}  // namespace

Command add_list_command(CLI::App& app) {
  auto options = std::make_shared<ListOptions>();
  CLI::App* cmd = app.add_subcommand(
      "list", "List every backend found, with its status (nothing is loaded)");
  cmd->footer(
      "Lists the builtin backends and every library under the search roots\n"
      "whose path is a backend name, in resolution order, each judged from\n"
      "its export table without loading it. The backend in effect\n"
      "(keras.json, then KERAS_BACKEND) is marked with *; a name found twice\n"
      "shows which file wins. The API version itself is only known after\n"
      "loading: use `tensorplug check`. Exit codes: see docs/cli.md.");
  cmd->add_flag("--json", options->json,
                "Print one JSON object on stdout (see docs/cli.md)");
  return {cmd, [options] { return run(*options); }};
}

}  // namespace tensorplug::cli
