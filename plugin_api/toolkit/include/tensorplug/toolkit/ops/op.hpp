// The op interface: each op (add, relu, conv2d, ...) is one constant OpDef
// that knows its Keras name, its operands and attributes, how to infer a
// result's static dtype and shape (at graph-building time, where errors name
// the shapes), how to compute the result from concrete values (at call time)
// and, when differentiable, its vector-Jacobian product as new graph nodes
// (for `gradients`). OpDefs are immutable globals shared by every context.
//
// Adding an op: define its OpDef in a file under ops/, then export it with
// TPTK_EXPORT_OP(<keras name>, <OpDef>) in that same file. Nothing else
// needs editing.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <vector>

#include "array.hpp"
#include "node.hpp"
#include "ops/attrs.hpp"

namespace tptk {

/** The static dtype and shape of an op's result. */
struct Signature {
  DLDataType dtype;
  Shape shape;
};

struct OpDef {
  /** The Keras name, used as the entry name in messages ("add"). */
  const char* name;
  /** Number of operands accepted: [min_inputs, max_inputs]; -1 = any. */
  int min_inputs;
  int max_inputs;
  /** The attributes it accepts (names and kinds); empty for none. */
  std::span<const AttrSpec> attrs;
  /**
   * Checks the operands' static dtypes/shapes and the attributes; returns the
   * result's. Throws tp::Error naming the op, shapes and dtypes.
   */
  Signature (*infer)(const OpDef& op, std::span<const NodePtr> inputs,
                     const Attrs& attrs);
  /**
   * Computes the result from concrete operands. `node` gives the attributes,
   * the static signature and per-node state (e.g. the random draw counter).
   * Throws tp::Error.
   */
  Array (*eval)(const Node& node, std::span<const Array* const> inputs);
  /**
   * Reverse mode: given `grad` (d loss / d node, same shape as the node),
   * builds d loss / d input for every input as new nodes (apply_op), or
   * nullptr for an input that gets no gradient (integer operands, indices).
   * nullptr when the op is not differentiable (argmax, equal, ...): its
   * inputs then get no gradient through it.
   */
  std::vector<NodePtr> (*vjp)(const Node& node, const NodePtr& grad);
  /**
   * True when each evaluation gives a new value (random ops, dropout's
   * mask): never folded into a constant when a function is compiled.
   */
  bool varies = false;
};

/**
 * Builds `op(inputs...)` with `attrs` as a new node: checks the operand
 * count, infers the signature (errors name the op and the shapes) and checks
 * the dtype is supported. Used by the exported entries and by VJPs.
 */
NodePtr apply_op(const OpDef& op, std::vector<NodePtr> inputs, Attrs attrs = {},
                 std::string name = {});

/**
 * The body of every exported op entry: validates `args`, looks up the
 * operands in the context, parses the attributes against op.attrs, applies
 * the op and registers each result with the context. Catches everything.
 */
tp_status op_entry(const OpDef& op, tp_context* context, const tp_op_args* args,
                   tp_tensor** outputs, tp_error* error) noexcept;

/** The OpDef of an exported or internal op by Keras name, or nullptr. */
const OpDef* find_op(std::string_view name);

/** Registers an OpDef for find_op (done by TPTK_EXPORT_OP / TPTK_OP). */
struct OpRegistration {
  explicit OpRegistration(const OpDef& op);
};

}  // namespace tptk

/**
 * Exports `tp_<name>` as an op entry backed by the OpDef `def` and registers
 * it. `name` must be in TP_CORE_OPS_V1 (the declaration checks the
 * signature).
 */
#define TPTK_EXPORT_OP(name, def)                                           \
  static const ::tptk::OpRegistration tptk_registration_##name{def};        \
  TP_CPP_EXPORT tp_status tp_##name(tp_context* context,                    \
                                    const tp_op_args* args,                 \
                                    tp_tensor** outputs, tp_error* error) { \
    return ::tptk::op_entry(def, context, args, outputs, error);            \
  }

/** Registers an internal (not exported) op, e.g. helpers VJPs build. */
#define TPTK_INTERNAL_OP(id, def) \
  static const ::tptk::OpRegistration tptk_registration_##id{def};
