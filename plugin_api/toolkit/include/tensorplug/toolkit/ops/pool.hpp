// pool2d's attributes as its kernels read them (the op itself, its shape
// inference and default kernels are in src/ops/pool2d.cpp).
#pragma once

#include "ops/op.hpp"
#include "ops/window.hpp"

namespace tptk {

struct PoolAttrs {
  WindowAttrs w;
  bool max = true;  // pool_mode "max", else "avg"
};

/** Reads and checks pool_size, strides, padding, data_format, pool_mode
 * (errors name the op). */
PoolAttrs pool_attrs(const OpDef& op, const Attrs& attrs);

}  // namespace tptk
