// Exported op entries. Each op entry looks up its operands, lets the op's
// OpDef infer the result's dtype and shape (errors name the op and shapes),
// and registers the new graph node with the context.
#define TP_PLUGIN_DECLARE_ENTRIES
#include <tensorplug/plugin_api.h>

#include <tensorplug/plugin.hpp>

#include <vector>

#include "context.hpp"
#include "dtype.hpp"
#include "node.hpp"
#include "ops/op.hpp"
#include "text.hpp"

namespace tpref {
namespace {

/** Builds `op(operands...)` as a new node of the context; returns its handle.
 */
tp_tensor* apply(tp_context* context, const OpDef& op,
                 std::initializer_list<const tp_tensor*> operands,
                 tp_tensor** out) {
  BackendState& state = state_of(context, op.name);
  if (out == nullptr) fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": out is NULL");
  *out = nullptr;
  static constexpr const char* kArgNames[] = {"a", "b", "c", "d"};
  std::vector<NodePtr> inputs;
  inputs.reserve(operands.size());
  std::size_t i = 0;
  for (const tp_tensor* t : operands) {
    inputs.push_back(state.lookup(
        t, op.name,
        cat("argument ", operands.size() == 1 ? "x" : kArgNames[i])));
    ++i;
  }
  Signature sig = op.infer(op, inputs);
  require_supported(sig.dtype, op.name);
  NodePtr node = make_op_node(state.make_name(op.name), op, std::move(inputs),
                              sig.dtype, std::move(sig.shape));
  return *out = state.adopt(std::move(node));
}

tp_status binary_entry(tp_context* context, const OpDef& op, const tp_tensor* a,
                       const tp_tensor* b, tp_tensor** out, tp_error* error) {
  return tp::guard(error, op.name, [&] { apply(context, op, {a, b}, out); });
}

}  // namespace
}  // namespace tpref

using namespace tpref;

TP_CPP_EXPORT tp_status tp_add(tp_context* context, const tp_tensor* a,
                               const tp_tensor* b, tp_tensor** out,
                               tp_error* error) {
  return binary_entry(context, kAdd, a, b, out, error);
}
