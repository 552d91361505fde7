// The ops: add, multiply (NumPy broadcasting, operands of one dtype) and
// relu (Keras's alpha, max_value, threshold). Each builds a node; values are
// computed when a callable runs (graph.cpp).
#include <string>

#include "backend.hpp"

namespace example {
namespace {

// On failure every result slot is NULL (plugin_api.h, tp_op_fn): cleared
// before anything can fail. Slot 0 always exists; the others are only known
// from a struct large enough to hold num_outputs.
void clear_slots(const tp_op_args* args, tp_tensor** outputs) {
  if (outputs == nullptr) return;
  outputs[0] = nullptr;
  if (args != nullptr && args->struct_size >= TP_OP_ARGS_STRUCT_SIZE) {
    for (size_t i = 0; i < args->num_outputs; ++i) outputs[i] = nullptr;
  }
}

const tp_tensor* const* check_op(const tp_op_args* args, tp_tensor** outputs,
                                 size_t num_inputs, const char* op) {
  if (args == nullptr || args->struct_size < TP_OP_ARGS_STRUCT_SIZE ||
      outputs == nullptr || args->num_outputs != 1) {
    fail(TP_ERROR_INVALID_ARGUMENT,
         std::string(op) + ": invalid arguments (one result slot expected)");
  }
  if (args->num_inputs != num_inputs || args->inputs == nullptr) {
    fail(TP_ERROR_INVALID_ARGUMENT,
         std::string(op) + ": takes " + std::to_string(num_inputs) +
             " operand" + (num_inputs == 1 ? "" : "s") + ", got " +
             std::to_string(args->num_inputs));
  }
  if (args->num_attrs > 0 && args->attrs == nullptr) {
    fail(TP_ERROR_INVALID_ARGUMENT, std::string(op) + ": attrs is NULL");
  }
  return args->inputs;
}

double float_attr(const tp_attr& a, const std::string& name, const char* op) {
  if (a.kind == TP_ATTR_FLOAT) return a.float_value;
  if (a.kind == TP_ATTR_INT) return static_cast<double>(a.int_value);
  fail(TP_ERROR_INVALID_ARGUMENT,
       std::string(op) + ": attribute '" + name + "' must be a number");
}

}  // namespace

tp_status binary_op(Kind kind, tp_context* context, const tp_op_args* args,
                    tp_tensor** outputs, tp_error* error) {
  clear_slots(args, outputs);
  return guard(error, [&] {
    const char* op = op_name(kind);
    State& state = state_of(context, op);
    const tp_tensor* const* in = check_op(args, outputs, 2, op);
    if (args->num_attrs > 0) {
      const char* name = args->attrs[0].name;
      fail(TP_ERROR_INVALID_ARGUMENT, std::string(op) +
                                          ": unknown attribute '" +
                                          (name != nullptr ? name : "(null)") +
                                          "' (" + op + " takes none)");
    }
    Node x = node_of(state, in[0], op, "operand 0");
    Node y = node_of(state, in[1], op, "operand 1");
    if (!same(x->dtype, y->dtype)) {
      fail(TP_ERROR_DTYPE,
           std::string(op) +
               ": operand dtypes differ: " + dtype_name(x->dtype) + " (shape " +
               shape_str(x->shape) + ") and " + dtype_name(y->dtype) +
               " (shape " + shape_str(y->shape) + ")");
    }
    const auto shape = broadcast(x->shape, y->shape);
    if (!shape) {
      fail(TP_ERROR_SHAPE, std::string(op) + ": cannot broadcast shapes " +
                               shape_str(x->shape) + " and " +
                               shape_str(y->shape));
    }
    auto n = std::make_shared<tp_tensor>();
    n->kind = kind;
    n->dtype = x->dtype;
    n->shape = *shape;
    n->name = state.name_or_make(args->name, op);
    n->inputs = {x, y};
    outputs[0] = state.add(n).get();
  });
}

tp_status relu_op(tp_context* context, const tp_op_args* args,
                  tp_tensor** outputs, tp_error* error) {
  clear_slots(args, outputs);
  return guard(error, [&] {
    State& state = state_of(context, "relu");
    const tp_tensor* const* in = check_op(args, outputs, 1, "relu");
    Node x = node_of(state, in[0], "relu", "operand 0");
    Relu r;
    for (size_t i = 0; i < args->num_attrs; ++i) {
      const tp_attr& a = args->attrs[i];
      const std::string name = a.name != nullptr ? a.name : "";
      if (name == "alpha") {
        r.alpha = float_attr(a, name, "relu");
      } else if (name == "threshold") {
        r.threshold = float_attr(a, name, "relu");
      } else if (name == "max_value") {
        if (a.kind == TP_ATTR_NONE) {
          r.max_value.reset();
        } else {
          r.max_value = float_attr(a, name, "relu");
        }
      } else {
        fail(TP_ERROR_INVALID_ARGUMENT,
             "relu: unknown attribute '" + name +
                 "' (relu takes alpha, max_value, threshold)");
      }
    }
    auto n = std::make_shared<tp_tensor>();
    n->kind = Kind::kRelu;
    n->dtype = x->dtype;
    n->shape = x->shape;
    n->name = state.name_or_make(args->name, "relu");
    n->inputs = {x};
    n->relu = r;
    outputs[0] = state.add(n).get();
  });
}

}  // namespace example
