// Shared machinery of the reductions (sum, mean, max, min, argmax, argmin
// and the fused backward op `reduce_grad`): which axes are reduced, the
// result shape, and a walk over the operand that pairs every element with
// the result element it reduces into.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "array.hpp"
#include "ops/attrs.hpp"
#include "ops/indexing.hpp"
#include "shape.hpp"

namespace tptk {

/** Per axis of the operand: true when reduced. */
// One flag per axis; inline up to rank 8 (no allocation in kernels).
using AxisMask = SmallVector<bool, 8>;

/**
 * The reduced axes: `axis` None/absent = all, an INT or INTS (negative
 * allowed). Throws TP_ERROR_INVALID_ARGUMENT on an out-of-range axis
 * (TP_OPS_2) and on a repeated one, naming `op` and `shape`.
 */
AxisMask reduced_axes(std::string_view op, const Attrs& attrs,
                      const Shape& shape);

/** The result shape: reduced axes dropped, or kept as 1 with keepdims. */
Shape reduced_shape(const Shape& shape, const AxisMask& mask, bool keepdims);

/** The number of elements reduced into each result element (static:
 * kUnknownDim when unknown). */
int64_t reduced_count(const Shape& shape, const AxisMask& mask);

/** "(0, 2)": the reduced axes, for messages. */
std::string format_axes(const AxisMask& mask);

/**
 * Calls f(in, out) for every element of a concrete `shape` in row-major
 * order: `in` its flat index, `out` the flat index of the result element it
 * reduces into.
 */
template <class F>
void reduce_walk(const Shape& shape, const AxisMask& mask, F&& f) {
  const std::size_t rank = shape.size();
  const int64_t total = dim_product(shape, 0, rank);
  if (total == 0) return;
  if (rank == 0) {
    f(int64_t{0}, int64_t{0});
    return;
  }
  Shape strides(rank, 0);  // result stride per operand axis
  int64_t stride = 1;
  for (std::size_t d = rank; d-- > 0;) {
    if (!mask[d]) {
      strides[d] = stride;
      stride *= shape[d];
    }
  }
  const int64_t inner = shape[rank - 1];
  const int64_t step = strides[rank - 1];
  Shape index(rank, 0);
  for (int64_t in = 0; in < total; in += inner) {
    int64_t out = 0;
    for (std::size_t d = 0; d + 1 < rank; ++d) out += index[d] * strides[d];
    for (int64_t i = 0; i < inner; ++i) f(in + i, out + i * step);
    for (std::size_t d = rank - 1; d-- > 0;) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
}

/**
 * For every result element, the flat operand index of the first maximum
 * (`is_max`) or minimum among the elements it reduces; a NaN wins (and the
 * first NaN is kept). Requires a non-empty reduction.
 */
template <class T>
std::vector<int64_t> extreme_positions(const Array& x, const AxisMask& mask,
                                       std::size_t result_size, bool is_max) {
  std::vector<int64_t> pos(result_size, -1);
  const T* v = x.data<T>();
  reduce_walk(x.shape(), mask, [&](int64_t in, int64_t out) {
    int64_t& best = pos[static_cast<std::size_t>(out)];
    if (best < 0) {
      best = in;
      return;
    }
    const T a = v[in];
    const T b = v[best];
    if (b != b) return;  // NaN already chosen
    if (a != a || (is_max ? a > b : a < b)) best = in;
  });
  return pos;
}

}  // namespace tptk
