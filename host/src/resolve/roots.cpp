// Where backends are looked for: the builtin directory next to the host
// library, and the ordered search roots for dotted module paths.
#include <link.h>

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <cstdint>
#include <mutex>
#include <set>
#include <system_error>

#include "env.hpp"
#include "log_internal.hpp"
#include "tensorplug/resolve.hpp"

#ifndef TENSORPLUG_BACKEND_SUBDIR
#define TENSORPLUG_BACKEND_SUBDIR "tensorplug/backends"
#endif
#ifndef TENSORPLUG_LIBDIR_FROM_BINDIR
#define TENSORPLUG_LIBDIR_FROM_BINDIR "../lib"
#endif

namespace tensorplug {
namespace fs = std::filesystem;
namespace {

constexpr const char* kNotSet = "not set";
constexpr const char* kAllRelative =
    "set, but every entry was ignored (relative)";

/// True the first time `what` is asked about in this process: a search
/// root is ignored for the same reason on every resolution, so it is warned
/// about once, not once per lookup.
bool first_time(const std::string& what) {
  static std::mutex mutex;
  static std::set<std::string> seen;
  const std::lock_guard<std::mutex> lock(mutex);
  return seen.insert(what).second;
}

}  // namespace

namespace {

/** Whether `addr` lies in the main program (the first object ld.so lists),
 * not in a shared library. */
bool in_main_program(const void* addr) {
  struct Search {
    std::uintptr_t addr;
    bool inside = false;
  } search{reinterpret_cast<std::uintptr_t>(addr)};
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) {
        auto* s = static_cast<Search*>(data);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD) continue;
          const std::uintptr_t begin = info->dlpi_addr + ph.p_vaddr;
          if (s->addr >= begin && s->addr < begin + ph.p_memsz) {
            s->inside = true;
          }
        }
        return 1;  // the main program only
      },
      &search);
  return search.inside;
}

}  // namespace

fs::path builtin_backend_dir(const ResolveOptions& options) {
  if (options.builtin_dir) return *options.builtin_dir;
  static const fs::path dir = [] {
    std::error_code ec;
    // The directory of the module holding this very function: the host
    // library, wherever it was installed or relocated to; or, when the host
    // core is linked into an executable (the CLI, the tests), that program.
    // For the main program dladdr (and so this_line_location) gives argv[0],
    // which is only a name when the program was started through PATH, so
    // the program is asked of the kernel instead (/proc/self/exe).
    const bool in_program =
        in_main_program(reinterpret_cast<const void*>(&builtin_backend_dir));
    fs::path self = in_program ? boost::dll::program_location(ec)
                               : boost::dll::this_line_location(ec);
    if (!ec) {
      std::error_code ec_abs;
      const fs::path canon = fs::weakly_canonical(self, ec_abs);
      if (!ec_abs) self = canon;
    }
    if (ec) {
      detail::log().warn(
          "cannot locate the tensorplug library on disk ({}); builtin "
          "backends are unavailable",
          ec.message());
      return fs::path();
    }
    if (!in_program) {
      return (self.parent_path() / TENSORPLUG_BACKEND_SUBDIR)
          .lexically_normal();
    }
    // The host core linked into an executable (the CLI, the tests): the
    // library directory beside its bin/ directory, in the install tree or
    // the build tree.
    fs::path first;
    for (const char* libdir : {TENSORPLUG_LIBDIR_FROM_BINDIR, "../lib"}) {
      const fs::path candidate =
          (self.parent_path() / libdir / TENSORPLUG_BACKEND_SUBDIR)
              .lexically_normal();
      if (first.empty()) first = candidate;
      std::error_code ec3;
      if (fs::is_directory(candidate, ec3)) return candidate;
    }
    return first;
  }();
  return dir;
}

std::vector<std::string> builtin_backend_names(const ResolveOptions& options) {
  std::vector<std::string> names;
  const fs::path dir = builtin_backend_dir(options);
  if (dir.empty()) return names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() != library_suffix()) continue;
    std::error_code ec2;
    if (!it->is_regular_file(ec2)) continue;
    std::string stem = p.stem().string();
    if (check_backend_name(stem).empty() &&
        stem.find('.') == std::string::npos) {
      names.push_back(std::move(stem));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<SearchRoot> search_roots(const ResolveOptions& options) {
  std::vector<SearchRoot> roots;
  bool from_env = false;
  bool env_ignored = false;
  if (options.use_environment) {
    if (auto value = detail::get_env(options.path_env,
                                     detail::EnvTrust::kNamesCodePath)) {
#if defined(_WIN32)
      const char sep = ';';
#else
      const char sep = ':';
#endif
      std::size_t start = 0;
      while (start <= value->size()) {
        std::size_t end = value->find(sep, start);
        if (end == std::string::npos) end = value->size();
        const std::string entry = value->substr(start, end - start);
        start = end + 1;
        if (entry.empty()) continue;  // never the current directory
        fs::path p(entry);
        if (!p.is_absolute()) {
          env_ignored = true;
          if (first_time(options.path_env + '\0' + entry)) {
            detail::log().warn(
                "ignoring relative entry `{}` in {}: search roots must be "
                "absolute (the current directory is never searched)",
                entry, options.path_env);
          }
          continue;
        }
        roots.push_back({p.lexically_normal(), options.path_env, {}});
        from_env = true;
      }
    }
  }
  if (!from_env) {
    roots.push_back(
        {fs::path(), options.path_env, env_ignored ? kAllRelative : kNotSet});
  }
  bool from_app = false;
  for (const auto& p : options.search_roots) {
    if (!p.is_absolute()) {
      if (first_time(std::string("application") + '\0' + p.string())) {
        detail::log().warn(
            "ignoring relative application search root `{}`: search roots "
            "must be absolute",
            p.string());
      }
      continue;
    }
    roots.push_back({p.lexically_normal(), "application", {}});
    from_app = true;
  }
  if (!from_app) roots.push_back({fs::path(), "application", kNotSet});
  if (options.config_dir && options.config_dir->is_absolute()) {
    roots.push_back({(*options.config_dir / "backends").lexically_normal(),
                     "config directory",
                     {}});
  } else {
    roots.push_back({fs::path(), "config directory", kNotSet});
  }
  return roots;
}

}  // namespace tensorplug
