// Per-context state of the reference backend (`tp_context::backend_state`):
// the settings read at init and the registry of every tensor handle the
// context handed out. A `tp_tensor*` is the address of a Handle owned here;
// it is only ever dereferenced after being found in the registry, so a
// released, foreign or bogus pointer is reported instead of followed.
// Contexts share nothing: no global mutable state.
#pragma once

#include <tensorplug/plugin.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "node.hpp"

namespace tptk {

class BackendState {
 public:
  explicit BackendState(DLDataType floatx) : floatx_(floatx) {}

  DLDataType floatx() const noexcept { return floatx_; }

  /** Registers a new handle on `node`; the handle belongs to this context. */
  tp_tensor* adopt(NodePtr node);

  /**
   * The node behind a handle of this context. Throws
   * TP_ERROR_INVALID_ARGUMENT "<entry>: <what> is NULL" or "... is not a live
   * tensor of this context".
   */
  const NodePtr& lookup(const tp_tensor* tensor, std::string_view entry,
                        std::string_view what) const;

  /** Frees a handle; false when the context does not own it. */
  bool release(const tp_tensor* tensor) noexcept;

  /** Number of live handles. */
  std::size_t live_handles() const noexcept { return handles_.size(); }

  /** A fresh name for messages: "<prefix>_<n>", n counting per context. */
  std::string make_name(std::string_view prefix);

  /**
   * The name a new tensor reports through `tensor_info` (TP_ABI_19): `given`
   * when it is neither NULL nor empty, else make_name(prefix).
   */
  std::string name_or_make(const char* given, std::string_view prefix);

 private:
  struct Handle {
    NodePtr node;
  };

  DLDataType floatx_;
  std::unordered_map<const void*, std::unique_ptr<Handle>> handles_;
  std::uint64_t next_id_ = 1;
};

/**
 * The state of an initialised context. Throws TP_ERROR_INVALID_ARGUMENT
 * naming `entry` when `context` is NULL or context_init has not run.
 */
BackendState& state_of(tp_context* context, std::string_view entry);

/** Sends a message to the host's logger (no-op without one). */
void log(const tp_context* context, tp_log_level level,
         const std::string& message) noexcept;

}  // namespace tptk
