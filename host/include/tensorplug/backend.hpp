// The application API: load the backend the user chose and build and run
// graphs on it, the way Keras's backend module is used.
//
// ```cpp fragment
// auto backend = tensorplug::load_backend();      // keras.json + env
// auto x = backend.placeholder({-1, 3});
// auto w = backend.variable(tensorplug::Array::of<float>({3}, {1, 2, 3}));
// auto f = backend.function({x}, {x + w});
// auto out = f({input});
// ```
//
// Every object (Tensor, Function) keeps its backend, and so the plugin
// library, alive for as long as it exists. A Backend and the objects made
// from it are used by one thread at a time; load one Backend per thread for
// parallel work.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tensorplug/plugin_api.h>

#include "tensorplug/array.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/export.hpp"
#include "tensorplug/inspect.hpp"
#include "tensorplug/resolve.hpp"

namespace tensorplug {

class Tensor;
namespace detail {
class Instance;
struct TensorHandle;
struct CallableHandle;
}  // namespace detail

struct TENSORPLUG_API LoadOptions {
  ConfigOptions config;
  ResolveOptions resolve;
  /// Log Keras's `Using <name> backend.` at info level on success.
  bool announce = true;
  /// Load the library once in a child process (fork) before loading it in
  /// this one. A library can pass validation and still crash the system
  /// loader inside dlopen (corrupt relocations, hash tables, versions), which
  /// no process survives; in the child such a crash becomes an
  /// InvalidBackendError "the system loader crashed on <file> (SIGSEGV)"
  /// instead of the end of the application. Costs one fork and one extra
  /// dlopen (about a millisecond). Prefer it in single-threaded programs
  /// (tools, a launcher): the child of a multi-threaded process should only
  /// run async-signal-safe code, and dlopen is not. The CLI's `check` and
  /// `use` set it. See docs/plugin-abi.md, "Crashes in the system loader".
  bool trial_load_in_child = false;
  /// With trial_load_in_child: how long the child may take to load the
  /// library (the system loader's work and the library's constructors).
  /// Past it the child is killed and the backend refused with an
  /// InvalidBackendError "the system loader did not finish loading <file>
  /// within N s", as a crash is. Must be positive (else load_backend throws
  /// std::invalid_argument).
  std::chrono::milliseconds trial_load_timeout = std::chrono::seconds(60);
  /// How many threads the backend may use (its pool and the pools beneath
  /// it together), from 1 to kMaxThreads; 0 (the default): the environment
  /// variable TENSORPLUG_NUM_THREADS when set, else the backend's default,
  /// one thread per available core. See tensorplug/threads.hpp.
  unsigned num_threads = 0;
};

/// An API version, major.minor.
struct TENSORPLUG_API ApiVersion {
  unsigned major = 0;
  unsigned minor = 0;
  std::string str() const;
};

/// The version this host speaks (TP_API_VERSION_MAJOR.MINOR).
TENSORPLUG_API ApiVersion host_api_version();

class Backend;
struct Attr;

/// A symbolic or stateful tensor living in a backend.
class TENSORPLUG_API Tensor {
 public:
  Tensor() = default;
  explicit operator bool() const { return handle_ != nullptr; }
  /// The backend's opaque handle (borrowed; valid while this Tensor lives).
  ::tp_tensor* raw() const;
  /// The name given at creation, or empty.
  const std::string& name() const;
  /// The backend it lives in.
  Backend backend() const;

 private:
  friend class Backend;
  friend class detail::Instance;
  friend const std::shared_ptr<detail::Instance>& instance_of(const Tensor&,
                                                              std::string_view);
  explicit Tensor(std::shared_ptr<detail::TensorHandle> handle)
      : handle_(std::move(handle)) {}
  std::shared_ptr<detail::TensorHandle> handle_;
};

/// Elementwise ops through the backend's optional entries (NotProvidedError
/// when the backend lacks them).
TENSORPLUG_API Tensor operator+(const Tensor& a, const Tensor& b);
TENSORPLUG_API Tensor operator-(const Tensor& a, const Tensor& b);
TENSORPLUG_API Tensor operator*(const Tensor& a, const Tensor& b);
TENSORPLUG_API Tensor operator/(const Tensor& a, const Tensor& b);
TENSORPLUG_API Tensor operator-(const Tensor& a);

/// A compiled callable: inputs -> outputs, then updates.
class TENSORPLUG_API Function {
 public:
  Function() = default;
  /// Runs once. `inputs` must match the function's placeholders in number,
  /// dtype and shape; throws PluginError with the backend's message.
  std::vector<Array> operator()(const std::vector<Array>& inputs) const;
  std::size_t num_inputs() const;
  std::size_t num_outputs() const;
  /// The plugin's callable (borrowed; valid while this Function lives), for
  /// tools that exercise the ABI directly (the conformance kit). Calling it
  /// bypasses every check the host makes.
  ::tp_callable* raw() const;

