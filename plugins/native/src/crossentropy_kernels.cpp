// categorical_crossentropy and its backward op on contiguous float32/float64
// with the class axis last: one pass per row, straight over the operands
// (no per-row copies), the same formulas and compute type as the toolkit's
// kernel (Keras 2.2's: output / sum(output), clipped to [eps, 1 - eps], or
// log-softmax from logits with the max subtracted). Other layouts and
// dtypes run the toolkit's kernel; sparse targets and the binary
// crossentropy: sparse_binary_xent_kernels.cpp.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/kernels.hpp>
#include <tensorplug/toolkit/node.hpp>
#include <tensorplug/toolkit/ops/nn_common.hpp>
#include <tensorplug/toolkit/ops/op.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "fast_dtypes.hpp"

namespace tpnative {
namespace {

using tptk::Array;
using tptk::Node;

template <class A>
A clip(A v, A eps) {
  return std::min(std::max(v, eps), A(1) - eps);
}

template <class A>
bool inside(A v, A eps) {
  return v >= eps && v <= A(1) - eps;
}

/** Loss of one row of n classes (forward) or its gradient into d. */
template <class T, bool backward>
void xent_row(const T* t, const T* p, std::int64_t n, bool logits, T eps, T g,
              T* d, T* loss) {
  if (logits) {
    T m = p[0];
    for (std::int64_t j = 1; j < n; ++j) m = std::max(m, p[j]);
    T s = 0;
    for (std::int64_t j = 0; j < n; ++j) s += std::exp(p[j] - m);
    const T lse = m + std::log(s);
    if constexpr (!backward) {
      T l = 0;
      for (std::int64_t j = 0; j < n; ++j) l -= t[j] * (p[j] - lse);
      *loss = l;
    } else {
      T tsum = 0;
      for (std::int64_t j = 0; j < n; ++j) tsum += t[j];
      for (std::int64_t j = 0; j < n; ++j)
        d[j] = g * (std::exp(p[j] - lse) * tsum - t[j]);
    }
    return;
  }
  T s = 0;
  for (std::int64_t j = 0; j < n; ++j) s += p[j];
  if constexpr (!backward) {
    T l = 0;
    for (std::int64_t j = 0; j < n; ++j)
      l -= t[j] * std::log(clip(p[j] / s, eps));
    *loss = l;
  } else {
    T dot = 0;
    for (std::int64_t j = 0; j < n; ++j) {
      const T q = p[j] / s;
      const T dq = inside(q, eps) ? -t[j] / q : T(0);
      d[j] = dq;  // d loss / d (p / s), finished below
      dot += dq * q;
    }
    for (std::int64_t j = 0; j < n; ++j) d[j] = g * (d[j] - dot) / s;
  }
}

template <bool backward>
Array categorical_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& t = *in[0];
  const Array& o = *in[1];
  const auto& os = o.shape();
  const auto rank = static_cast<std::int64_t>(os.size());
  std::int64_t axis = node.attrs.get_int("axis", -1);
  if (axis < 0) axis += rank;
  if (!fast_dtype(o.dtype()) || !tp::dtype_equal(t.dtype(), o.dtype()) ||
      rank == 0 || axis != rank - 1 || t.shape() != os || os[axis] == 0) {
    return node.op->eval(node, in);
  }
  const std::int64_t n = os[axis];
  const std::int64_t rows = static_cast<std::int64_t>(o.size()) / n;
  if (backward && (static_cast<std::int64_t>(in[2]->size()) != rows ||
                   !tp::dtype_equal(in[2]->dtype(), o.dtype()))) {
    return node.op->eval(node, in);
  }
  tptk::Shape loss(os.begin(), os.end() - 1);
  if (backward && in[2]->shape() != loss) return node.op->eval(node, in);
  Array out = Array::uninitialized(backward ? os : loss, o.dtype());
  const bool logits = node.attrs.get_bool("from_logits", false);
  const double eps = node.attrs.get_float("epsilon", 1e-7);
  dispatch_fast(o.dtype(), [&]<class T>() {
    const T* pt = t.data<T>();
    const T* po = o.data<T>();
    const T* pg = backward ? in[2]->data<T>() : nullptr;
    T* pr = out.data<T>();
    for (std::int64_t r = 0; r < rows; ++r) {
      const std::int64_t b = r * n;
      if constexpr (backward) {
        xent_row<T, true>(pt + b, po + b, n, logits, static_cast<T>(eps), pg[r],
                          pr + b, nullptr);
      } else {
        xent_row<T, false>(pt + b, po + b, n, logits, static_cast<T>(eps), T(0),
                           nullptr, pr + r);
      }
    }
  });
  return out;
}

}  // namespace
}  // namespace tpnative

using namespace tpnative;
TPTK_KERNEL(categorical_crossentropy, categorical_kernel<false>)
TPTK_KERNEL(categorical_crossentropy_grad, categorical_kernel<true>)
