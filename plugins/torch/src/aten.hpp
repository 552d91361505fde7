// The bridge between the toolkit's values and ATen tensors: an Array's
// memory seen as an at::Tensor without a copy (at::from_blob, no deleter:
// the Array outlives the kernel call that uses the view). Kernels compute
// into a toolkit-allocated Array through such a view with ATen's *_out
// variants, so the result needs no copy either.
#pragma once

#include <ATen/core/Tensor.h>
#include <tensorplug/toolkit/array.hpp>
#include <tensorplug/toolkit/dtype.hpp>

#include <vector>

namespace tptorch {

/** True for the dtypes these kernels hand to ATen (float32, float64);
 * every other dtype runs the toolkit's kernel. */
inline bool aten_dtype(DLDataType dt) {
  return tp::dtype_equal(dt, tptk::kFloat32) ||
         tp::dtype_equal(dt, tptk::kFloat64);
}

/**
 * Elementwise work below this many elements runs the toolkit's kernel: an
 * ATen call costs ~1.5 us of dispatch and tensor creation (the `tiny`
 * benchmark: 2.2 us vs 0.6 us), more than a loop over a bias-sized array.
 */
inline constexpr std::size_t kAtenMinElements = 2048;

/** A view of `a` (contiguous) as a CPU tensor of its shape. */
at::Tensor view(const tptk::Array& a);

/** A view of `a` with another shape of the same number of elements. */
at::Tensor view(const tptk::Array& a, at::IntArrayRef shape);

/** A shape as ATen takes it (a borrowed view). */
inline at::IntArrayRef dims(const tptk::Shape& s) {
  return {s.data(), s.size()};
}

}  // namespace tptorch
