// sum, mean, max, min, argmax and argmin on contiguous float32/float64 when
// the reduced axes are one contiguous run: the operand is then viewed as
// (outer, reduce, inner) and reduced along the middle axis, vectorised
// along `inner` (or along `reduce` when inner == 1) and split over the pool
// by `outer` for large tensors. Sums accumulate in blocks of kBlock terms
// (float32 partial sums in float32 lanes, blocks added in double), well
// within the conformance tolerances. max/min/argmax/argmin follow the
// toolkit's reference exactly: the first NaN wins, ties give the first
// index. Other dtypes and non-contiguous axis sets run the toolkit's kernel.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/kernels.hpp>
#include <tensorplug/toolkit/node.hpp>
#include <tensorplug/toolkit/ops/op.hpp>
#include <tensorplug/toolkit/ops/reduce.hpp>

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "fast_dtypes.hpp"
#include "loops.hpp"
#include "simd.hpp"

namespace tpnative {
namespace {

using tptk::Array;
using tptk::Node;
using tptk::Shape;

struct View {
  std::int64_t outer = 1, n = 1, inner = 1;
};

/** (outer, n, inner) when the reduced axes are one run, else false. Axes of
 * size 1 count as either. */
bool merge_axes(const Shape& s, const tptk::AxisMask& mask, View& v) {
  std::size_t first = s.size(), last = 0;
  for (std::size_t d = 0; d < s.size(); ++d) {
    if (mask[d] && s[d] != 1) {
      first = std::min(first, d);
      last = d;
    }
  }
  if (first == s.size()) {  // nothing of size > 1 reduced
    v.outer = 1;
    v.n = 1;
    v.inner = static_cast<std::int64_t>(tptk::dim_product(s, 0, s.size()));
    return true;
  }
  for (std::size_t d = first; d <= last; ++d) {
    if (!mask[d] && s[d] != 1) return false;
  }
  v.outer = tptk::dim_product(s, 0, first);
  v.n = tptk::dim_product(s, first, last + 1);
  v.inner = tptk::dim_product(s, last + 1, s.size());
  return true;
}

constexpr std::int64_t kBlock = 256;

// sum of x[0..n), blocked: lanes of float partials per block, in double
// across blocks.
template <class T>
TPN_SIMD double sum_contig(const T* x, std::int64_t n) {
  double total = 0;
  for (std::int64_t b = 0; b < n; b += kBlock) {
    const std::int64_t e = std::min(n, b + kBlock);
    T lanes[16] = {};
    std::int64_t i = b;
    for (; i + 16 <= e; i += 16) {
      for (int k = 0; k < 16; ++k) lanes[k] += x[i + k];
    }
    T rest = 0;
    for (; i < e; ++i) rest += x[i];
    T s = rest;
    for (int k = 0; k < 16; ++k) s += lanes[k];
    total += static_cast<double>(s);
  }
  return total;
}

// Index of the first maximum (is_max) or minimum of x[r * inner] over r;
// a NaN wins, the first NaN kept (the reference's rule).
template <class T>
std::int64_t extreme_index(const T* x, std::int64_t n, std::int64_t inner,
                           bool is_max) {
  std::int64_t best = 0;
  T b = x[0];
  if (b != b) return 0;
  for (std::int64_t r = 1; r < n; ++r) {
    const T a = x[r * inner];
    if (a != a) return r;
    if (is_max ? a > b : a < b) {
      b = a;
      best = r;
    }
  }
  return best;
}

// Contiguous case, vectorisable: the extreme value, or NaN if any.
template <class T>
TPN_SIMD T extreme_contig(const T* x, std::int64_t n, bool is_max) {
  T m = x[0];
  bool nan = false;
  if (is_max) {
    for (std::int64_t i = 0; i < n; ++i) {
      nan |= x[i] != x[i];
      m = x[i] > m ? x[i] : m;
    }
  } else {
    for (std::int64_t i = 0; i < n; ++i) {
      nan |= x[i] != x[i];
      m = x[i] < m ? x[i] : m;
    }
  }
  if (nan) {
    for (std::int64_t i = 0; i < n; ++i) {
      if (x[i] != x[i]) return x[i];  // the first NaN, as the reference
    }
  }
  return m;
}

// Strided case: best[j] over rows, and the row index of each (first wins;
// a NaN sticks).
template <class T>
TPN_SIMD void extreme_strided(const T* x, std::int64_t n, std::int64_t inner,
                              bool is_max, T* best, std::int64_t* idx) {
  for (std::int64_t j = 0; j < inner; ++j) {
    best[j] = x[j];
    if (idx) idx[j] = 0;
  }
  for (std::int64_t r = 1; r < n; ++r) {
    const T* row = x + r * inner;
    for (std::int64_t j = 0; j < inner; ++j) {
      const T a = row[j];
      const T b = best[j];
      const bool take = b == b && (a != a || (is_max ? a > b : a < b));
      best[j] = take ? a : b;
      if (idx) idx[j] = take ? r : idx[j];
    }
  }
}

enum class Mode { sum, mean, max, min, argmax, argmin };

Mode mode_of(std::string_view name) {
  if (name == "mean") return Mode::mean;
  if (name == "max") return Mode::max;
  if (name == "min") return Mode::min;
  if (name == "argmax") return Mode::argmax;
  if (name == "argmin") return Mode::argmin;
  return Mode::sum;
}

/** Runs body(o0, o1) over outer rows, on the pool when large. */
template <class F>
void over_outer(const View& v, const F& body) {
  const std::int64_t per = v.n * v.inner;
  if (v.outer < 2 || v.outer * per < 2 * kElementwiseGrain) {
    body(std::int64_t(0), v.outer);
    return;
  }
  ThreadPool::instance().parallel_for(
      v.outer,
      std::max<std::int64_t>(
          1, kElementwiseGrain / std::max<std::int64_t>(per, 1)),
      body);
}

template <class T>
void reduce_view(Mode mode, const T* x, const View& v, void* out_raw) {
  const bool arg = mode == Mode::argmax || mode == Mode::argmin;
  const bool is_max = mode == Mode::max || mode == Mode::argmax;
  over_outer(v, [&](std::int64_t o0, std::int64_t o1) {
    // Stack scratch for the strided case, in chunks of kChunk columns.
    constexpr std::int64_t kChunk = 512;
    double acc[kChunk];
    T part[kChunk];
    std::int64_t idx[kChunk];
    for (std::int64_t o = o0; o < o1; ++o) {
      const T* xo = x + o * v.n * v.inner;
      const std::int64_t ro = o * v.inner;
      if (v.inner == 1) {
        if (mode == Mode::sum || mode == Mode::mean) {
          const double s = sum_contig(xo, v.n);
          static_cast<T*>(out_raw)[o] =
              static_cast<T>(mode == Mode::mean ? s / v.n : s);
        } else if (arg) {
          static_cast<std::int64_t*>(out_raw)[o] =
              extreme_index(xo, v.n, 1, is_max);
        } else {
          static_cast<T*>(out_raw)[o] = extreme_contig(xo, v.n, is_max);
        }
        continue;
      }
      for (std::int64_t j0 = 0; j0 < v.inner; j0 += kChunk) {
        const std::int64_t w = std::min(kChunk, v.inner - j0);
        // Rows of `w` columns at stride inner: view as a sub-matrix.
        if (mode == Mode::sum || mode == Mode::mean) {
          for (std::int64_t j = 0; j < w; ++j) acc[j] = 0;
          for (std::int64_t b = 0; b < v.n; b += kBlock) {
            const std::int64_t e = std::min(v.n, b + kBlock);
            for (std::int64_t j = 0; j < w; ++j) part[j] = 0;
            for (std::int64_t r = b; r < e; ++r)
              accumulate_loop(xo + r * v.inner + j0, part, w);
            for (std::int64_t j = 0; j < w; ++j) acc[j] += part[j];
          }
          T* dst = static_cast<T*>(out_raw) + ro + j0;
          for (std::int64_t j = 0; j < w; ++j) {
            dst[j] = static_cast<T>(mode == Mode::mean ? acc[j] / v.n : acc[j]);
          }
        } else if (w == v.inner) {
          extreme_strided(xo, v.n, v.inner, is_max, part, arg ? idx : nullptr);
          if (arg) {
            std::copy(idx, idx + w, static_cast<std::int64_t*>(out_raw) + ro);
          } else {
            std::copy(part, part + w, static_cast<T*>(out_raw) + ro);
          }
        } else {  // a wide inner: column by column
          for (std::int64_t j = j0; j < j0 + w; ++j) {
            const std::int64_t k = extreme_index(xo + j, v.n, v.inner, is_max);
            if (arg) {
              static_cast<std::int64_t*>(out_raw)[ro + j] = k;
            } else {
              static_cast<T*>(out_raw)[ro + j] = xo[j + k * v.inner];
            }
          }
        }
      }
    }
  });
}

Array reduce_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  const Mode mode = mode_of(node.op->name);
  const bool arg = mode == Mode::argmax || mode == Mode::argmin;
  if (!fast_dtype(x.dtype()) || x.size() == 0 || x.shape().empty()) {
    return node.op->eval(node, in);
  }
  tptk::AxisMask mask;
  if (arg) {
    // The toolkit validates the axis; only a valid one is taken here.
    const auto rank = static_cast<std::int64_t>(x.shape().size());
    std::int64_t a = node.attrs.get_int("axis", -1);
    if (a < 0) a += rank;
    if (a < 0 || a >= rank) return node.op->eval(node, in);
    mask.assign(x.shape().size(), false);
    mask[static_cast<std::size_t>(a)] = true;
  } else {
    mask = tptk::reduced_axes(node.op->name, node.attrs, x.shape());
  }
  View v;
  if (!merge_axes(x.shape(), mask, v)) return node.op->eval(node, in);
  const Shape shape = tptk::reduced_shape(
      x.shape(), mask, !arg && node.attrs.get_bool("keepdims", false));
  Array out = Array::uninitialized(shape, arg ? tptk::kInt64 : x.dtype());
  dispatch_fast(x.dtype(), [&]<class T>() {
    void* dst = arg ? static_cast<void*>(out.data<std::int64_t>())
                    : static_cast<void*>(out.data<T>());
    reduce_view<T>(mode, x.data<T>(), v, dst);
  });
  return out;
}

}  // namespace
}  // namespace tpnative

using namespace tpnative;
TPTK_KERNEL(sum, reduce_kernel)
TPTK_KERNEL(mean, reduce_kernel)
TPTK_KERNEL(max, reduce_kernel)
TPTK_KERNEL(min, reduce_kernel)
TPTK_KERNEL(argmax, reduce_kernel)
TPTK_KERNEL(argmin, reduce_kernel)
