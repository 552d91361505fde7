#include "context.hpp"

#include <utility>

#include "text.hpp"

namespace tptk {

tp_tensor* BackendState::adopt(NodePtr node) {
  auto handle = std::make_unique<Handle>();
  handle->node = std::move(node);
  const void* key = handle.get();
  handles_.emplace(key, std::move(handle));
  // The opaque type is never defined: the pointer is only a registry key.
  return static_cast<tp_tensor*>(const_cast<void*>(key));
}

const NodePtr& BackendState::lookup(const tp_tensor* tensor,
                                    std::string_view entry,
                                    std::string_view what) const {
  if (tensor == nullptr) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": ", what, " is NULL");
  }
  const auto it = handles_.find(static_cast<const void*>(tensor));
  if (it == handles_.end()) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": ", what,
         " is not a live tensor of this context (released, or made by "
         "another context)");
  }
  return it->second->node;
}

bool BackendState::release(const tp_tensor* tensor) noexcept {
  return handles_.erase(static_cast<const void*>(tensor)) > 0;
}

std::string BackendState::make_name(std::string_view prefix) {
  return cat(prefix, "_", next_id_++);
}

std::string BackendState::name_or_make(const char* given,
                                       std::string_view prefix) {
  if (given != nullptr && *given != '\0') return given;
  return make_name(prefix);
}

BackendState& state_of(tp_context* context, std::string_view entry) {
  if (context == nullptr) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": context is NULL");
  }
  if (!TP_HAS_FIELD(context, tp_context, backend_state) ||
      context->backend_state == nullptr) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry,
         ": context is not initialised (context_init has not run)");
  }
  return *static_cast<BackendState*>(context->backend_state);
}

void log(const tp_context* context, tp_log_level level,
         const std::string& message) noexcept {
  if (context != nullptr && TP_HAS_FIELD(context, tp_context, log_user_data) &&
      context->log != nullptr) {
    context->log(context->log_user_data, level, message.c_str());
  }
}

}  // namespace tptk
