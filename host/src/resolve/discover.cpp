// discover_backends(): every library resolution could pick, judged from its
// export table only (nothing is loaded).
#include "tensorplug/discover.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <system_error>

#include "resolve/module_files.hpp"
#include "resolve/trust.hpp"

namespace tensorplug {
namespace fs = std::filesystem;
namespace {

/// The backend name `relative` (under a root) resolves from, or "" when none:
/// a/b/c.so -> a.b.c, a/b/libc.so -> a.b.c. `lib_prefix` tells which form.
std::string name_for(const fs::path& relative, bool& lib_prefix) {
  lib_prefix = false;
  const std::string suffix(library_suffix());
  const std::string file = relative.filename().string();
  if (file.size() <= suffix.size() || !file.ends_with(suffix)) return {};
  std::string leaf = file.substr(0, file.size() - suffix.size());
  if (leaf.size() > 3 && leaf.starts_with("lib") &&
      check_backend_name(leaf.substr(3)).empty()) {
    leaf = leaf.substr(3);
    lib_prefix = true;
  }
  std::string name;
  for (const auto& part : relative.parent_path()) {
    name += part.string();
    name += '.';
  }
  name += leaf;
  if (!check_backend_name(name).empty()) return {};
  // Each component must map back to exactly one path component.
  const auto components =
      static_cast<std::size_t>(std::count(name.begin(), name.end(), '.')) + 1;
  const auto depth =
      static_cast<std::size_t>(std::distance(relative.begin(), relative.end()));
  if (components != depth) return {};
  return name;
}

void judge(InstalledBackend& b, const ResolveOptions& options) {
  std::error_code ec;
  if (!fs::is_regular_file(b.library, ec)) {
    b.status = InstalledBackend::Status::kRefused;
    b.problem = "not a regular file";
    return;
  }
  if (!options.allow_insecure_permissions) {
    if (auto why = detail::check_trusted_path(b.library); !why.empty()) {
      b.status = InstalledBackend::Status::kRefused;
      b.problem = std::move(why);
      return;
    }
  }
  b.report = inspect_library(b.library);
  const LibraryReport& r = *b.report;
  if (!r.is_library) {
    b.status = InstalledBackend::Status::kNotALibrary;
  } else if (!r.required_missing.empty()) {
    b.status = InstalledBackend::Status::kMissingEntries;
  } else if (!r.has_version_declaration) {
    b.status = InstalledBackend::Status::kNoVersionDeclaration;
  } else {
    b.status = InstalledBackend::Status::kValid;
    return;
  }
  b.problem = r.problems();
}

struct Found {
  std::string name;
  bool lib_prefix;
  fs::path path;
};

/// Library files under `root` with a backend name, sorted by name (the
/// plain form before the lib-prefixed one, as resolution tries them).
std::vector<Found> walk(const fs::path& root) {
  std::vector<Found> found;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return found;
  fs::recursive_directory_iterator it(
      root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code ec2;
    const bool link = it->is_symlink(ec2);
    if (it->is_directory(ec2)) {
      // Never leave the root through a symlinked directory; bounded depth.
      if (link ||
          static_cast<std::size_t>(it.depth()) + 1 >= kMaxDiscoverDepth) {
        it.disable_recursion_pending();
      }
      continue;
    }
    const fs::path relative = it->path().lexically_relative(root);
    bool lib_prefix = false;
    std::string name = name_for(relative, lib_prefix);
    if (name.empty()) continue;
    found.push_back({std::move(name), lib_prefix, it->path()});
  }
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    if (a.name != b.name) return a.name < b.name;
    return a.lib_prefix < b.lib_prefix;
  });
  return found;
}

}  // namespace

std::string_view to_string(InstalledBackend::Status status) {
  switch (status) {
    case InstalledBackend::Status::kValid:
      return "valid";
    case InstalledBackend::Status::kMissingEntries:
      return "missing_entries";
    case InstalledBackend::Status::kNoVersionDeclaration:
      return "no_version_declaration";
    case InstalledBackend::Status::kNotALibrary:
      return "not_a_library";
    case InstalledBackend::Status::kRefused:
      return "refused";
  }
  return "not_a_library";
}

namespace detail {
std::vector<ModuleFile> module_files(const std::vector<SearchRoot>& roots) {
  std::vector<ModuleFile> out;
  for (const auto& root : roots) {
    if (root.path.empty()) continue;
    for (auto& f : walk(root.path)) {
      out.push_back(
          {std::move(f.name), f.path.lexically_normal(), root.origin});
    }
  }
  return out;
}
}  // namespace detail

std::vector<InstalledBackend> discover_backends(const ResolveOptions& options) {
  std::vector<InstalledBackend> out;
  const fs::path builtin_dir = builtin_backend_dir(options);
  if (!builtin_dir.empty()) {
    for (const auto& name : builtin_backend_names(options)) {
      InstalledBackend b;
      b.name = name;
      b.library = builtin_dir / (name + std::string(library_suffix()));
      b.origin = "builtin";
      b.root = builtin_dir;
      judge(b, options);
      out.push_back(std::move(b));
    }
  }
  for (const auto& root : search_roots(options)) {
    if (root.path.empty()) continue;
    for (auto& f : walk(root.path)) {
      InstalledBackend b;
      b.name = std::move(f.name);
      b.library = f.path.lexically_normal();
      b.origin = root.origin;
      b.root = root.path;
      judge(b, options);
      out.push_back(std::move(b));
    }
  }
  // Resolution picks the first accepted file for a name; refused files are
  // skipped by it, so they never shadow anything. A dotted name is never a
  // builtin.
  std::map<std::string, const InstalledBackend*> winner;
  for (auto& b : out) {
    if (b.status == InstalledBackend::Status::kRefused) continue;
    auto [pos, inserted] = winner.emplace(b.name, &b);
    (void)pos;
    (void)inserted;
  }
  for (auto& b : out) {
    const auto pos = winner.find(b.name);
    if (pos == winner.end() || pos->second == &b) continue;
    b.shadowed = true;
    b.shadowed_by = pos->second->library;
    b.shadowed_by_origin = pos->second->origin;
  }
  return out;
}

}  // namespace tensorplug
