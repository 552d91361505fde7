// conv2d and its backward ops on the BLAS, by im2col: for a block of
// samples, the patches under every output position become the rows of a
// matrix `col` ((n, oh, ow) x (kh, kw, ci)); Keras's kernel layout
// (kh, kw, ci, co) is already that matrix's right operand. Then
//   forward:         out[(n,oh,ow), co] = col . K
//   backprop_kernel: dK                 = sum over blocks col^T . G
//   backprop_input:  dcol               = G . K^T, scattered back (col2im)
// Both data formats go through the toolkit's Geometry strides; the output
// of channels_first passes through a row-major buffer. Sample loops run on
// the pool; GEMMs split themselves. float16 keeps the toolkit's kernel.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/kernels.hpp>
#include <tensorplug/toolkit/node.hpp>
#include <tensorplug/toolkit/ops/op.hpp>
#include <tensorplug/toolkit/ops/window.hpp>

#include <algorithm>
#include <cstring>
#include <vector>

#include "gemm.hpp"
#include "loops.hpp"
#include "threads.hpp"

namespace tpnative {
namespace {

using tptk::Array;
using tptk::Geometry;
using tptk::Node;
using tptk::WindowAttrs;

enum class Mode { forward, input, kernel };

/** Elements of `col` per block: bounds the scratch memory. */
constexpr std::int64_t kColBudget = 1 << 21;

struct Conv {
  WindowAttrs a;
  Geometry g;
  std::int64_t patch = 0;      // kh * kw * c
  std::int64_t positions = 0;  // oh * ow
};

template <class T>
void im2col(const Conv& cv, const T* x, std::int64_t n, T* col) {
  const Geometry& g = cv.g;
  const WindowAttrs& a = cv.a;
  // channels_last with unit dilation along the width: the kw pixels of a
  // window row, each with its c channels, are adjacent in memory.
  const bool dense_rows = g.xc == 1 && g.xw == g.c && a.dw == 1;
  const std::int64_t run = a.kw * g.c;
  T* row = col;
  for (std::int64_t oh = 0; oh < g.oh; ++oh) {
    for (std::int64_t ow = 0; ow < g.ow; ++ow, row += cv.patch) {
      T* dst = row;
      const std::int64_t iw0 = ow * a.sw - g.pl;
      for (std::int64_t kh = 0; kh < a.kh; ++kh) {
        const std::int64_t ih = oh * a.sh - g.pt + kh * a.dh;
        if (dense_rows && ih >= 0 && ih < g.h && iw0 >= 0 &&
            iw0 + a.kw <= g.w) {
          // The window's row is one contiguous run of kw * c values.
          const T* src = x + n * g.xn + ih * g.xh + iw0 * g.xw;
          for (std::int64_t i = 0; i < run; ++i) dst[i] = src[i];
          dst += run;
          continue;
        }
        for (std::int64_t kw = 0; kw < a.kw; ++kw, dst += g.c) {
          const std::int64_t iw = ow * a.sw - g.pl + kw * a.dw;
          if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) {
            std::fill(dst, dst + g.c, T(0));
            continue;
          }
          const T* src = x + n * g.xn + ih * g.xh + iw * g.xw;
          if (g.xc == 1) {
            // A plain loop: for few channels a memcpy call costs more than
            // the copy (9% of the CNN step with one input channel).
            for (std::int64_t ci = 0; ci < g.c; ++ci) dst[ci] = src[ci];
          } else {
            for (std::int64_t ci = 0; ci < g.c; ++ci) dst[ci] = src[ci * g.xc];
          }
        }
      }
    }
  }
}

template <class T>
void col2im(const Conv& cv, const T* col, std::int64_t n, T* dx) {
  const Geometry& g = cv.g;
  const WindowAttrs& a = cv.a;
  const T* row = col;
  for (std::int64_t oh = 0; oh < g.oh; ++oh) {
    for (std::int64_t ow = 0; ow < g.ow; ++ow, row += cv.patch) {
      const T* src = row;
      for (std::int64_t kh = 0; kh < a.kh; ++kh) {
        const std::int64_t ih = oh * a.sh - g.pt + kh * a.dh;
        for (std::int64_t kw = 0; kw < a.kw; ++kw, src += g.c) {
          const std::int64_t iw = ow * a.sw - g.pl + kw * a.dw;
          if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) continue;
          T* dst = dx + n * g.xn + ih * g.xh + iw * g.xw;
          for (std::int64_t ci = 0; ci < g.c; ++ci) dst[ci * g.xc] += src[ci];
        }
      }
    }
  }
}

/** Copies output rows (n, oh, ow) x co of samples [n0, n1) between the
 * output tensor (any format) and a row-major buffer. */
template <class T, bool to_rows>
void move_rows(const Geometry& g, T* tensor, T* rows, std::int64_t n0,
               std::int64_t n1) {
  for (std::int64_t n = n0; n < n1; ++n) {
    for (std::int64_t oh = 0; oh < g.oh; ++oh) {
      for (std::int64_t ow = 0; ow < g.ow; ++ow) {
        T* r = rows + (((n - n0) * g.oh + oh) * g.ow + ow) * g.oc;
        T* t = tensor + n * g.on + oh * g.oh_s + ow * g.ow_s;
        for (std::int64_t co = 0; co < g.oc; ++co) {
          if constexpr (to_rows) {
            r[co] = t[co * g.oc_s];
          } else {
            t[co * g.oc_s] = r[co];
          }
        }
      }
    }
  }
}

