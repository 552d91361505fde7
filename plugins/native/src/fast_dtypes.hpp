// The dtypes the native kernels compute themselves (float32, float64);
// every other dtype runs the toolkit's kernel.
#pragma once

#include <tensorplug/toolkit/dtype.hpp>

namespace tpnative {

inline bool fast_dtype(DLDataType dt) {
  return tp::dtype_equal(dt, tptk::kFloat32) ||
         tp::dtype_equal(dt, tptk::kFloat64);
}

/** Calls f.template operator()<T>() with float (float32) or double. */
template <class F>
decltype(auto) dispatch_fast(DLDataType dt, F&& f) {
  if (tp::dtype_equal(dt, tptk::kFloat32))
    return f.template operator()<float>();
  return f.template operator()<double>();
}

}  // namespace tpnative
