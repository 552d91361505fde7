// Reverse-mode differentiation: `gradients(loss, targets...)` builds, as new
// graph nodes, d sum(loss) / d target for every target by walking the nodes
// between the targets and the loss in reverse topological order and calling
// each op's vjp. `stop_gradient` is the identity with no gradient. The
// internal ops `ones_like` (the seed) and `zeros_like` (the gradient of a
// target the loss does not depend on) live here too.
#include <unordered_map>
#include <unordered_set>

#include "context.hpp"
#include "dtype.hpp"
#include "ops/op.hpp"
#include "text.hpp"

namespace tptk {

namespace {

Signature infer_same(const OpDef&, std::span<const NodePtr> inputs,
                     const Attrs&) {
  return {inputs[0]->dtype, inputs[0]->shape};
}

Array eval_zeros_like(const Node& node, std::span<const Array* const> in) {
  return Array(in[0]->shape(), node.dtype);
}

Array eval_ones_like(const Node& node, std::span<const Array* const> in) {
  Array out(in[0]->shape(), node.dtype);
  dispatch(node.dtype, node.op->name, [&]<class T>() {
    T* p = out.data<T>();
    for (std::size_t i = 0; i < out.size(); ++i) p[i] = T(1);
  });
  return out;
}

Array eval_identity(const Node&, std::span<const Array* const> in) {
  return *in[0];
}

}  // namespace

const OpDef kZerosLike{"zeros_like",     1,      1, {}, &infer_same,
                       &eval_zeros_like, nullptr};
const OpDef kOnesLike{"ones_like",     1,      1, {}, &infer_same,
                      &eval_ones_like, nullptr};
const OpDef kStopGradient{"stop_gradient", 1,      1, {}, &infer_same,
                          &eval_identity,  nullptr};

namespace {

/** The gradient nodes of `targets` (one each) for `loss`. */
std::vector<NodePtr> build_gradients(const NodePtr& loss,
                                     const std::vector<NodePtr>& targets) {
  if (!is_float(loss->dtype)) {
    fail(TP_ERROR_DTYPE, "gradients: the loss ", quoted(loss->name),
         " has dtype ", tp::dtype_name(loss->dtype),
         "; only a float loss can be differentiated");
  }
  std::unordered_set<const Node*> target_set;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const Node& t = *targets[i];
    if (!is_float(t.dtype)) {
      fail(TP_ERROR_DTYPE, "gradients: target ", i, " (", quoted(t.name),
           ") has dtype ", tp::dtype_name(t.dtype),
           "; gradients are defined for float tensors only");
    }
    target_set.insert(&t);
  }
  // Post-order over the loss's ancestors; a node is relevant when it is a
  // target or depends on one.
  std::vector<const Node*> order;
  std::unordered_map<const Node*, bool> relevant;
  struct Frame {
    const Node* node;
    std::size_t next;
  };
  std::vector<Frame> stack{{loss.get(), 0}};
  while (!stack.empty()) {
    Frame& top = stack.back();
    const Node* node = top.node;
    if (relevant.contains(node)) {
      stack.pop_back();
      continue;
    }
    if (top.next < node->inputs.size()) {
      const Node* child = node->inputs[top.next++].get();
      if (!relevant.contains(child)) stack.push_back({child, 0});
      continue;
    }
    bool r = target_set.contains(node);
    for (const NodePtr& in : node->inputs) r = r || relevant.at(in.get());
    relevant.emplace(node, r);
    order.push_back(node);
    stack.pop_back();
  }
  std::unordered_map<const Node*, NodePtr> grads;
  if (relevant.at(loss.get())) grads[loss.get()] = apply_op(kOnesLike, {loss});
  const OpDef& add = *find_op("add");
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const Node* node = *it;
    if (node->kind != NodeKind::op || node->op->vjp == nullptr) continue;
    if (!relevant.at(node)) continue;
    auto g = grads.find(node);
    if (g == grads.end()) continue;
    std::vector<NodePtr> parts = node->op->vjp(*node, g->second);
    for (std::size_t i = 0; i < parts.size() && i < node->inputs.size(); ++i) {
      const Node* in = node->inputs[i].get();
      if (parts[i] == nullptr || !relevant.at(in)) continue;
      NodePtr& acc = grads[in];
      acc = acc == nullptr ? parts[i] : apply_op(add, {acc, parts[i]});
    }
  }
  std::vector<NodePtr> result;
  result.reserve(targets.size());
  for (const NodePtr& t : targets) {
    auto g = grads.find(t.get());
    result.push_back(g != grads.end() ? g->second : apply_op(kZerosLike, {t}));
  }
  return result;
}

}  // namespace

}  // namespace tptk

TPTK_INTERNAL_OP(zeros_like, tptk::kZerosLike)
TPTK_INTERNAL_OP(ones_like, tptk::kOnesLike)
TPTK_EXPORT_OP(stop_gradient, tptk::kStopGradient)

/** `gradients(loss, targets...)`: one result per target. */
TP_CPP_EXPORT tp_status tp_gradients(tp_context* context,
                                     const tp_op_args* args,
                                     tp_tensor** outputs, tp_error* error) {
  using namespace tptk;
  return tp::guard(error, "gradients", [&] {
    BackendState& state = state_of(context, "gradients");
    if (args == nullptr) {
      fail(TP_ERROR_INVALID_ARGUMENT, "gradients: args is NULL");
    }
    if (args->struct_size < TP_OP_ARGS_STRUCT_SIZE) {
      fail(TP_ERROR_INVALID_ARGUMENT, "gradients: args.struct_size is ",
           args->struct_size, ", expected at least ", TP_OP_ARGS_STRUCT_SIZE);
    }
    if (args->num_outputs > 0 && outputs == nullptr) {
      fail(TP_ERROR_INVALID_ARGUMENT, "gradients: outputs is NULL");
    }
    for (std::size_t i = 0; i < args->num_outputs; ++i) outputs[i] = nullptr;
    if (args->num_inputs == 0 || args->inputs == nullptr) {
      fail(TP_ERROR_INVALID_ARGUMENT,
           "gradients: takes the loss and 0 or more targets, got no operands");
    }
    if (args->num_outputs != args->num_inputs - 1) {
      fail(TP_ERROR_INVALID_ARGUMENT, "gradients: produces one result per ",
           "target (", args->num_inputs - 1, "), ", args->num_outputs,
           " output slots given");
    }
    Attrs::parse("gradients", args->attrs, args->num_attrs, {});
    const NodePtr& loss = state.lookup(args->inputs[0], "gradients", "loss");
    std::vector<NodePtr> targets;
    for (std::size_t i = 1; i < args->num_inputs; ++i) {
      targets.push_back(
          state.lookup(args->inputs[i], "gradients", cat("target ", i - 1)));
    }
    std::vector<NodePtr> grads = build_gradients(loss, targets);
    std::vector<tp_tensor*> handles;
    try {
      for (NodePtr& g : grads) handles.push_back(state.adopt(std::move(g)));
    } catch (...) {
      for (tp_tensor* h : handles) state.release(h);
      throw;
    }
    for (std::size_t i = 0; i < handles.size(); ++i) outputs[i] = handles[i];
  });
}
