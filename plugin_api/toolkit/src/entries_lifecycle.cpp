// Exported entries: version negotiation, context lifecycle, handle release
// and variable values. Every entry runs its body in tp::guard, so no
// exception crosses the C ABI and bad arguments become error statuses.
#include <tensorplug/plugin_api.h>

#include <tensorplug/plugin.hpp>

#include "array.hpp"
#include "backend.hpp"
#include "context.hpp"
#include "node.hpp"
#include "text.hpp"

namespace tptk {
namespace {

bool is_float_dtype(DLDataType dt) {
  return tp::dtype_equal(dt, tp::dtype::float16) ||
         tp::dtype_equal(dt, tp::dtype::float32) ||
         tp::dtype_equal(dt, tp::dtype::float64);
}

/** The variable behind a handle, or TP_ERROR_INVALID_ARGUMENT. */
Node& variable_of(BackendState& state, const tp_tensor* tensor,
                  std::string_view entry) {
  Node& node = *state.lookup(tensor, entry, "variable");
  if (node.kind != NodeKind::variable) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": ", quoted(node.name), " is a ",
         kind_name(node.kind), ", not a variable");
  }
  return node;
}

}  // namespace
}  // namespace tptk

using namespace tptk;

TP_CPP_EXPORT tp_status tp_negotiate_version(tp_negotiate_args* args,
                                             tp_error* error) {
  return tp::guard(error, "negotiate_version", [&] {
    if (args == nullptr) {
      fail(TP_ERROR_INVALID_ARGUMENT, "negotiate_version: args is NULL");
    }
    if (args->struct_size < TP_NEGOTIATE_ARGS_STRUCT_SIZE) {
      fail(TP_ERROR_INVALID_ARGUMENT, "negotiate_version: args->struct_size ",
           args->struct_size, " is smaller than ",
           TP_NEGOTIATE_ARGS_STRUCT_SIZE);
    }
    args->plugin_version.struct_size = TP_VERSION_STRUCT_SIZE;
    args->plugin_version.major = TP_API_VERSION_MAJOR;
    args->plugin_version.minor = TP_API_VERSION_MINOR;
    args->plugin_description = backend_info().description;
    const tp_version& host = args->host_max;
    if (host.major != TP_API_VERSION_MAJOR ||
        host.minor < TP_API_VERSION_MINOR) {
      fail(TP_ERROR_VERSION, "negotiate_version: the ", backend_info().name,
           " backend speaks plugin API ", TP_API_VERSION_MAJOR, ".",
           TP_API_VERSION_MINOR, ", the host at most ", host.major, ".",
           host.minor,
           host.major != TP_API_VERSION_MAJOR ? " (major versions differ)"
                                              : " (host too old)");
    }
  });
}

TP_CPP_EXPORT tp_status tp_context_init(tp_context* context, tp_error* error) {
  return tp::guard(error, "context_init", [&] {
    if (context == nullptr) {
      fail(TP_ERROR_INVALID_ARGUMENT, "context_init: context is NULL");
    }
    if (context->struct_size < TP_CONTEXT_STRUCT_SIZE) {
      fail(TP_ERROR_INVALID_ARGUMENT, "context_init: context->struct_size ",
           context->struct_size, " is smaller than ", TP_CONTEXT_STRUCT_SIZE);
    }
    if (context->backend_state != nullptr) {
      fail(TP_ERROR_INVALID_ARGUMENT,
           "context_init: the context is already initialised");
    }
    if (!is_float_dtype(context->floatx)) {
      fail(TP_ERROR_DTYPE, "context_init: floatx is ",
           tp::dtype_name(context->floatx),
           "; expected float16, float32 or float64");
    }
    if (backend_info().on_context_init != nullptr) {
      backend_info().on_context_init(*context);
    }
    context->backend_state = new BackendState(context->floatx);
    log(context, TP_LOG_DEBUG,
        cat(backend_info().name, ": context initialised (floatx ",
            tp::dtype_name(context->floatx), ")"));
  });
}

TP_CPP_EXPORT void tp_context_shutdown(tp_context* context) {
  if (context == nullptr || context->backend_state == nullptr) return;
  // Frees every handle; nodes still used by live callables survive them.
  delete static_cast<BackendState*>(context->backend_state);
  context->backend_state = nullptr;
}

TP_CPP_EXPORT void tp_tensor_release(tp_context* context, tp_tensor* tensor) {
  if (tensor == nullptr || context == nullptr ||
      context->backend_state == nullptr) {
    return;
  }
  auto& state = *static_cast<BackendState*>(context->backend_state);
  if (!state.release(tensor)) {
    log(context, TP_LOG_WARN,
        "tensor_release: ignored a tensor this context does not own");
  }
}

TP_CPP_EXPORT tp_status tp_get_value(tp_context* context,
                                     const tp_tensor* variable,
                                     DLManagedTensor** out, tp_error* error) {
  return tp::guard(error, "get_value", [&] {
    BackendState& state = state_of(context, "get_value");
    if (out == nullptr)
      fail(TP_ERROR_INVALID_ARGUMENT, "get_value: out is NULL");
    *out = nullptr;
    const Node& node = variable_of(state, variable, "get_value");
    *out = export_array(node.value).release();
  });
}

TP_CPP_EXPORT tp_status tp_set_value(tp_context* context, tp_tensor* variable,
                                     const DLTensor* value, tp_error* error) {
  return tp::guard(error, "set_value", [&] {
    BackendState& state = state_of(context, "set_value");
    Node& node = variable_of(state, variable, "set_value");
    check_dltensor(value, "set_value", "value");
    if (!tp::dtype_equal(value->dtype, node.dtype)) {
      fail(TP_ERROR_DTYPE, "set_value: value has dtype ",
           tp::dtype_name(value->dtype), ", variable ", quoted(node.name),
           " has dtype ", tp::dtype_name(node.dtype));
    }
    const Shape shape = shape_of(*value);
    if (shape != node.shape) {
      fail(TP_ERROR_SHAPE, "set_value: value has shape ", format_shape(shape),
           ", variable ", quoted(node.name), " has shape ",
           format_shape(node.shape));
    }
    node.value = import_dltensor(*value, "set_value");
  });
}

TP_CPP_EXPORT tp_status tp_tensor_info(tp_context* context,
                                       const tp_tensor* tensor,
                                       tp_tensor_desc* out, tp_error* error) {
  return tp::guard(error, "tensor_info", [&] {
    BackendState& state = state_of(context, "tensor_info");
    if (out == nullptr || out->struct_size < TP_TENSOR_DESC_STRUCT_SIZE) {
      fail(TP_ERROR_INVALID_ARGUMENT,
           "tensor_info: out is NULL or its struct_size is too small");
    }
    const NodePtr& node = state.lookup(tensor, "tensor_info", "tensor");
    out->ndim = static_cast<int32_t>(node->shape.size());
    out->shape = node->shape.data();
    out->dtype = node->dtype;
    out->name = node->name.c_str();
  });
}

TP_CPP_EXPORT tp_status tp_capabilities(tp_context* context,
                                        tp_backend_capabilities* out,
                                        tp_error* error) {
  return tp::guard(error, "capabilities", [&] {
    state_of(context, "capabilities");
    if (out == nullptr || out->struct_size < TP_CAPABILITIES_STRUCT_SIZE) {
      fail(TP_ERROR_INVALID_ARGUMENT,
           "capabilities: out is NULL or its struct_size is too small");
    }
    const std::span<const DLDataType> dtypes = backend_info().dtypes;
    out->num_dtypes = dtypes.size();
    out->dtypes = dtypes.data();
  });
}
