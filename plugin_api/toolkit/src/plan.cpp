#include "plan.hpp"

#include <exception>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "dtype.hpp"
#include "ops/op.hpp"
#include "text.hpp"

namespace tptk {

namespace {

/** Builds the slot assignment and step order by depth-first search. */
class Planner {
 public:
  Planner(Plan& plan, std::string_view entry) : plan_(plan), entry_(entry) {}

  void add_input(const NodePtr& node, std::size_t index) {
    if (node->kind != NodeKind::placeholder) {
      fail(TP_ERROR_INVALID_ARGUMENT, entry_, ": input ", index, " (",
           quoted(node->name), ") is a ", kind_name(node->kind),
           ", not a placeholder");
    }
    if (slots_.contains(node.get())) {
      fail(TP_ERROR_INVALID_ARGUMENT, entry_, ": input ", index, " (",
           quoted(node->name), ") is listed twice");
    }
    const std::size_t slot = new_slot(node.get());
    plan_.input_slots.push_back(slot);
  }

  /**
   * The slot holding `root`'s value, planning every node it depends on.
   * `what` names the root in messages ("output 0").
   */
  std::size_t visit(const NodePtr& root, const std::string& what) {
    // Iterative post-order DFS: graphs may be deep (long chains of ops).
    struct Frame {
      Node* node;
      std::size_t next_input;
    };
    std::vector<Frame> stack{{root.get(), 0}};
    while (!stack.empty()) {
      Frame& top = stack.back();
      Node* node = top.node;
      if (slots_.contains(node)) {
        stack.pop_back();
        continue;
      }
      if (node->kind == NodeKind::placeholder) {
        fail(TP_ERROR_INVALID_ARGUMENT, entry_, ": ", what,
             " depends on placeholder ", quoted(node->name),
             ", which is not among the function's inputs");
      }
      if (node->kind == NodeKind::variable) {
        plan_.variable_reads.push_back({node, new_slot(node)});
        stack.pop_back();
        continue;
      }
      if (top.next_input < node->inputs.size()) {
        Node* child = node->inputs[top.next_input++].get();
        // Nodes are built from existing nodes only, so the graph is acyclic.
        if (!slots_.contains(child)) stack.push_back({child, 0});
        continue;
      }
      Plan::Step step{node, {}, 0, {}};
      step.args.reserve(node->inputs.size());
      for (const NodePtr& in : node->inputs) {
        step.args.push_back(slots_.at(in.get()));
      }
      step.out = new_slot(node);
      plan_.steps.push_back(std::move(step));
      stack.pop_back();
    }
    return slots_.at(root.get());
  }

 private:
  std::size_t new_slot(const Node* node) {
    const std::size_t slot = plan_.num_slots++;
    slots_.emplace(node, slot);
    return slot;
  }

  Plan& plan_;
  std::string_view entry_;
  std::unordered_map<const Node*, std::size_t> slots_;
};

void check_update(const Update& u, std::size_t index, std::string_view entry) {
  const Node& var = *u.variable;
  const Node& value = *u.value;
  if (var.kind != NodeKind::variable) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": update ", index, " targets ",
         quoted(var.name), ", a ", kind_name(var.kind), ", not a variable");
  }
  if (!tp::dtype_equal(var.dtype, value.dtype)) {
    fail(TP_ERROR_DTYPE, entry, ": update ", index,
         " assigns a value of dtype ", tp::dtype_name(value.dtype),
         " to variable ", quoted(var.name), " of dtype ",
         tp::dtype_name(var.dtype));
  }
  if (!may_equal(var.shape, value.shape)) {
    fail(TP_ERROR_SHAPE, entry, ": update ", index,
         " assigns a value of shape ", format_shape(value.shape),
         " to variable ", quoted(var.name), " of shape ",
         format_shape(var.shape));
  }
}

/**
 * Constant folding: runs, once, every step whose operands are all folded
 * (ops without operands first) unless its op varies per evaluation, and
 * drops it from the steps. A step whose kernel fails on its constant
 * operands is kept, so that the failure is reported by the call, as it
 * would be without folding.
 */
