// Attribute helpers shared by the ops that create values (constant, zeros,
// ones, random_uniform, random_normal).
#pragma once

#include "node.hpp"
#include "ops/op.hpp"

namespace tptk {

/** The `dtype` attribute; absent, None or default (bits == 0) is floatx. */
DLDataType value_dtype(const Attrs& attrs);

/**
 * The `shape` attribute (INTS) with every size >= 0; `fallback` when absent
 * (required when fallback is nullptr). Errors name `op`.
 */
Shape shape_attr(const OpDef& op, const Attrs& attrs,
                 const Shape* fallback = nullptr);

}  // namespace tptk
