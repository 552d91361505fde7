#include "load/library.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string_view>

#include "log_internal.hpp"
#include "tensorplug/errors.hpp"

namespace tensorplug::detail {
namespace {

/// The system loader's own text from Boost.DLL's message, whose trailing
/// error-code text ("Bad file descriptor") is noise from errno.
std::string loader_message(std::string_view what) {
  constexpr std::string_view kMarker = "dlerror system message: ";
  const auto start = what.find(kMarker);
  if (start == std::string_view::npos) return std::string(what);
  const auto text = what.substr(start + kMarker.size());
  const auto end = text.rfind("):");
  return std::string(end == std::string_view::npos ? text
                                                   : text.substr(0, end));
}

}  // namespace

std::shared_ptr<const LoadedLibrary> LoadedLibrary::open(
    const std::filesystem::path& file, const std::string& name) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  LibraryReport report = inspect_library(file);
  if (!report.valid()) {
    const std::string message = report.problems();
    log().error("refusing backend `{}`: {}", name, message);
    throw InvalidBackendError(message);
  }
  const auto t1 = clock::now();

  std::shared_ptr<LoadedLibrary> lib(new LoadedLibrary());
  lib->report_ = std::move(report);
  try {
    // rtld_now: a missing dependency or symbol fails here with the system's
    // message instead of crashing at the first call. rtld_local: a plugin's
    // symbols never satisfy another plugin's.
    lib->library_.load(file, boost::dll::load_mode::rtld_now |
                                 boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    throw LoadError(fmt::format("Cannot load backend `{}` from {}: {}", name,
                                file.string(), loader_message(e.what())));
  }
  const auto t2 = clock::now();

  // Look up only what the export table listed: one dlsym per entry present.
  EntryTable& t = lib->entries_;
  auto& so = lib->library_;
  const auto& r = lib->report_;
  auto listed = [&r](std::string_view keras_name) {
    auto in = [&](const std::vector<std::string>& v) {
      return std::find(v.begin(), v.end(), keras_name) != v.end();
    };
    return in(r.required_present) || in(r.optional_provided);
  };
  auto find = [&](const char* symbol) -> void* {
    const std::string_view sv(symbol);
    if (sv != TP_ENTRY_NEGOTIATE_VERSION &&
        !listed(sv.substr(sizeof(TP_ENTRY_PREFIX) - 1))) {
      return nullptr;
    }
    try {
      return reinterpret_cast<void*>(&so.get<void()>(symbol));
    } catch (const std::exception&) {
      return nullptr;
    }
  };
  t.negotiate_version = reinterpret_cast<tp_negotiate_version_fn*>(
      find(TP_ENTRY_NEGOTIATE_VERSION));
#define TP_RESOLVE_(entry, type)                                   \
  t.entry = reinterpret_cast<type*>(find(TP_ENTRY_PREFIX #entry)); \
  if (t.entry)                                                     \
    lib->by_name_.emplace(#entry, reinterpret_cast<const void*>(t.entry));
  TP_REQUIRED_ENTRIES(TP_RESOLVE_)
  TP_OPTIONAL_ENTRIES(TP_RESOLVE_)
#undef TP_RESOLVE_
  if (!t.negotiate_version || !t.placeholder || !t.variable || !t.function) {
    // The export table said they were there; the loader disagrees.
    throw LoadError(fmt::format(
        "Backend `{}` ({}) was loaded but the loader cannot resolve every "
        "required entry its export table lists (rule TP_ABI_4)",
        name, file.string()));
  }
  log().debug("load `{}`: validate {:.1f} us, dlopen {:.1f} us", name,
              std::chrono::duration<double, std::micro>(t1 - t0).count(),
              std::chrono::duration<double, std::micro>(t2 - t1).count());
  return lib;
}

const void* LoadedLibrary::entry(std::string_view keras_name) const {
  const auto it = by_name_.find(std::string(keras_name));
  return it == by_name_.end() ? nullptr : it->second;
}

}  // namespace tensorplug::detail
