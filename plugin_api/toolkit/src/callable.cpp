#include "callable.hpp"

#include <atomic>
#include <memory>
#include <utility>
#include <vector>

#include "backend.hpp"
#include "buffer_pool.hpp"
#include "executor.hpp"
#include "text.hpp"

namespace tptk {

namespace {

/** What a call needs besides the plan, kept across calls so that a call
 * in steady state allocates only its results. */
struct Scratch {
  std::vector<Array> inputs;
  Evaluation ev;
  std::vector<tp::ManagedTensorPtr> outputs;
  std::vector<Array> new_values;
  /** The memory plan: buffers kept from call to call. */
  BufferPool pool;
};

/** The private data of a callable. */
struct State {
  Plan plan;
  /** The backend's own executor (executor.hpp), or null: evaluate(). */
  std::unique_ptr<Executor> executor;
  /** Set while a call uses `scratch`; a concurrent call uses its own. */
  std::atomic<bool> busy{false};
  Scratch scratch;
};

/** True when `t` fits placeholder `p` (checked without building text). */
bool fits(const DLTensor* t, const Node& p) {
  if (t == nullptr || !tp::is_cpu(*t) || !tp::dtype_equal(t->dtype, p.dtype) ||
      t->ndim != static_cast<int32_t>(p.shape.size()) ||
      (t->ndim > 0 && t->shape == nullptr)) {
    return false;
  }
  std::size_t count = 1;
  for (int32_t d = 0; d < t->ndim; ++d) {
    const int64_t n = t->shape[d];
    if (n < 0 || (p.shape[d] != kUnknownDim && p.shape[d] != n)) return false;
    count *= static_cast<std::size_t>(n);
  }
  return count == 0 || t->data != nullptr;
}

/** Reports why input `i` does not fit (never returns). */
[[noreturn]] void bad_input(const Plan& plan, const tp_call_args& args,
                            std::size_t i) {
  const std::string& entry = plan.label;
  const Node& p = *plan.inputs[i];
  const std::string what = cat("input ", i, " (", quoted(p.name), ")");
  check_dltensor(args.inputs[i], entry, what);
  const DLTensor& t = *args.inputs[i];
  if (!tp::dtype_equal(t.dtype, p.dtype)) {
    fail(TP_ERROR_DTYPE, entry, ": ", what, " has dtype ",
         tp::dtype_name(t.dtype), ", expected ", tp::dtype_name(p.dtype));
  }
  const Shape shape = shape_of(t);
  fail(TP_ERROR_SHAPE, entry, ": ", what, " has shape ", format_shape(shape),
       ", expected ", format_shape(p.shape));
}

/** Checks the call's inputs into `values`: views of the caller's tensors
 * where contiguous (read in place during the call; what must outlive it is
 * copied), copies otherwise. */
void take_inputs(const Plan& plan, const tp_call_args& args,
                 std::vector<Array>& values) {
  const std::string& entry = plan.label;
  if (args.num_inputs != plan.inputs.size()) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": expected ", plan.inputs.size(),
         " input(s), got ", args.num_inputs);
  }
  if (args.num_inputs > 0 && args.inputs == nullptr) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": inputs is NULL");
  }
  values.clear();
  for (std::size_t i = 0; i < args.num_inputs; ++i) {
    if (!fits(args.inputs[i], *plan.inputs[i])) bad_input(plan, args, i);
    values.push_back(view_or_import(*args.inputs[i], entry));
  }
}

void run_call(const Plan& plan, Executor* executor, const tp_call_args& a,
              Scratch& sc);

tp_status call(tp_callable* self, tp_context* context, const tp_call_args* args,
               tp_error* error) {
  return tp::guard(error, "call", [&] {
    if (self == nullptr || self->private_data == nullptr) {
      fail(TP_ERROR_INVALID_ARGUMENT, "call: the callable is NULL or released");
    }
    const Plan& plan = static_cast<const State*>(self->private_data)->plan;
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

    State& state = *static_cast<State*>(self->private_data);
    if (!state.busy.exchange(true, std::memory_order_acquire)) {
      struct Release {
        std::atomic<bool>& flag;
        ~Release() { flag.store(false, std::memory_order_release); }
      } release{state.busy};
      run_call(plan, state.executor.get(), *args, state.scratch);
    } else {
      Scratch own;
      run_call(plan, state.executor.get(), *args, own);
    }
  });
}

void run_call(const Plan& plan, Executor* executor, const tp_call_args& args,
              Scratch& sc) {
  // Nothing of a call is kept after it, failed or not: views of the
  // caller's tensors and intermediates go (the vectors keep their capacity).
  struct Clear {
    Scratch& sc;
    ~Clear() {
      sc.inputs.clear();
      sc.ev.owned.clear();
      sc.outputs.clear();
      sc.new_values.clear();
      sc.pool.end_call();
    }
  } clear{sc};
  // Every Array of the call takes its buffer from the plan's pool.
  PoolScope scope(&sc.pool);
  const std::string& entry = plan.label;
  take_inputs(plan, args, sc.inputs);
  Evaluation& ev = sc.ev;
  if (executor != nullptr) {
    bind_sources(plan, sc.inputs, ev);
    executor->run(plan, ev);
  } else {
    evaluate(plan, sc.inputs, ev);
  }

  // Everything that can fail happens before the first variable changes
  // and before any output slot is filled.
  std::vector<Array>& new_values = sc.new_values;
  new_values.clear();
  for (std::size_t i = 0; i < plan.updates.size(); ++i) {
    const Update& u = plan.updates[i];
    const Array& value = *ev.slots[plan.update_value_slots[i]];
    if (!u.shape_checked && value.shape() != u.variable->shape) {
      fail(TP_ERROR_SHAPE, entry, ": update ", i, " assigns a value of shape ",
           format_shape(value.shape()), " to variable ",
           quoted(u.variable->name), " of shape ",
           format_shape(u.variable->shape));
    }
    // Shared, not copied (a view of an input is copied): no buffer is
    // written after it is computed; an output that would share it with the
    // variable is copied instead (below).
    new_values.push_back(value.share());
  }

  std::vector<tp::ManagedTensorPtr>& outputs = sc.outputs;
  outputs.clear();
  for (std::size_t slot : plan.output_slots) {
    // An intermediate nobody else holds is handed out without a copy; a
    // variable's value, a constant, a value a variable is about to take or
    // an output listed twice is copied. (Under TP_ABI_22 the receiver never
    // writes, so these could be shared too; a receiver of API 0.4 did not
    // promise that, and sharing them is not measured to matter.)
    const Array& v = *ev.slots[slot];
    const bool sole = &v == &ev.owned[slot] && v.sole_owner();
    outputs.push_back(sole ? share_array(v) : export_array(v));
  }
  for (std::size_t i = 0; i < plan.updates.size(); ++i) {
    plan.updates[i].variable->value = std::move(new_values[i]);
  }
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    args.outputs[i] = outputs[i].release();
  }
}

void release(tp_callable* self) {
  if (self == nullptr) return;
  delete static_cast<State*>(self->private_data);
  self->private_data = nullptr;
  self->call = nullptr;
  self->release = nullptr;
}

}  // namespace

void make_callable(Plan plan, tp_callable* out) {
  auto owned = std::make_unique<State>();
  owned->plan = std::move(plan);
  if (backend_info().make_executor != nullptr) {
    owned->executor = backend_info().make_executor(owned->plan);
  }
  out->private_data = owned.release();
  out->call = &call;
  out->release = &release;
}

}  // namespace tptk