void fold_constants(Plan& plan) {
  std::vector<const Array*> known(plan.num_slots, nullptr);
  std::vector<Plan::Step> kept;
  kept.reserve(plan.steps.size());
  std::vector<const Array*> args;
  plan.folded.reserve(plan.steps.size());
  for (Plan::Step& step : plan.steps) {
    bool foldable = !step.node->op->varies;
    args.clear();
    for (std::size_t s : step.args) {
      foldable = foldable && known[s] != nullptr;
      args.push_back(known[s]);
    }
    if (foldable) {
      try {
        plan.folded.push_back({step.out, step.node->kernel(*step.node, args)});
        known[step.out] = &plan.folded.back().value;
        continue;
      } catch (const std::exception&) {
        // Left to the call, which reports it.
      }
    }
    kept.push_back(std::move(step));
  }
  plan.steps = std::move(kept);
}

/**
 * Liveness: frees each op result after the last step reading it, unless it
 * is an output or an update value (those live until the call returns).
 */
void plan_releases(Plan& plan) {
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<bool> keep(plan.num_slots, false);
  for (std::size_t s : plan.output_slots) keep[s] = true;
  for (std::size_t s : plan.update_value_slots) keep[s] = true;
  std::vector<bool> produced(plan.num_slots, false);
  for (const Plan::Step& step : plan.steps) produced[step.out] = true;
  std::vector<std::size_t> last_use(plan.num_slots, kNone);
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    for (std::size_t s : plan.steps[i].args) last_use[s] = i;
  }
  for (std::size_t s = 0; s < plan.num_slots; ++s) {
    if (produced[s] && !keep[s] && last_use[s] != kNone) {
      plan.steps[last_use[s]].release.push_back(s);
    }
  }
}

}  // namespace

Plan compile(const std::string& name, std::vector<NodePtr> inputs,
             std::vector<NodePtr> outputs, std::vector<Update> updates) {
  const std::string entry =
      name.empty() ? std::string("function") : cat("function ", quoted(name));
  Plan plan;
  plan.label = name.empty() ? std::string("call") : cat("call ", quoted(name));
  Planner planner(plan, entry);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    planner.add_input(inputs[i], i);
  }
  std::unordered_set<const Node*> targets;
  for (std::size_t i = 0; i < updates.size(); ++i) {
    Update& u = updates[i];
    check_update(u, i, entry);
    if (!targets.insert(u.variable.get()).second) {
      fail(TP_ERROR_INVALID_ARGUMENT, entry, ": variable ",
           quoted(u.variable->name), " is updated twice (update ", i, ")");
    }
    u.shape_checked = is_fully_known(u.value->shape);
  }
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    plan.output_slots.push_back(planner.visit(outputs[i], cat("output ", i)));
  }
  for (std::size_t i = 0; i < updates.size(); ++i) {
    plan.update_value_slots.push_back(planner.visit(
        updates[i].value, cat("update ", i, " (of variable ",
                              quoted(updates[i].variable->name), ")")));
  }
  fold_constants(plan);
  plan_releases(plan);
  plan.inputs = std::move(inputs);
  plan.outputs = std::move(outputs);
  plan.updates = std::move(updates);
  return plan;
}

void bind_sources(const Plan& plan, std::span<const Array> inputs,
                  Evaluation& ev) {
  ev.slots.assign(plan.num_slots, nullptr);
  ev.owned.clear();
  ev.owned.resize(plan.num_slots);
  for (std::size_t i = 0; i < plan.input_slots.size(); ++i) {
    ev.slots[plan.input_slots[i]] = &inputs[i];
  }
  for (const Plan::VariableRead& read : plan.variable_reads) {
    ev.slots[read.slot] = &read.variable->value;
  }
  for (const Plan::Folded& f : plan.folded) ev.slots[f.slot] = &f.value;
}

void evaluate(const Plan& plan, std::span<const Array> inputs, Evaluation& ev) {
  bind_sources(plan, inputs, ev);
  std::vector<const Array*>& args = ev.args;
  for (const Plan::Step& step : plan.steps) {
    args.clear();
    for (std::size_t slot : step.args) args.push_back(ev.slots[slot]);
    ev.owned[step.out] = step.node->kernel(*step.node, args);
    ev.slots[step.out] = &ev.owned[step.out];
    for (std::size_t slot : step.release) {
      ev.owned[slot] = Array();
      ev.slots[slot] = nullptr;
    }
  }
}

}  // namespace tptk
