// A small but complete tensorplug backend, written the way a third party
// would write one: only <tensorplug/plugin_api.h> (the C ABI), no tensorplug
// internals. It builds a graph of nodes and evaluates it when a callable
// runs. It supports float32 and float64 (declared through `capabilities`,
// so the conformance kit tests exactly those) and three ops: add, multiply
// (NumPy broadcasting) and relu (Keras's alpha / max_value / threshold).
//
// Values are computed in double and rounded to the tensor's dtype: a single
// float32 add or multiply computed in double and rounded once is the
// correctly rounded float32 result.
//
// This file holds the exported entries (extern "C", TP_EXPORT); the rest is
// in backend.hpp and support.cpp, graph.cpp (evaluation, callables) and
// ops.cpp.
#define TP_PLUGIN_DECLARE_ENTRIES
#include <tensorplug/plugin_api.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backend.hpp"

using namespace example;

// ---------------------------------------------------------------------------
// Exported entries
// ---------------------------------------------------------------------------

extern "C" {

TP_EXPORT tp_status tp_negotiate_version(tp_negotiate_args* args,
                                         tp_error* error) {
  if (args == nullptr || args->struct_size < TP_NEGOTIATE_ARGS_STRUCT_SIZE) {
    return report(error, TP_ERROR_INVALID_ARGUMENT,
                  "negotiate_version: args is NULL or too small");
  }
  args->plugin_version.major = TP_API_VERSION_MAJOR;
  args->plugin_version.minor = TP_API_VERSION_MINOR;
  args->plugin_description = "example_backend 1.0 (add, multiply, relu)";
  return TP_OK;
}

TP_EXPORT tp_status tp_context_init(tp_context* context, tp_error* error) {
  return guard(error, [&] {
    if (context == nullptr) {
      fail(TP_ERROR_INVALID_ARGUMENT, "context_init: context is NULL");
    }
    context->backend_state = new State();
  });
}

TP_EXPORT void tp_context_shutdown(tp_context* context) {
  if (context == nullptr) return;
  delete static_cast<State*>(context->backend_state);
  context->backend_state = nullptr;
}

TP_EXPORT void tp_tensor_release(tp_context* context, tp_tensor* tensor) {
  if (context == nullptr || context->backend_state == nullptr) return;
  static_cast<State*>(context->backend_state)->handles.erase(tensor);
}

TP_EXPORT tp_status tp_capabilities(tp_context* context,
                                    tp_backend_capabilities* out,
                                    tp_error* error) {
  return guard(error, [&] {
    state_of(context, "capabilities");
    if (out == nullptr || out->struct_size < TP_CAPABILITIES_STRUCT_SIZE) {
      fail(TP_ERROR_INVALID_ARGUMENT, "capabilities: out is NULL or too small");
    }
    out->num_dtypes = std::size(kSupported);
    out->dtypes = kSupported;
  });
}

TP_EXPORT tp_status tp_placeholder(tp_context* context,
                                   const tp_placeholder_args* args,
                                   tp_tensor** out, tp_error* error) {
  return guard(error, [&] {
    State& state = state_of(context, "placeholder");
    if (args == nullptr || out == nullptr ||
        args->struct_size < TP_PLACEHOLDER_ARGS_STRUCT_SIZE || args->ndim < 0 ||
        (args->ndim > 0 && args->shape == nullptr)) {
      fail(TP_ERROR_INVALID_ARGUMENT, "placeholder: invalid arguments");
    }
    auto n = std::make_shared<tp_tensor>();
    n->kind = Kind::kPlaceholder;
    n->dtype = TP_DTYPE_IS_DEFAULT(args->dtype) ? context->floatx : args->dtype;
    n->shape.assign(args->shape, args->shape + args->ndim);
    n->name = state.name_or_make(args->name, "placeholder");
    if (!supported(n->dtype)) {
      fail(TP_ERROR_DTYPE, "placeholder: dtype " + dtype_name(n->dtype) +
                               " is not supported (float32, float64)");
    }
    for (int64_t d : n->shape) {
      if (d < 0 && d != TP_DIM_UNKNOWN) {
        fail(TP_ERROR_SHAPE,
             "placeholder: invalid shape " + shape_str(n->shape));
      }
    }
    *out = state.add(n).get();
  });
}

TP_EXPORT tp_status tp_variable(tp_context* context,
                                const tp_variable_args* args, tp_tensor** out,
                                tp_error* error) {
  return guard(error, [&] {
    State& state = state_of(context, "variable");
    if (args == nullptr || out == nullptr || args->value == nullptr ||
        args->struct_size < TP_VARIABLE_ARGS_STRUCT_SIZE) {
      fail(TP_ERROR_INVALID_ARGUMENT, "variable: invalid arguments");
    }
    auto n = std::make_shared<tp_tensor>();
    n->kind = Kind::kVariable;
    n->dtype =
        TP_DTYPE_IS_DEFAULT(args->dtype) ? args->value->dtype : args->dtype;
    if (!supported(n->dtype)) {
      fail(TP_ERROR_DTYPE, "variable: dtype " + dtype_name(n->dtype) +
                               " is not supported (float32, float64)");
    }
    n->value = read_values(*args->value, "variable");
    n->shape.assign(args->value->shape, args->value->shape + args->value->ndim);
    round_to(n->dtype, n->value);
    n->name = state.name_or_make(args->name, "variable");
    *out = state.add(n).get();
  });
}

TP_EXPORT tp_status tp_function(tp_context* context,
                                const tp_function_args* args, tp_callable* out,
                                tp_error* error) {
  return guard(error, [&] {
    State& state = state_of(context, "function");
    if (args == nullptr || out == nullptr ||
        args->struct_size < TP_FUNCTION_ARGS_STRUCT_SIZE ||
        out->struct_size < TP_CALLABLE_STRUCT_SIZE ||
        (args->num_inputs > 0 && args->inputs == nullptr) ||
        (args->num_outputs > 0 && args->outputs == nullptr) ||
        (args->num_updates > 0 && (args->update_variables == nullptr ||
                                   args->update_values == nullptr))) {
      fail(TP_ERROR_INVALID_ARGUMENT, "function: invalid arguments");
    }
    auto c = std::make_unique<Callable>();
    for (size_t i = 0; i < args->num_inputs; ++i) {
      Node n = node_of(state, args->inputs[i], "function", "an input");
      if (n->kind != Kind::kPlaceholder) {
        fail(TP_ERROR_INVALID_ARGUMENT,
             "function: input '" + n->name + "' is not a placeholder");
      }
      c->inputs.push_back(n);
    }
    for (size_t i = 0; i < args->num_outputs; ++i) {
      c->outputs.push_back(
          node_of(state, args->outputs[i], "function", "an output"));
    }
    for (size_t i = 0; i < args->num_updates; ++i) {
      Node var = node_of(state, args->update_variables[i], "function",
                         "an update variable");
      Node value =
          node_of(state, args->update_values[i], "function", "an update value");
      if (var->kind != Kind::kVariable) {
        fail(TP_ERROR_INVALID_ARGUMENT,
             "function: update target '" + var->name + "' is not a variable");
      }
      if (!same(var->dtype, value->dtype)) {
        fail(TP_ERROR_DTYPE, "function: the update of '" + var->name +
                                 "' has dtype " + dtype_name(value->dtype) +
                                 ", the variable " + dtype_name(var->dtype));
      }
      c->update_variables.push_back(var);
      c->update_values.push_back(value);
    }
    out->private_data = c.release();
    out->call = call;
    out->release = release_callable;
  });
}

TP_EXPORT tp_status tp_tensor_info(tp_context* context, const tp_tensor* tensor,
                                   tp_tensor_desc* out, tp_error* error) {
  return guard(error, [&] {
    Node n = node_of(state_of(context, "tensor_info"), tensor, "tensor_info",
                     "the tensor");
    if (out == nullptr || out->struct_size < TP_TENSOR_DESC_STRUCT_SIZE) {
      fail(TP_ERROR_INVALID_ARGUMENT, "tensor_info: out is NULL or too small");
    }
    out->ndim = static_cast<int32_t>(n->shape.size());
    out->shape = n->shape.data();
    out->dtype = n->dtype;
    out->name = n->name.c_str();
  });
}

TP_EXPORT tp_status tp_get_value(tp_context* context, const tp_tensor* variable,
                                 DLManagedTensor** out, tp_error* error) {
  return guard(error, [&] {
    Node n = node_of(state_of(context, "get_value"), variable, "get_value",
                     "the variable");
    if (out == nullptr)
      fail(TP_ERROR_INVALID_ARGUMENT, "get_value: out is NULL");
    *out = nullptr;
    if (n->kind != Kind::kVariable) {
      fail(TP_ERROR_INVALID_ARGUMENT,
           "get_value: '" + n->name + "' is not a variable");
    }
    *out = make_output(n->dtype, n->shape, n->value);
  });
}

TP_EXPORT tp_status tp_set_value(tp_context* context, tp_tensor* variable,
                                 const DLTensor* value, tp_error* error) {
  return guard(error, [&] {
    Node n = node_of(state_of(context, "set_value"), variable, "set_value",
                     "the variable");
    if (value == nullptr) {
      fail(TP_ERROR_INVALID_ARGUMENT, "set_value: value is NULL");
    }
    if (n->kind != Kind::kVariable) {
      fail(TP_ERROR_INVALID_ARGUMENT,
           "set_value: '" + n->name + "' is not a variable");
    }
    if (!same(value->dtype, n->dtype)) {
      fail(TP_ERROR_DTYPE, "set_value: the value has dtype " +
                               dtype_name(value->dtype) + ", variable '" +
                               n->name + "' is " + dtype_name(n->dtype));
    }
    const Shape shape(value->shape, value->shape + std::max(0, value->ndim));
    if (shape != n->shape) {
      fail(TP_ERROR_SHAPE, "set_value: the value has shape " +
                               shape_str(shape) + ", variable '" + n->name +
                               "' has " + shape_str(n->shape));
    }
    std::vector<double> data = read_values(*value, "set_value");
    round_to(n->dtype, data);
    n->value = std::move(data);
  });
}

TP_EXPORT tp_status tp_add(tp_context* context, const tp_op_args* args,
                           tp_tensor** outputs, tp_error* error) {
  return binary_op(Kind::kAdd, context, args, outputs, error);
}

TP_EXPORT tp_status tp_multiply(tp_context* context, const tp_op_args* args,
                                tp_tensor** outputs, tp_error* error) {
  return binary_op(Kind::kMultiply, context, args, outputs, error);
}

TP_EXPORT tp_status tp_relu(tp_context* context, const tp_op_args* args,
                            tp_tensor** outputs, tp_error* error) {
  return relu_op(context, args, outputs, error);
}

}  // extern "C"