 private:
  friend class Backend;
  explicit Function(std::shared_ptr<detail::CallableHandle> handle)
      : handle_(std::move(handle)) {}
  std::shared_ptr<detail::CallableHandle> handle_;
};

/// A loaded, version-checked, initialised backend.
class TENSORPLUG_API Backend {
 public:
  /// The name it was resolved from (`reference`, `my_package.my_module`, or
  /// the file path).
  const std::string& name() const;
  const std::filesystem::path& library_path() const;
  /// Where it was found: "builtin", "TENSORPLUG_PATH", "application", ...
  const std::string& origin() const;
  /// The negotiated API version and the plugin's self-description.
  ApiVersion api_version() const;
  const std::string& description() const;
  /// The settings its context carries.
  const Settings& settings() const;
  /// The thread count its context carries (0: the backend's default), with
  /// its source (LoadOptions::num_threads, TENSORPLUG_NUM_THREADS, default).
  const Setting<unsigned>& threads() const;
  /// What validation found (entries present, optional entries provided).
  const LibraryReport& report() const;
  /// Whether an entry (Keras name) is exported.
  bool provides(std::string_view entry) const;
  /// The dtypes the backend declares through its `capabilities` entry, or
  /// nullopt when it does not export that entry (then every dtype of
  /// docs/ops.md is assumed). Throws PluginError when the entry fails.
  std::optional<std::vector<DLDataType>> supported_dtypes() const;

  /// Raw access for tools that exercise the ABI directly (the conformance
  /// kit): the context the host created (borrowed; valid while this Backend
  /// or any object from it lives) and an exported entry by Keras name
  /// (`"relu"`, `"placeholder"`; nullptr when absent; cast it to its
  /// `tp_<name>_fn*`). Calls made through them bypass every host check.
  ::tp_context* raw_context() const;
  const void* raw_entry(std::string_view entry) const;

  /// Keras `placeholder`: -1 (TP_DIM_UNKNOWN) marks an unknown dimension;
  /// no dtype means floatx.
  Tensor placeholder(const std::vector<std::int64_t>& shape,
                     std::optional<DLDataType> dtype = std::nullopt,
                     const std::string& name = {}) const;
  /// Keras `variable`: a stateful tensor initialised with a copy of `value`.
  Tensor variable(const Array& value, const std::string& name = {}) const;
  /// Keras `function`.
  Function function(const std::vector<Tensor>& inputs,
                    const std::vector<Tensor>& outputs,
                    const std::vector<std::pair<Tensor, Tensor>>& updates = {},
                    const std::string& name = {}) const;
  /// Applies op `name` (an optional entry, docs/ops.md) to `inputs` with
  /// `attrs`, returning `num_outputs` results. Ops without operands
  /// (`zeros`, `constant`, ...) are called here. See tensorplug/ops.hpp.
  std::vector<Tensor> call_op(std::string_view name,
                              const std::vector<Tensor>& inputs,
                              const std::vector<struct Attr>& attrs,
                              std::size_t num_outputs = 1) const;
  /// The same, for ops with one result.
  Tensor op(std::string_view name, const std::vector<Tensor>& inputs,
            const std::vector<struct Attr>& attrs) const;
  /// The same, without attributes (each takes its default).
  Tensor op(std::string_view name, const std::vector<Tensor>& inputs) const;

  /// Keras `get_value` / `set_value` (optional entries).
  Array get_value(const Tensor& variable) const;
  void set_value(const Tensor& variable, const Array& value) const;

 private:
  friend TENSORPLUG_API Backend load_backend_at(const Resolution&,
                                                const Settings&,
                                                const LoadOptions&);
  friend class Tensor;
  friend TENSORPLUG_API Tensor op(std::string_view, const std::vector<Tensor>&,
                                  const std::vector<struct Attr>&);
  friend TENSORPLUG_API std::vector<Tensor> gradients(
      const Tensor&, const std::vector<Tensor>&);
  explicit Backend(std::shared_ptr<detail::Instance> instance)
      : instance_(std::move(instance)) {}
  std::shared_ptr<detail::Instance> instance_;
};

/// The backend the configuration names (keras.json, then KERAS_BACKEND).
/// Throws ConfigError, BackendNotFoundError, InvalidBackendError,
/// IncompatibleVersionError or LoadError.
TENSORPLUG_API Backend load_backend(const LoadOptions& options = {});

/// A backend by name (builtin or dotted module path); the other settings
/// still come from the configuration.
TENSORPLUG_API Backend load_backend(std::string_view name,
                                    const LoadOptions& options = {});

/// Validates, loads, negotiates and initialises an already resolved library
/// with the given settings.
TENSORPLUG_API Backend load_backend_at(const Resolution& resolution,
                                       const Settings& settings,
                                       const LoadOptions& options = {});

}  // namespace tensorplug
