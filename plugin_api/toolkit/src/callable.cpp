#include "callable.hpp"

#include <memory>
#include <utility>
#include <vector>

#include "text.hpp"

namespace tptk {

namespace {

/** Checks the call's arguments; returns the inputs copied into Arrays. */
std::vector<Array> take_inputs(const Plan& plan, const tp_call_args& args) {
  const std::string& entry = plan.label;
  if (args.num_inputs != plan.inputs.size()) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": expected ", plan.inputs.size(),
         " input(s), got ", args.num_inputs);
  }
  if (args.num_inputs > 0 && args.inputs == nullptr) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": inputs is NULL");
  }
  std::vector<Array> values;
  values.reserve(args.num_inputs);
  for (std::size_t i = 0; i < args.num_inputs; ++i) {
    const Node& p = *plan.inputs[i];
    const std::string what = cat("input ", i, " (", quoted(p.name), ")");
    check_dltensor(args.inputs[i], entry, what);
    const DLTensor& t = *args.inputs[i];
    if (!tp::dtype_equal(t.dtype, p.dtype)) {
      fail(TP_ERROR_DTYPE, entry, ": ", what, " has dtype ",
           tp::dtype_name(t.dtype), ", expected ", tp::dtype_name(p.dtype));
    }
    const Shape shape = shape_of(t);
    if (!matches(p.shape, shape)) {
      fail(TP_ERROR_SHAPE, entry, ": ", what, " has shape ",
           format_shape(shape), ", expected ", format_shape(p.shape));
    }
    // Read in place during the call; the plan copies what must outlive it
    // (update values, outputs that are the input itself).
    values.push_back(view_or_import(t, entry));
  }
  return values;
}

tp_status call(tp_callable* self, tp_context* context, const tp_call_args* args,
               tp_error* error) {
  return tp::guard(error, "call", [&] {
    if (self == nullptr || self->private_data == nullptr) {
      fail(TP_ERROR_INVALID_ARGUMENT, "call: the callable is NULL or released");
    }
    const Plan& plan = *static_cast<const Plan*>(self->private_data);
    const std::string& entry = plan.label;
    if (context == nullptr)
      fail(TP_ERROR_INVALID_ARGUMENT, entry, ": context is NULL");
    if (args == nullptr)
      fail(TP_ERROR_INVALID_ARGUMENT, entry, ": args is NULL");
    if (args->struct_size < TP_CALL_ARGS_STRUCT_SIZE) {
      fail(TP_ERROR_INVALID_ARGUMENT, entry, ": args->struct_size ",
           args->struct_size, " is smaller than ", TP_CALL_ARGS_STRUCT_SIZE);
    }
    if (args->num_outputs > 0 && args->outputs == nullptr) {
      fail(TP_ERROR_INVALID_ARGUMENT, entry, ": outputs is NULL");
    }
    // On failure every slot is NULL: clear them before anything can fail.
    for (std::size_t i = 0; i < args->num_outputs; ++i) {
      args->outputs[i] = nullptr;
    }
    if (args->num_outputs != plan.outputs.size()) {
      fail(TP_ERROR_INVALID_ARGUMENT, entry, ": expected ", plan.outputs.size(),
           " output slot(s), got ", args->num_outputs);
    }

    const std::vector<Array> inputs = take_inputs(plan, *args);
    Evaluation ev;
    evaluate(plan, inputs, ev);

    // Everything that can fail happens before the first variable changes
    // and before any output slot is filled.
    std::vector<tp::ManagedTensorPtr> outputs;
    outputs.reserve(plan.output_slots.size());
    for (std::size_t slot : plan.output_slots) {
      outputs.push_back(share_array(*ev.slots[slot]));
    }
    std::vector<Array> new_values;
    new_values.reserve(plan.updates.size());
    for (std::size_t i = 0; i < plan.updates.size(); ++i) {
      const Update& u = plan.updates[i];
      const Array& value = *ev.slots[plan.update_value_slots[i]];
      if (!u.shape_checked && value.shape() != u.variable->shape) {
        fail(TP_ERROR_SHAPE, entry, ": update ", i,
             " assigns a value of shape ", format_shape(value.shape()),
             " to variable ", quoted(u.variable->name), " of shape ",
             format_shape(u.variable->shape));
      }
      new_values.push_back(value);  // a copy: values may alias variables
    }

    for (std::size_t i = 0; i < plan.updates.size(); ++i) {
      plan.updates[i].variable->value = std::move(new_values[i]);
    }
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      args->outputs[i] = outputs[i].release();
    }
  });
}

void release(tp_callable* self) {
  if (self == nullptr) return;
  delete static_cast<Plan*>(self->private_data);
  self->private_data = nullptr;
  self->call = nullptr;
  self->release = nullptr;
}

}  // namespace

void make_callable(Plan plan, tp_callable* out) {
  auto owned = std::make_unique<Plan>(std::move(plan));
  out->private_data = owned.release();
  out->call = &call;
  out->release = &release;
}

}  // namespace tptk
