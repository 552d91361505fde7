// Compiling a function: `compile` validates the inputs, outputs and updates
// once and plans the evaluation (a topological order of the op nodes, each
// reading and writing numbered value slots, with everything that depends on
// constants only computed once); `evaluate` runs that plan on the values of
// one call. Nothing is re-planned per call.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "array.hpp"
#include "node.hpp"

namespace tptk {

struct Update {
  NodePtr variable;
  NodePtr value;
  /** True when compile proved the shapes equal; else checked per call. */
  bool shape_checked = false;
};

struct Plan {
  /** For messages: "call" or "call 'name'". */
  std::string label;

  /** The placeholders fed at each call (hold the graph alive). */
  std::vector<NodePtr> inputs;
  std::vector<NodePtr> outputs;
  std::vector<Update> updates;

  /**
   * One evaluation step: node = op(slots[args...]) into slots[out]; then the
   * op results in `release` (whose last reader this step is, and which are
   * neither outputs nor update values) are freed, so an evaluation holds
   * only the intermediates still needed.
   */
  struct Step {
    const Node* node;
    std::vector<std::size_t> args;
    std::size_t out;
    std::vector<std::size_t> release;
  };
  /** A variable whose current value is read into a slot. */
  struct VariableRead {
    Node* variable;
    std::size_t slot;
  };

  /**
   * Values computed once, at compile time: every op result that depends on
   * constants only (constant, zeros, ones and what is computed from them;
   * never a random op). A call reads them; it never recomputes them.
   */
  struct Folded {
    std::size_t slot;
    Array value;
  };
  std::vector<Folded> folded;

  std::size_t num_slots = 0;
  std::vector<std::size_t> input_slots;  // per input
  std::vector<VariableRead> variable_reads;
  std::vector<Step> steps;                      // topological order
  std::vector<std::size_t> output_slots;        // per output
  std::vector<std::size_t> update_value_slots;  // per update
};

/**
 * Validates and plans a function. Every output and update value must depend
 * only on `inputs` (placeholders, each listed once) and variables; update
 * targets must be distinct variables whose dtype the value has, and whose
 * shape it has when that is known statically. Throws tp::Error naming
 * "function" (and `name`, if any).
 */
Plan compile(const std::string& name, std::vector<NodePtr> inputs,
             std::vector<NodePtr> outputs, std::vector<Update> updates);

/** The values of one evaluation, by slot. */
struct Evaluation {
  std::vector<const Array*> slots;
  std::vector<Array> owned;        // op results, by slot
  std::vector<const Array*> args;  // one step's operands (reused)
};

/**
 * Prepares `ev` for one evaluation: every slot empty, then the source slots
 * set to `inputs` (borrowed), the variables' current values and the folded
 * constants.
 */
void bind_sources(const Plan& plan, std::span<const Array> inputs,
                  Evaluation& ev);

/**
 * Runs the plan on `inputs` (already checked against the placeholders; one
 * per input, borrowed) and the variables' current values. The results stay
 * valid until the Evaluation is destroyed or a variable is assigned.
 */
void evaluate(const Plan& plan, std::span<const Array> inputs, Evaluation& ev);

}  // namespace tptk
