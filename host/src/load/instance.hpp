// A loaded, negotiated, initialised backend: the library plus the context
// the host created for it (not public).
#pragma once

#include <tensorplug/plugin_api.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "load/library.hpp"
#include "tensorplug/backend.hpp"

namespace tensorplug::detail {

class Instance {
 public:
  /// Validates, loads, negotiates the version and initialises. Throws
  /// InvalidBackendError, LoadError or IncompatibleVersionError; on any
  /// failure nothing stays loaded.
  /// `threads`: the thread setting (tp_context.num_threads);
  /// `trial`: LoadOptions::trial_load_in_child and trial_load_timeout.
  static std::shared_ptr<Instance> create(const Resolution& resolution,
                                          const Settings& settings,
                                          const Setting<unsigned>& threads,
                                          const TrialLoad& trial = {});
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  const EntryTable& entries() const { return library_->entries(); }
  const LoadedLibrary& library() const { return *library_; }
  tp_context* context() { return &context_; }

  /// Throws NotProvidedError naming the entry, the backend and what it does
  /// provide, when `entry_ptr` is null.
  void require(const void* entry_ptr, std::string_view entry) const;
  /// Throws PluginError when `status` is not TP_OK, with the plugin's
  /// message; releases `error` either way.
  void check(tp_status status, tp_error& error, std::string_view entry) const;

  std::string name;
  std::string origin;
  ApiVersion version;
  std::string description;
  Settings settings;
  Setting<unsigned> threads{0, {}};

 private:
  Instance() = default;
  // Declared first so that it is destroyed last: the code stays mapped until
  // the context has been shut down.
  std::shared_ptr<const LoadedLibrary> library_;
  tp_context context_{};
  bool initialised_ = false;
};

/// Zero-initialised tp_error with struct_size set.
tp_error make_error();

struct TensorHandle {
  std::shared_ptr<Instance> instance;
  tp_tensor* tensor = nullptr;
  std::string name;
  ~TensorHandle();
};

struct CallableHandle {
  std::shared_ptr<Instance> instance;
  tp_callable callable{};
  std::size_t num_inputs = 0;
  std::size_t num_outputs = 0;
  /// The tensors the function was compiled from, kept alive with it.
  std::vector<Tensor> keep_alive;
  ~CallableHandle();
};

}  // namespace tensorplug::detail
