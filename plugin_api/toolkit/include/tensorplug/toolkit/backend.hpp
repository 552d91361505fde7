// What a backend built on the toolkit says about itself. The toolkit's
// lifecycle entries (negotiate_version, context_init, capabilities) read it;
// each backend defines `tptk::backend_info()` once (e.g. in its backend.cpp).
#pragma once

#include <tensorplug/plugin.hpp>

#include <memory>
#include <span>

namespace tptk {

class Executor;
struct Plan;

struct BackendInfo {
  /** The backend's name in messages and logs ("reference", "native"). */
  const char* name;
  /** negotiate_version's plugin_description ("native 0.1.0 (OpenBLAS)"). */
  const char* description;
  /** The dtypes it supports, for the capabilities entry. */
  std::span<const DLDataType> dtypes;
  /**
   * Optional: called by context_init after the toolkit's own checks, with
   * the context's settings (threads, ...). Throws tp::Error to refuse.
   */
  void (*on_context_init)(const tp_context& context) = nullptr;
  /**
   * Optional: called once by `function` after the toolkit has compiled the
   * plan; the callable then runs the returned executor at each call instead
   * of the toolkit's kernels (executor.hpp). Throws tp::Error to refuse the
   * function. Null: the toolkit's evaluate() with the kernel table.
   */
  std::unique_ptr<Executor> (*make_executor)(const Plan& plan) = nullptr;
};

/** Defined by the backend. */
const BackendInfo& backend_info() noexcept;

}  // namespace tptk
