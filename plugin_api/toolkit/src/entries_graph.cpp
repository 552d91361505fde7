// Exported entries that build the graph and compile functions: placeholder,
// variable, function.
#include <tensorplug/plugin_api.h>

#include <tensorplug/plugin.hpp>

#include <string>
#include <vector>

#include "array.hpp"
#include "callable.hpp"
#include "context.hpp"
#include "dtype.hpp"
#include "node.hpp"
#include "plan.hpp"
#include "text.hpp"

namespace tptk {
namespace {

void check_struct_size(std::size_t actual, std::size_t expected,
                       std::string_view entry, std::string_view what) {
  if (actual < expected) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": ", what, "->struct_size ", actual,
         " is smaller than ", expected);
  }
}

/**
 * Looks up the `count` handles of the args array `field` (counted by
 * `count_field`), which may be NULL only when count is 0. Messages call
 * element i "<element> i".
 */
std::vector<NodePtr> lookup_all(const BackendState& state,
                                tp_tensor* const* tensors, std::size_t count,
                                std::string_view field,
                                std::string_view count_field,
                                std::string_view element) {
  if (count > 0 && tensors == nullptr) {
    fail(TP_ERROR_INVALID_ARGUMENT, "function: ", field, " is NULL but ",
         count_field, " is ", count);
  }
  std::vector<NodePtr> nodes;
  nodes.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    nodes.push_back(state.lookup(tensors[i], "function", cat(element, " ", i)));
  }
  return nodes;
}

}  // namespace
}  // namespace tptk

using namespace tptk;

TP_CPP_EXPORT tp_status tp_placeholder(tp_context* context,
                                       const tp_placeholder_args* args,
                                       tp_tensor** out, tp_error* error) {
  return tp::guard(error, "placeholder", [&] {
    BackendState& state = state_of(context, "placeholder");
    if (args == nullptr)
      fail(TP_ERROR_INVALID_ARGUMENT, "placeholder: args is NULL");
    if (out == nullptr)
      fail(TP_ERROR_INVALID_ARGUMENT, "placeholder: out is NULL");
    check_struct_size(args->struct_size, TP_PLACEHOLDER_ARGS_STRUCT_SIZE,
                      "placeholder", "args");
    if (args->ndim < 0 || (args->ndim > 0 && args->shape == nullptr)) {
      fail(TP_ERROR_INVALID_ARGUMENT, "placeholder: ndim is ", args->ndim,
           args->ndim < 0 ? "" : " but shape is NULL");
    }
    for (int32_t i = 0; i < args->ndim; ++i) {
      if (args->shape[i] < 0 && args->shape[i] != TP_DIM_UNKNOWN) {
        fail(TP_ERROR_INVALID_ARGUMENT, "placeholder: dimension ", i,
             " has size ", args->shape[i],
             " (each must be >= 0 or TP_DIM_UNKNOWN)");
      }
    }
    const DLDataType dtype = resolve_dtype(args->dtype, state.floatx());
    require_supported(dtype, "placeholder");
    std::string name = state.name_or_make(args->name, "placeholder");
    *out = state.adopt(make_placeholder(std::move(name), dtype,
                                        make_shape(args->shape, args->ndim)));
  });
}

TP_CPP_EXPORT tp_status tp_variable(tp_context* context,
                                    const tp_variable_args* args,
                                    tp_tensor** out, tp_error* error) {
  return tp::guard(error, "variable", [&] {
    BackendState& state = state_of(context, "variable");
    if (args == nullptr)
      fail(TP_ERROR_INVALID_ARGUMENT, "variable: args is NULL");
    if (out == nullptr)
      fail(TP_ERROR_INVALID_ARGUMENT, "variable: out is NULL");
    check_struct_size(args->struct_size, TP_VARIABLE_ARGS_STRUCT_SIZE,
                      "variable", "args");
    check_dltensor(args->value, "variable", "value");
    const DLDataType dtype = resolve_dtype(args->dtype, args->value->dtype);
    require_supported(dtype, "variable");
    Array value = import_dltensor(*args->value, dtype, "variable");
    std::string name = state.name_or_make(args->name, "variable");
    *out = state.adopt(make_variable(std::move(name), std::move(value)));
  });
}

TP_CPP_EXPORT tp_status tp_function(tp_context* context,
                                    const tp_function_args* args,
                                    tp_callable* out, tp_error* error) {
  return tp::guard(error, "function", [&] {
    BackendState& state = state_of(context, "function");
    if (args == nullptr)
      fail(TP_ERROR_INVALID_ARGUMENT, "function: args is NULL");
    if (out == nullptr)
      fail(TP_ERROR_INVALID_ARGUMENT, "function: out is NULL");
    check_struct_size(args->struct_size, TP_FUNCTION_ARGS_STRUCT_SIZE,
                      "function", "args");
    check_struct_size(out->struct_size, TP_CALLABLE_STRUCT_SIZE, "function",
                      "out");
    std::vector<NodePtr> inputs = lookup_all(
        state, args->inputs, args->num_inputs, "inputs", "num_inputs", "input");
    std::vector<NodePtr> outputs =
        lookup_all(state, args->outputs, args->num_outputs, "outputs",
                   "num_outputs", "output");
    std::vector<NodePtr> variables =
        lookup_all(state, args->update_variables, args->num_updates,
                   "update_variables", "num_updates", "update variable");
    std::vector<NodePtr> values =
        lookup_all(state, args->update_values, args->num_updates,
                   "update_values", "num_updates", "update value");
    std::vector<Update> updates;
    updates.reserve(args->num_updates);
    for (std::size_t i = 0; i < args->num_updates; ++i) {
      updates.push_back({std::move(variables[i]), std::move(values[i])});
    }
    Plan plan =
        compile(args->name != nullptr ? args->name : "", std::move(inputs),
                std::move(outputs), std::move(updates));
    make_callable(std::move(plan), out);
  });
}
