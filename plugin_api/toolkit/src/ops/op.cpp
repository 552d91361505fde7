#include "ops/op.hpp"

#include <map>
#include <mutex>
#include <string>

#include "context.hpp"
#include "dtype.hpp"
#include "text.hpp"

namespace tptk {
namespace {

/** Name -> OpDef. Filled by static registrations when the library loads,
 * read-only afterwards. */
std::map<std::string, const OpDef*, std::less<>>& registry() {
  static std::map<std::string, const OpDef*, std::less<>> ops;
  return ops;
}

void check_arity(const OpDef& op, std::size_t count) {
  const bool too_few = static_cast<int>(count) < op.min_inputs;
  const bool too_many =
      op.max_inputs >= 0 && static_cast<int>(count) > op.max_inputs;
  if (!too_few && !too_many) return;
  if (op.min_inputs == op.max_inputs) {
    fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": takes ", op.min_inputs,
         " operand", op.min_inputs == 1 ? "" : "s", ", got ", count);
  }
  fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": takes ", op.min_inputs,
       op.max_inputs < 0 ? " or more" : cat(" to ", op.max_inputs),
       " operands, got ", count);
}

}  // namespace

OpRegistration::OpRegistration(const OpDef& op) {
  registry().emplace(op.name, &op);
}

const OpDef* find_op(std::string_view name) {
  const auto& ops = registry();
  auto it = ops.find(name);
  return it == ops.end() ? nullptr : it->second;
}

NodePtr apply_op(const OpDef& op, std::vector<NodePtr> inputs, Attrs attrs,
                 std::string name) {
  check_arity(op, inputs.size());
  Signature sig = op.infer(op, inputs, attrs);
  require_supported(sig.dtype, op.name);
  if (name.empty()) name = op.name;
  return make_op_node(std::move(name), op, std::move(inputs), std::move(attrs),
                      sig.dtype, std::move(sig.shape));
}

tp_status op_entry(const OpDef& op, tp_context* context, const tp_op_args* args,
                   tp_tensor** outputs, tp_error* error) noexcept {
  return tp::guard(error, op.name, [&] {
    BackendState& state = state_of(context, op.name);
    if (args == nullptr)
      fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": args is NULL");
    if (args->struct_size < TP_OP_ARGS_STRUCT_SIZE) {
      fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": args.struct_size is ",
           args->struct_size, ", expected at least ", TP_OP_ARGS_STRUCT_SIZE);
    }
    if (outputs == nullptr) {
      fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": outputs is NULL");
    }
    for (std::size_t i = 0; i < args->num_outputs; ++i) outputs[i] = nullptr;
    if (args->num_outputs != 1) {
      fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": produces 1 result, ",
           args->num_outputs, " output slots given");
    }
    if (args->num_inputs > 0 && args->inputs == nullptr) {
      fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": ", args->num_inputs,
           " inputs given but inputs is NULL");
    }
    check_arity(op, args->num_inputs);
    std::vector<NodePtr> inputs;
    inputs.reserve(args->num_inputs);
    for (std::size_t i = 0; i < args->num_inputs; ++i) {
      inputs.push_back(
          state.lookup(args->inputs[i], op.name, cat("operand ", i)));
    }
    Attrs attrs = Attrs::parse(op.name, args->attrs, args->num_attrs, op.attrs);
    attrs.set("floatx", state.floatx());  // default dtype (values ops)
    std::string name = state.name_or_make(args->name, op.name);
    NodePtr node =
        apply_op(op, std::move(inputs), std::move(attrs), std::move(name));
    outputs[0] = state.adopt(std::move(node));
  });
}

}  // namespace tptk
