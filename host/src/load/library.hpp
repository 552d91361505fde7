// A loaded plugin library and its resolved entries (not public).
#pragma once

#include <tensorplug/plugin_api.h>

#include <boost/dll/shared_library.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "inspect/mapped_file.hpp"
#include "load/loader_names.hpp"
#include "tensorplug/inspect.hpp"

namespace tensorplug::detail {

/// Function pointers to every entry this host knows; null when not exported.
struct EntryTable {
  tp_negotiate_version_fn* negotiate_version = nullptr;
#define TP_ENTRY_FIELD_(name, type) type* name = nullptr;
  TP_REQUIRED_ENTRIES(TP_ENTRY_FIELD_)
  TP_OPTIONAL_ENTRIES(TP_ENTRY_FIELD_)
#undef TP_ENTRY_FIELD_
};

/// A trial load in a forked child before the real load
/// (LoadOptions::trial_load_in_child, LoadOptions::trial_load_timeout).
struct TrialLoad {
  bool in_child = false;
  std::chrono::milliseconds timeout = std::chrono::seconds(60);
};

/// Tests only: runs between the validation of a file and its load.
void set_before_load_hook_for_testing(
    std::function<void(const std::filesystem::path&)> hook);

/// Move-only owner of an OS library handle. Whoever holds a
/// shared_ptr<const LoadedLibrary> keeps the code mapped, which is why every
/// object that came from a plugin holds one (directly or through its
/// backend instance).
class LoadedLibrary {
 public:
  /// Opens `file` once, validates that open file (inspect_library) and
  /// refuses it before loading when invalid; then loads the same open file
  /// (/proc/self/fd/N) with immediate binding and local symbols, checks the
  /// file did not change meanwhile, and resolves every entry. Throws
  /// InvalidBackendError or LoadError.
  /// `trial.in_child`: first load it in a forked child, and refuse it
  /// (InvalidBackendError) when the system loader crashes there or does not
  /// finish within `trial.timeout`.
  static std::shared_ptr<const LoadedLibrary> open(
      const std::filesystem::path& file, const std::string& name,
      const TrialLoad& trial = {});

  const EntryTable& entries() const { return entries_; }
  /** The entry exported as tp_<keras_name>, or nullptr when absent. */
  const void* entry(std::string_view keras_name) const;
  const LibraryReport& report() const { return report_; }
  const std::filesystem::path& path() const { return report_.file; }

  LoadedLibrary(const LoadedLibrary&) = delete;
  LoadedLibrary& operator=(const LoadedLibrary&) = delete;
  /// Unloads the library and tells the loader names (load/loader_names.hpp)
  /// before the descriptor closes.
  ~LoadedLibrary();

 private:
  LoadedLibrary() = default;
  void unload() noexcept;
  /// Declared first, destroyed last: open until the library is unloaded.
  MappedFile file_;
  boost::dll::shared_library library_;
  LoaderTicket ticket_;
  EntryTable entries_;
  std::unordered_map<std::string, const void*> by_name_;
  LibraryReport report_;
};

}  // namespace tensorplug::detail
