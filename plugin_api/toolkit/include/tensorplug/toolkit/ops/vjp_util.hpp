// Small graph-building helpers for vector-Jacobian products: applying an op
// by name, scalar constants, and reducing a broadcast gradient back to an
// operand's shape (the internal op `sum_to_shape`).
#pragma once

#include <string_view>
#include <vector>

#include "node.hpp"
#include "ops/attrs.hpp"

namespace tptk {

/** apply_op(*find_op(name), inputs, attrs); fails when `name` is unknown. */
NodePtr call_op(std::string_view name, std::vector<NodePtr> inputs,
                Attrs attrs = {});

/** A scalar (shape ()) constant `value` of dtype `dtype`. */
NodePtr scalar_constant(double value, DLDataType dtype);

/**
 * `grad` summed over the dimensions along which `like` was broadcast, so that
 * it has `like`'s shape: `grad` itself when both static shapes are fully
 * known and equal, sum_to_shape(grad, like) otherwise.
 */
NodePtr sum_to(const NodePtr& grad, const NodePtr& like);

}  // namespace tptk
