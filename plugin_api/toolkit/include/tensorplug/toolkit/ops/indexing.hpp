// Shared helpers of the linear algebra, reduction and shape ops: axis
// normalisation (Python-style negative axes), products of dimensions, static
// dimension arithmetic with unknown (None) sizes, and value copies with a new
// shape.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "array.hpp"
#include "shape.hpp"
#include "text.hpp"

namespace tptk {

/**
 * `axis` in [-rank, rank) as an index in [0, rank). Throws
 * TP_ERROR_INVALID_ARGUMENT "<op>: axis 3 is out of range for shape (2, 3)"
 * otherwise (docs/ops.md rule TP_OPS_2).
 */
inline std::size_t normalize_axis(std::string_view op, int64_t axis,
                                  int64_t rank, const Shape& shape) {
  if (axis < -rank || axis >= rank) {
    fail(TP_ERROR_INVALID_ARGUMENT, op, ": axis ", axis,
         " is out of range for shape ", format_shape(shape), " (rank ", rank,
         ")");
  }
  return static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
}

/** Product of the concrete sizes shape[begin, end). */
inline int64_t dim_product(const Shape& shape, std::size_t begin,
                           std::size_t end) {
  int64_t p = 1;
  for (std::size_t i = begin; i < end && i < shape.size(); ++i) p *= shape[i];
  return p;
}

/** Product of static sizes shape[begin, end): unknown when any is unknown
 * (and none is 0). */
inline int64_t static_product(const Shape& shape, std::size_t begin,
                              std::size_t end) {
  int64_t p = 1;
  bool unknown = false;
  for (std::size_t i = begin; i < end && i < shape.size(); ++i) {
    if (shape[i] == kUnknownDim) {
      unknown = true;
    } else {
      p *= shape[i];
    }
  }
  if (p == 0) return 0;
  return unknown ? kUnknownDim : p;
}

/** Row-major strides of a concrete shape. */
inline Shape row_major_strides(const Shape& shape) {
  Shape strides(shape.size(), 1);
  for (std::size_t i = shape.size(); i-- > 1;) {
    strides[i - 1] = strides[i] * shape[i];
  }
  return strides;
}

/** A copy of `a`'s elements with shape `shape` (same element count). */
inline Array reshaped_copy(const Array& a, Shape shape, std::string_view op) {
  Array out(std::move(shape), a.dtype());
  if (out.nbytes() != a.nbytes()) {
    fail(TP_ERROR_SHAPE, op, ": cannot reshape ", format_shape(a.shape()), " (",
         a.size(), " elements) to ", format_shape(out.shape()), " (",
         out.size(), " elements)");
  }
  if (a.nbytes() > 0) std::memcpy(out.bytes(), a.bytes(), a.nbytes());
  return out;
}

/** Merges two static sizes that must agree: a known one wins. */
inline int64_t merge_dim(int64_t a, int64_t b) {
  return a == kUnknownDim ? b : a;
}

}  // namespace tptk
