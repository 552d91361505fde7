// The symbolic graph: each tensor the backend hands out is a Node. A node is
// a placeholder (fed at each call), a variable (holds a value that persists
// across calls), or the result of an op applied to input nodes. Nodes are
// immutable once built, except a variable's value; they are shared
// (std::shared_ptr) by the context's handles, by the nodes computed from
// them and by compiled callables, so releasing a handle never invalidates a
// graph or a callable that still uses the node.
#pragma once

#include <tensorplug/plugin.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "array.hpp"
#include "kernels.hpp"
#include "ops/attrs.hpp"
#include "shape.hpp"

namespace tptk {

struct OpDef;

enum class NodeKind { placeholder, variable, op };

/** "placeholder", "variable" or "op result". */
const char* kind_name(NodeKind kind) noexcept;

struct Node;
using NodePtr = std::shared_ptr<Node>;

struct Node {
  NodeKind kind = NodeKind::op;
  /** For messages: the name given at creation or "<kind>_<id>". */
  std::string name;
  DLDataType dtype{kDLFloat, 32, 1};
  /** Static shape; TP_DIM_UNKNOWN only in placeholders and op results. */
  Shape shape;
  /** Ops only: the definition, the operands in order, the attributes. */
  const OpDef* op = nullptr;
  /** Ops only: the kernel that computes it (the backend's, or op->eval). */
  Kernel kernel = nullptr;
  std::vector<NodePtr> inputs;
  Attrs attrs;
  /**
   * Ops only: how many times this node has been evaluated (random ops and
   * dropout draw sample number `draws` from their seed, so a seeded graph
   * gives the same sequence in every run of the program).
   */
  mutable std::atomic<std::uint64_t> draws{0};
  /** Variables only: the current value (shape == `shape`, dtype `dtype`). */
  Array value;
};

NodePtr make_placeholder(std::string name, DLDataType dtype, Shape shape);
NodePtr make_variable(std::string name, Array value);
NodePtr make_op_node(std::string name, const OpDef& op,
                     std::vector<NodePtr> inputs, Attrs attrs, DLDataType dtype,
                     Shape shape);

}  // namespace tptk