template <class T, Mode mode>
void run(const Conv& cv, const T* x, const T* k, const T* grad, T* out) {
  const Geometry& g = cv.g;
  const std::int64_t per_sample = cv.positions * cv.patch;
  const std::int64_t block = std::clamp<std::int64_t>(
      kColBudget / std::max<std::int64_t>(1, per_sample), 1, g.n);
  // Scratch from the call's buffer pool (Array::uninitialized): kept for
  // the next call of the function, so a steady loop neither allocates nor
  // zeroes megabytes per call (a value-initialised std::vector here was a
  // memset of up to 8 MB per conv call).
  const bool direct = !cv.a.first;  // output rows are the tensor itself
  Array col_buffer =
      Array::uninitialized({block * per_sample}, tptk::dtype_of<T>());
  Array rows_buffer = Array::uninitialized(
      {direct ? 0 : block * cv.positions * g.oc}, tptk::dtype_of<T>());
  T* const col = col_buffer.data<T>();
  T* const rows = rows_buffer.data<T>();
  ThreadPool& pool = ThreadPool::instance();
  // Samples per parallel chunk of im2col/col2im: enough copying to pay for
  // the hand-over (see kElementwiseGrain).
  const std::int64_t grain = std::max<std::int64_t>(
      1, kElementwiseGrain / std::max<std::int64_t>(1, per_sample));
  for (std::int64_t n0 = 0; n0 < g.n; n0 += block) {
    const std::int64_t n1 = std::min(g.n, n0 + block);
    const std::int64_t m = (n1 - n0) * cv.positions;
    if constexpr (mode != Mode::input) {
      pool.parallel_for(n1 - n0, grain, [&](std::int64_t b, std::int64_t e) {
        for (std::int64_t i = b; i < e; ++i) {
          im2col(cv, x, n0 + i, col + i * per_sample);
        }
      });
    }
    if constexpr (mode == Mode::forward) {
      T* dst = direct ? out + n0 * g.on : rows;
      gemm<T>(false, false, m, g.oc, cv.patch, T(1), col, cv.patch, k, g.oc,
              T(0), dst, g.oc);
      if (!direct) move_rows<T, false>(g, out, rows, n0, n1);
    } else {
      const T* gr = grad + n0 * g.on;
      if (!direct) {
        move_rows<T, true>(g, const_cast<T*>(grad), rows, n0, n1);
        gr = rows;
      }
      if constexpr (mode == Mode::kernel) {
        gemm<T>(true, false, cv.patch, g.oc, m, T(1), col, cv.patch, gr, g.oc,
                n0 == 0 ? T(0) : T(1), out, g.oc);
      } else {
        gemm<T>(false, true, m, cv.patch, g.oc, T(1), gr, g.oc, k, g.oc, T(0),
                col, cv.patch);
        pool.parallel_for(n1 - n0, grain, [&](std::int64_t b, std::int64_t e) {
          // The samples' gradients start at zero here, on the thread that
          // accumulates them.
          std::fill(out + (n0 + b) * g.xn, out + (n0 + e) * g.xn, T(0));
          for (std::int64_t i = b; i < e; ++i) {
            col2im(cv, col + i * per_sample, n0 + i, out);
          }
        });
      }
    }
  }
}

template <Mode mode>
Array conv_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  const Array& k = *in[1];
  const DLDataType dt = x.dtype();
  const bool f32 = tp::dtype_equal(dt, tptk::kFloat32);
  const bool f64 = tp::dtype_equal(dt, tptk::kFloat64);
  if ((!f32 && !f64) || x.shape().size() != 4 || k.shape().size() != 4) {
    return node.op->eval(node, in);
  }
  Conv cv;
  cv.a = tptk::window_attrs(*node.op, node.attrs, "strides", true);
  cv.a.kh = k.shape()[0];
  cv.a.kw = k.shape()[1];
  const std::int64_t channels = cv.a.first ? x.shape()[1] : x.shape()[3];
  if (channels != k.shape()[2]) return node.op->eval(node, in);  // reports it
  cv.g = tptk::make_geometry(*node.op, cv.a, x.shape(), k.shape()[3]);
  const Geometry& g = cv.g;
  cv.patch = cv.a.kh * cv.a.kw * g.c;
  cv.positions = g.oh * g.ow;
  const tptk::Shape out_shape =
      tptk::join_nhwc(cv.a.first, g.n, g.oh, g.ow, g.oc);
  if (mode != Mode::forward && in[2]->shape() != out_shape) {
    return node.op->eval(node, in);  // reports the mismatch
  }
  const tptk::Shape& result = mode == Mode::forward ? out_shape
                              : mode == Mode::input ? x.shape()
                                                    : k.shape();
  // Every element is written: backprop_input zeroes each sample before its
  // col2im accumulates into it.
  Array out = Array::uninitialized(result, dt);
  if (out.size() == 0) return out;
  if (g.n == 0 || cv.positions == 0 || cv.patch == 0 || g.oc == 0) {
    return Array(result, dt);  // empty sums
  }
  auto go = [&]<class T>() {
    run<T, mode>(cv, x.data<T>(), k.data<T>(),
                 mode == Mode::forward ? nullptr : in[2]->data<T>(),
                 out.data<T>());
  };
  if (f32) {
    go.template operator()<float>();
  } else {
    go.template operator()<double>();
  }
  return out;
}

}  // namespace
}  // namespace tpnative

using namespace tpnative;
TPTK_KERNEL(conv2d, conv_kernel<Mode::forward>)
TPTK_KERNEL(conv2d_backprop_input, conv_kernel<Mode::input>)
TPTK_KERNEL(conv2d_backprop_kernel, conv_kernel<Mode::kernel>)
