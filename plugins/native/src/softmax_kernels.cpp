// softmax and its fused backward op softmax_grad on contiguous
// float32/float64, along the last axis (rows, vectorised along the row) or
// any other axis (planes of `inner` columns, vectorised across columns),
// split over the pool by outer rows when large. The max is subtracted
// before exp, as the toolkit's reference does; sums are in the dtype's
// compute type (float for float32), as there. Other dtypes run the
// toolkit's kernel.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/kernels.hpp>
#include <tensorplug/toolkit/node.hpp>
#include <tensorplug/toolkit/ops/nn_common.hpp>
#include <tensorplug/toolkit/ops/op.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "fast_dtypes.hpp"
#include "loops.hpp"
#include "simd.hpp"

namespace tpnative {
namespace {

using tptk::Array;
using tptk::Node;

// y = softmax(x) over n elements at stride 1.
template <class T>
TPN_SIMD void softmax_row(const T* x, T* y, std::int64_t n) {
  T m = x[0];
  for (std::int64_t j = 1; j < n; ++j) m = std::max(m, x[j]);
  for (std::int64_t j = 0; j < n; ++j) y[j] = x[j] - m;
  unary_loop(UnOp::exp, y, y, n);
  T s = 0;
  for (std::int64_t j = 0; j < n; ++j) s += y[j];
  for (std::int64_t j = 0; j < n; ++j) y[j] /= s;
}

// dx = y * (g - sum(g * y)), y = softmax(x), one row.
template <class T>
TPN_SIMD void softmax_grad_row(const T* x, const T* g, T* out, std::int64_t n) {
  softmax_row(x, out, n);
  T dot = 0;
  for (std::int64_t j = 0; j < n; ++j) dot += out[j] * g[j];
  for (std::int64_t j = 0; j < n; ++j) out[j] = out[j] * (g[j] - dot);
}

// A plane of n rows x w columns at stride `inner`: softmax down each column.
template <class T>
TPN_SIMD void softmax_plane(const T* x, T* y, std::int64_t n,
                            std::int64_t inner, std::int64_t w, T* m, T* s) {
  for (std::int64_t j = 0; j < w; ++j) m[j] = x[j];
  for (std::int64_t r = 1; r < n; ++r) {
    for (std::int64_t j = 0; j < w; ++j)
      m[j] = std::max(m[j], x[r * inner + j]);
  }
  for (std::int64_t j = 0; j < w; ++j) s[j] = 0;
  for (std::int64_t r = 0; r < n; ++r) {
    T* yr = y + r * inner;
    for (std::int64_t j = 0; j < w; ++j) yr[j] = x[r * inner + j] - m[j];
    unary_loop(UnOp::exp, yr, yr, w);
    for (std::int64_t j = 0; j < w; ++j) s[j] += yr[j];
  }
  for (std::int64_t r = 0; r < n; ++r) {
    T* yr = y + r * inner;
    for (std::int64_t j = 0; j < w; ++j) yr[j] /= s[j];
  }
}

template <class T>
TPN_SIMD void softmax_grad_plane(const T* x, const T* g, T* out, std::int64_t n,
                                 std::int64_t inner, std::int64_t w, T* m,
                                 T* s) {
  softmax_plane(x, out, n, inner, w, m, s);
  for (std::int64_t j = 0; j < w; ++j) s[j] = 0;  // s: the dot
  for (std::int64_t r = 0; r < n; ++r) {
    for (std::int64_t j = 0; j < w; ++j)
      s[j] += out[r * inner + j] * g[r * inner + j];
  }
  for (std::int64_t r = 0; r < n; ++r) {
    for (std::int64_t j = 0; j < w; ++j) {
      const std::int64_t k = r * inner + j;
      out[k] = out[k] * (g[k] - s[j]);
    }
  }
}

template <bool grad>
Array softmax_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  if (!fast_dtype(x.dtype()) || x.shape().empty() ||
      (grad && (in[1]->shape() != x.shape() ||
                !tp::dtype_equal(in[1]->dtype(), x.dtype())))) {
    return node.op->eval(node, in);
  }
  const auto rank = static_cast<std::int64_t>(x.shape().size());
  std::int64_t axis = node.attrs.get_int("axis", -1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return node.op->eval(node, in);
  const tptk::AxisView v =
      tptk::axis_view(x.shape(), static_cast<std::size_t>(axis));
  Array out = Array::uninitialized(x.shape(), x.dtype());
  if (out.size() == 0) return out;
  const auto outer = static_cast<std::int64_t>(v.outer);
  const auto n = static_cast<std::int64_t>(v.n);
  const auto inner = static_cast<std::int64_t>(v.inner);
  dispatch_fast(x.dtype(), [&]<class T>() {
    const T* px = x.data<T>();
    const T* pg = grad ? in[1]->data<T>() : nullptr;
    T* po = out.data<T>();
    auto body = [&](std::int64_t o0, std::int64_t o1) {
      constexpr std::int64_t kChunk = 256;
      T m[kChunk], s[kChunk];
      for (std::int64_t o = o0; o < o1; ++o) {
        const std::int64_t base = o * n * inner;
        if (inner == 1) {
          if constexpr (grad) {
            softmax_grad_row(px + base, pg + base, po + base, n);
          } else {
            softmax_row(px + base, po + base, n);
          }
          continue;
        }
        for (std::int64_t j0 = 0; j0 < inner; j0 += kChunk) {
          const std::int64_t w = std::min(kChunk, inner - j0);
          const std::int64_t b = base + j0;
          if constexpr (grad) {
            softmax_grad_plane(px + b, pg + b, po + b, n, inner, w, m, s);
          } else {
            softmax_plane(px + b, po + b, n, inner, w, m, s);
          }
        }
      }
    };
    // exp dominates: a quarter of the elementwise grain per block.
    const std::int64_t per = n * inner;
    const std::int64_t grain = kElementwiseGrain / 4;
    if (outer < 2 || outer * per < 2 * grain) {
      body(0, outer);
    } else {
      ThreadPool::instance().parallel_for(
          outer, std::max<std::int64_t>(1, grain / per), body);
    }
  });
  return out;
}

}  // namespace
}  // namespace tpnative

using namespace tpnative;
TPTK_KERNEL(softmax, softmax_kernel<false>)
TPTK_KERNEL(softmax_grad, softmax_kernel<true>)
