// The kernel table: how a backend built on the toolkit supplies its own
// kernels. Every op (ops/op.hpp) comes with a portable default kernel — the
// reference backend's, naive and obviously right — so a toolkit backend is
// complete from the start and overrides only the kernels it makes faster:
//
//   tptk::Array my_dot(const tptk::Node& node,
//                      std::span<const tptk::Array* const> in) { ... }
//   TPTK_KERNEL(dot, my_dot)
//
// A kernel is a plain function of the node (its attributes, static dtype and
// shape) and the operands' concrete values; it returns the result. It may
// throw tp::Error for a failure only the values show (an index out of range);
// it must not throw on the normal path. Overrides are resolved once, when a
// node is built, so a call pays no lookup.
#pragma once

#include <span>
#include <string_view>

#include "array.hpp"

namespace tptk {

struct Node;
struct OpDef;

/** Computes a node's value from its operands' values. */
using Kernel = Array (*)(const Node& node,
                         std::span<const Array* const> inputs);

/** The kernel `op` runs in this backend: its override, or op.eval. */
Kernel kernel_for(const OpDef& op) noexcept;

/** True when this backend overrides the default kernel of `op_name`. */
bool has_override(std::string_view op_name) noexcept;

/** Registers an override (done by TPTK_KERNEL at load time). */
struct KernelRegistration {
  KernelRegistration(const char* op_name, Kernel kernel);
};

}  // namespace tptk

/** Overrides the default kernel of the op named `op` with `fn`. */
#define TPTK_KERNEL(op, fn) \
  static const ::tptk::KernelRegistration tptk_kernel_##op{#op, fn};
