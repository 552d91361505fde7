// pool2d and its gradient on contiguous float32/float64 in both data
// formats: one pass over the windows with the channel loop innermost (unit
// stride in channels_last), no index lists. The same comparisons and
// summation order as the toolkit's kernel: max takes the first maximum of a
// window in row-major window order (a NaN first stays), avg divides by the
// window's elements inside the tensor (padding excluded), and the gradient
// of an input element sums its windows in output order.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/kernels.hpp>
#include <tensorplug/toolkit/node.hpp>
#include <tensorplug/toolkit/ops/nn_common.hpp>
#include <tensorplug/toolkit/ops/op.hpp>
#include <tensorplug/toolkit/ops/pool.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "fast_dtypes.hpp"

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

template <class T>
void max_forward(const Geometry& g, const WindowAttrs& a, const T* x, T* out) {
  using A = tptk::Acc<T>;
  std::vector<A> best(static_cast<std::size_t>(g.c));
  for (std::int64_t n = 0; n < g.n; ++n) {
    for (std::int64_t oy = 0; oy < g.oh; ++oy) {
      for (std::int64_t ox = 0; ox < g.ow; ++ox) {
        const Window w = window(g, a, oy, ox);
        const T* first = x + n * g.xn + w.y0 * g.xh + w.x0 * g.xw;
        for (std::int64_t c = 0; c < g.c; ++c) {
          best[c] = static_cast<A>(first[c * g.xc]);
        }
        for (std::int64_t y = w.y0; y < w.y1; ++y) {
          for (std::int64_t xx = w.x0; xx < w.x1; ++xx) {
            const T* p = x + n * g.xn + y * g.xh + xx * g.xw;
            for (std::int64_t c = 0; c < g.c; ++c) {
              const A v = static_cast<A>(p[c * g.xc]);
              if (v > best[c]) best[c] = v;
            }
          }
        }
        T* o = out + n * g.on + oy * g.oh_s + ox * g.ow_s;
        for (std::int64_t c = 0; c < g.c; ++c) {
          o[c * g.oc_s] = static_cast<T>(best[c]);
        }
      }
    }
  }
}

template <class T>
void max_backward(const Geometry& g, const WindowAttrs& a, const T* x,
                  const T* grad, T* out) {
  using A = tptk::Acc<T>;
  const auto cs = static_cast<std::size_t>(g.c);
  std::vector<A> acc(static_cast<std::size_t>(g.n * g.xn), A(0));
  std::vector<A> best(cs);
  std::vector<std::int64_t> at(cs);
  for (std::int64_t n = 0; n < g.n; ++n) {
    for (std::int64_t oy = 0; oy < g.oh; ++oy) {
      for (std::int64_t ox = 0; ox < g.ow; ++ox) {
        const Window w = window(g, a, oy, ox);
        const std::int64_t first = n * g.xn + w.y0 * g.xh + w.x0 * g.xw;
        for (std::int64_t c = 0; c < g.c; ++c) {
          at[c] = first + c * g.xc;
          best[c] = static_cast<A>(x[at[c]]);
        }
        for (std::int64_t y = w.y0; y < w.y1; ++y) {
          for (std::int64_t xx = w.x0; xx < w.x1; ++xx) {
            const std::int64_t base = n * g.xn + y * g.xh + xx * g.xw;
            for (std::int64_t c = 0; c < g.c; ++c) {
              const A v = static_cast<A>(x[base + c * g.xc]);
              if (v > best[c]) {
                best[c] = v;
                at[c] = base + c * g.xc;
              }
            }
          }
        }
        const T* gr = grad + n * g.on + oy * g.oh_s + ox * g.ow_s;
        for (std::int64_t c = 0; c < g.c; ++c) {
          acc[static_cast<std::size_t>(at[c])] +=
              static_cast<A>(gr[c * g.oc_s]);
        }
      }
    }
  }
  std::transform(acc.begin(), acc.end(), out,
                 [](A v) { return static_cast<T>(v); });
}

template <class T>
void avg_forward(const Geometry& g, const WindowAttrs& a, const T* x, T* out) {
  using A = tptk::Acc<T>;
  std::vector<A> sum(static_cast<std::size_t>(g.c));
  for (std::int64_t n = 0; n < g.n; ++n) {
    for (std::int64_t oy = 0; oy < g.oh; ++oy) {
      for (std::int64_t ox = 0; ox < g.ow; ++ox) {
        const Window w = window(g, a, oy, ox);
        std::fill(sum.begin(), sum.end(), A(0));
        for (std::int64_t y = w.y0; y < w.y1; ++y) {
          for (std::int64_t xx = w.x0; xx < w.x1; ++xx) {
            const T* p = x + n * g.xn + y * g.xh + xx * g.xw;
            for (std::int64_t c = 0; c < g.c; ++c) {
              sum[c] += static_cast<A>(p[c * g.xc]);
            }
          }
        }
        const A count = static_cast<A>((w.y1 - w.y0) * (w.x1 - w.x0));
        T* o = out + n * g.on + oy * g.oh_s + ox * g.ow_s;
        for (std::int64_t c = 0; c < g.c; ++c) {
          o[c * g.oc_s] = static_cast<T>(sum[c] / count);
        }
      }
    }
  }
}

template <class T>
void avg_backward(const Geometry& g, const WindowAttrs& a, const T* grad,
                  T* out) {
  using A = tptk::Acc<T>;
  std::vector<A> acc(static_cast<std::size_t>(g.n * g.xn), A(0));
  for (std::int64_t n = 0; n < g.n; ++n) {
    for (std::int64_t oy = 0; oy < g.oh; ++oy) {
      for (std::int64_t ox = 0; ox < g.ow; ++ox) {
        const Window w = window(g, a, oy, ox);
        const A count = static_cast<A>((w.y1 - w.y0) * (w.x1 - w.x0));
        const T* gr = grad + n * g.on + oy * g.oh_s + ox * g.ow_s;
        for (std::int64_t y = w.y0; y < w.y1; ++y) {
          for (std::int64_t xx = w.x0; xx < w.x1; ++xx) {
            A* p = acc.data() + n * g.xn + y * g.xh + xx * g.xw;
            for (std::int64_t c = 0; c < g.c; ++c) {
              p[c * g.xc] += static_cast<A>(gr[c * g.oc_s]) / count;
            }
          }
        }
      }
    }
  }
  std::transform(acc.begin(), acc.end(), out,
                 [](A v) { return static_cast<T>(v); });
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
    const T* px = x.data<T>();
    T* po = out.data<T>();
    if constexpr (backward) {
      const T* pg = in[1]->data<T>();
      if (p.max) {
        max_backward<T>(g, p.w, px, pg, po);
      } else {
        avg_backward<T>(g, p.w, pg, po);
      }
    } else if (p.max) {
      max_forward<T>(g, p.w, px, po);
    } else {
      avg_forward<T>(g, p.w, px, po);
    }
  });
  return out;
}

}  // namespace
}  // namespace tpnative

TPTK_KERNEL(pool2d, tpnative::pool_kernel<false>)
TPTK_KERNEL(pool2d_grad, tpnative::pool_kernel<true>)
