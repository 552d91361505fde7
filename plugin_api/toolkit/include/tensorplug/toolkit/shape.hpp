// Shapes: static shapes of graph nodes (TP_DIM_UNKNOWN allowed) and concrete
// shapes of values, their formatting for messages, NumPy broadcasting and
// element counts.
#pragma once

#include <tensorplug/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "small_vector.hpp"

namespace tptk {

/**
 * Sizes of each dimension; TP_DIM_UNKNOWN in a static shape only. Up to 8
 * dimensions are stored inline (no heap allocation).
 */
using Shape = SmallVector<int64_t, 8>;

inline constexpr int64_t kUnknownDim = TP_DIM_UNKNOWN;

/** A copy of `ndim` sizes at `dims` (which may be NULL when ndim == 0). */
Shape make_shape(const int64_t* dims, int ndim);

/** "(2, 3)", "(4,)", "()", "(None, 3)" (Python/Keras notation). */
std::string format_shape(const Shape& shape);

/** True when no dimension is unknown. */
bool is_fully_known(const Shape& shape) noexcept;

/**
 * True when a value of shape `concrete` fits the static shape `pattern`:
 * same rank, and every known dimension of `pattern` equal.
 */
bool matches(const Shape& pattern, const Shape& concrete) noexcept;

/**
 * True when two static shapes may describe the same concrete shape: same
 * rank, and the dimensions known in both equal.
 */
bool may_equal(const Shape& a, const Shape& b) noexcept;

/**
 * NumPy broadcasting of two shapes, static or concrete: dimensions are
 * aligned from the right; equal sizes or a size of 1 combine; an unknown size
 * combined with a known size k gives k (unknown when k is 1). Nothing when
 * the shapes cannot broadcast.
 */
std::optional<Shape> broadcast_shapes(const Shape& a, const Shape& b);

/**
 * The element count of a concrete shape. Throws TP_ERROR_INVALID_ARGUMENT
 * naming `entry` on a negative size or when `count * element_bytes`
 * overflows.
 */
std::size_t element_count(const Shape& shape, std::string_view entry,
                          std::size_t element_bytes = 1);

}  // namespace tptk
