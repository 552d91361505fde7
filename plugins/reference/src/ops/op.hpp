// The op interface: each op (add, subtract, relu, sum, ...) is one constant
// OpDef that knows its Keras name, how to infer a result's static dtype and
// shape from its operands (at graph-building time, where errors name the
// shapes), and how to compute the result from concrete values (at call
// time). OpDefs are immutable globals, shared by every context.
#pragma once

#include <span>

#include "array.hpp"
#include "node.hpp"

namespace tpref {

/** The static dtype and shape of an op's result. */
struct Signature {
  DLDataType dtype;
  Shape shape;
};

struct OpDef {
  /** The Keras name, used as the entry name in messages ("add"). */
  const char* name;
  /** Number of operands. */
  int arity;
  /** Checks the operands' static dtypes/shapes; throws tp::Error. */
  Signature (*infer)(const OpDef& op, std::span<const NodePtr> inputs);
  /** Computes the result from concrete operands; throws tp::Error. */
  Array (*eval)(const OpDef& op, std::span<const Array* const> inputs);
};

/** Elementwise binary ops with NumPy broadcasting (ops/binary.cpp). */
extern const OpDef kAdd;

}  // namespace tpref
