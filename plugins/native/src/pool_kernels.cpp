// pool2d and its gradient on contiguous float32/float64 in both data
// formats: one pass over the windows with the channel loop innermost (unit
// stride in channels_last), no index lists. The same comparisons and
// summation order as the toolkit's kernel: max takes the first maximum of a
// window in row-major window order (a NaN first stays), avg divides by the
// window's elements inside the tensor (padding excluded), and the gradient
// of an input element sums its windows in output order. Samples run in
// parallel on the pool.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/kernels.hpp>
#include <tensorplug/toolkit/node.hpp>
#include <tensorplug/toolkit/ops/nn_common.hpp>
#include <tensorplug/toolkit/ops/op.hpp>
#include <tensorplug/toolkit/ops/pool.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

#include "fast_dtypes.hpp"
#include "loops.hpp"
#include "threads.hpp"

namespace tpnative {
namespace {

using tptk::Array;
using tptk::Geometry;
using tptk::Node;
using tptk::WindowAttrs;

/** The window of output (oy, ox) clipped to the input: [y0, y1) x [x0, x1). */
struct Window {
  std::int64_t y0, y1, x0, x1;
};

Window window(const Geometry& g, const WindowAttrs& a, std::int64_t oy,
              std::int64_t ox) {
  const std::int64_t ty = oy * a.sh - g.pt;
  const std::int64_t tx = ox * a.sw - g.pl;
  return {std::max<std::int64_t>(ty, 0), std::min(ty + a.kh, g.h),
          std::max<std::int64_t>(tx, 0), std::min(tx + a.kw, g.w)};
}

// For float32 and float64, the toolkit's accumulator type (tptk::Acc<T>) is
// T itself, so sums go straight into the output. The channel stride is a
// template parameter: 1 (channels_last, a contiguous vectorisable channel
// loop) or the runtime stride of channels_first.
static_assert(std::is_same_v<tptk::Acc<float>, float> &&
              std::is_same_v<tptk::Acc<double>, double>);

/** Channel strides of x and of the output: 1, or the geometry's. */
template <bool unit>
struct Strides {
  std::int64_t x, o;
  explicit Strides(const Geometry& g)
      : x(unit ? 1 : g.xc), o(unit ? 1 : g.oc_s) {}
};

template <class T, bool unit>
void max_forward(const Geometry& g, const WindowAttrs& a, std::int64_t n0,
                 std::int64_t n1, const T* __restrict x, T* __restrict out) {
  const Strides<unit> s(g);
  for (std::int64_t n = n0; n < n1; ++n) {
    for (std::int64_t oy = 0; oy < g.oh; ++oy) {
      for (std::int64_t ox = 0; ox < g.ow; ++ox) {
        const Window w = window(g, a, oy, ox);
        T* __restrict o = out + n * g.on + oy * g.oh_s + ox * g.ow_s;
        const T* first = x + n * g.xn + w.y0 * g.xh + w.x0 * g.xw;
        for (std::int64_t c = 0; c < g.c; ++c) o[c * s.o] = first[c * s.x];
        for (std::int64_t y = w.y0; y < w.y1; ++y) {
          for (std::int64_t xx = w.x0; xx < w.x1; ++xx) {
            const T* __restrict p = x + n * g.xn + y * g.xh + xx * g.xw;
            for (std::int64_t c = 0; c < g.c; ++c) {
              const T v = p[c * s.x];
              T& b = o[c * s.o];
              b = v > b ? v : b;
            }
          }
        }
      }
    }
  }
}

/**
 * Scratch of the max-pool gradient, one row per sample (so that samples on
 * different threads never share one): per channel, the best value and its
 * position in the window (row-major index, 32-bit like a float lane, so
 * that the select loop vectorises), and `offset`, which maps a window
 * position to its element offset. From the call's buffer pool: no
 * allocation per call in steady state.
 */
struct MaxScratch {
  tptk::Array best, at, offset;
  MaxScratch(const Geometry& g, const WindowAttrs& a, DLDataType dtype)
      : best(tptk::Array::uninitialized({g.n, g.c}, dtype)),
        at(tptk::Array::uninitialized({g.n, g.c}, tptk::kInt32)),
        offset(tptk::Array::uninitialized({g.n, a.kh * a.kw}, tptk::kInt64)) {}
};

template <class T, bool unit>
void max_backward(const Geometry& g, const WindowAttrs& a, std::int64_t n0,
                  std::int64_t n1, const T* __restrict x,
                  const T* __restrict grad, T* __restrict out,
                  MaxScratch& scratch) {
  const Strides<unit> s(g);
  std::fill(out + n0 * g.xn, out + n1 * g.xn, T(0));
  for (std::int64_t n = n0; n < n1; ++n) {
    T* __restrict best = scratch.best.data<T>() + n * g.c;
    std::int32_t* __restrict at = scratch.at.data<std::int32_t>() + n * g.c;
    std::int64_t* __restrict offset =
        scratch.offset.data<std::int64_t>() + n * a.kh * a.kw;
    for (std::int64_t oy = 0; oy < g.oh; ++oy) {
      for (std::int64_t ox = 0; ox < g.ow; ++ox) {
        const Window w = window(g, a, oy, ox);
        const T* __restrict first = x + n * g.xn + w.y0 * g.xh + w.x0 * g.xw;
        for (std::int64_t c = 0; c < g.c; ++c) {
          best[c] = first[c * s.x];
          at[c] = 0;
        }
        std::int32_t k = 0;
        for (std::int64_t y = w.y0; y < w.y1; ++y) {
          for (std::int64_t xx = w.x0; xx < w.x1; ++xx, ++k) {
            const std::int64_t base = n * g.xn + y * g.xh + xx * g.xw;
            offset[k] = base;
            const T* __restrict p = x + base;
            for (std::int64_t c = 0; c < g.c; ++c) {
              const T v = p[c * s.x];
              const bool more = v > best[c];
              best[c] = more ? v : best[c];
              at[c] = more ? k : at[c];
            }
          }
        }
        const T* __restrict gr = grad + n * g.on + oy * g.oh_s + ox * g.ow_s;
        for (std::int64_t c = 0; c < g.c; ++c) {
          out[offset[at[c]] + c * s.x] += gr[c * s.o];
        }
      }
    }
  }
}

template <class T, bool unit>
void avg_forward(const Geometry& g, const WindowAttrs& a, std::int64_t n0,
                 std::int64_t n1, const T* __restrict x, T* __restrict out) {
  const Strides<unit> s(g);
  for (std::int64_t n = n0; n < n1; ++n) {
    for (std::int64_t oy = 0; oy < g.oh; ++oy) {
      for (std::int64_t ox = 0; ox < g.ow; ++ox) {
        const Window w = window(g, a, oy, ox);
        T* __restrict o = out + n * g.on + oy * g.oh_s + ox * g.ow_s;
        for (std::int64_t c = 0; c < g.c; ++c) o[c * s.o] = T(0);
        for (std::int64_t y = w.y0; y < w.y1; ++y) {
          for (std::int64_t xx = w.x0; xx < w.x1; ++xx) {
            const T* __restrict p = x + n * g.xn + y * g.xh + xx * g.xw;
            for (std::int64_t c = 0; c < g.c; ++c) o[c * s.o] += p[c * s.x];
          }
        }
        const T count = static_cast<T>((w.y1 - w.y0) * (w.x1 - w.x0));
        for (std::int64_t c = 0; c < g.c; ++c) o[c * s.o] /= count;
      }
    }
  }
}

template <class T, bool unit>
void avg_backward(const Geometry& g, const WindowAttrs& a, std::int64_t n0,
                  std::int64_t n1, const T* __restrict grad,
                  T* __restrict out) {
  const Strides<unit> s(g);
  std::fill(out + n0 * g.xn, out + n1 * g.xn, T(0));
  for (std::int64_t n = n0; n < n1; ++n) {
    for (std::int64_t oy = 0; oy < g.oh; ++oy) {
      for (std::int64_t ox = 0; ox < g.ow; ++ox) {
        const Window w = window(g, a, oy, ox);
        const T count = static_cast<T>((w.y1 - w.y0) * (w.x1 - w.x0));
        const T* __restrict gr = grad + n * g.on + oy * g.oh_s + ox * g.ow_s;
        for (std::int64_t y = w.y0; y < w.y1; ++y) {
          for (std::int64_t xx = w.x0; xx < w.x1; ++xx) {
            T* __restrict p = out + n * g.xn + y * g.xh + xx * g.xw;
            for (std::int64_t c = 0; c < g.c; ++c) {
              p[c * s.x] += gr[c * s.o] / count;
            }
          }
        }
      }
    }
  }
}

/** Samples are independent (each one's outputs, and in the backward pass
 * each one's input gradient, are its own): they are split over the pool, in
 * chunks of enough elements to pay for the hand-over. */
template <class T, bool unit>
void run(bool backward, bool max, const Geometry& g, const WindowAttrs& a,
         const T* x, const T* grad, T* out) {
  const std::int64_t grain = std::max<std::int64_t>(
      1, kElementwiseGrain / std::max<std::int64_t>(1, g.xn));
  std::optional<MaxScratch> scratch;
  if (backward && max) scratch.emplace(g, a, tptk::dtype_of<T>());
  ThreadPool::instance().parallel_for(
      g.n, grain, [&](std::int64_t n0, std::int64_t n1) {
        if (backward) {
          if (max) {
            max_backward<T, unit>(g, a, n0, n1, x, grad, out, *scratch);
          } else {
            avg_backward<T, unit>(g, a, n0, n1, grad, out);
          }
        } else if (max) {
          max_forward<T, unit>(g, a, n0, n1, x, out);
        } else {
          avg_forward<T, unit>(g, a, n0, n1, x, out);
        }
      });
}

template <bool backward>
Array pool_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  if (!fast_dtype(x.dtype()) || x.shape().size() != 4 ||
      (backward && !tp::dtype_equal(in[1]->dtype(), x.dtype()))) {
    return node.op->eval(node, in);
  }
  const tptk::PoolAttrs p = tptk::pool_attrs(*node.op, node.attrs);
  std::int64_t n, h, w, c;
  tptk::split_nhwc(x.shape(), p.w.first, n, h, w, c);
  const Geometry g = tptk::make_geometry(*node.op, p.w, x.shape(), c);
  const tptk::Shape out_shape =
      tptk::join_nhwc(p.w.first, g.n, g.oh, g.ow, g.c);
  // Unusual cases (a grad of another shape: its error message; empty
  // windows) stay with the toolkit's kernel.
  if ((backward && in[1]->shape() != out_shape) || g.oh <= 0 || g.ow <= 0) {
    return node.op->eval(node, in);
  }
  Array out = Array::uninitialized(backward ? x.shape() : out_shape, x.dtype());
  if (out.size() == 0) return out;
  dispatch_fast(x.dtype(), [&]<class T>() {
    const T* pg = backward ? in[1]->data<T>() : nullptr;
    if (g.xc == 1 && g.oc_s == 1) {
      run<T, true>(backward, p.max, g, p.w, x.data<T>(), pg, out.data<T>());
    } else {
      run<T, false>(backward, p.max, g, p.w, x.data<T>(), pg, out.data<T>());
    }
  });
  return out;
}

}  // namespace
}  // namespace tpnative

TPTK_KERNEL(pool2d, tpnative::pool_kernel<false>)
TPTK_KERNEL(pool2d_grad, tpnative::pool_kernel<true>)
