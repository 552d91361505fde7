// sparse_categorical_crossentropy and binary_crossentropy, with their
// backward ops, on contiguous float32/float64: one pass straight over the
// operands (no per-row copies, no one-hot target, no zero-filled output),
// with the toolkit kernel's formulas, compute type and summation order
// (ops/crossentropy.cpp: Keras 2.2's clipped probabilities, or log-softmax
// and the stable logistic loss from logits). The sparse kernels need the
// class axis last and targets of int32, int64, float32 or float64; anything
// else, and any target out of range (whose error the toolkit words), runs
// the toolkit's kernel. Rows and elements run on the pool when there are
// enough of them.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/kernels.hpp>
#include <tensorplug/toolkit/node.hpp>
#include <tensorplug/toolkit/ops/op.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "fast_dtypes.hpp"
#include "loops.hpp"
#include "threads.hpp"

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

/**
 * The class index of each of `rows` targets, or nullopt when a target is not
 * a whole class in [0, classes) or has a dtype these kernels do not read
 * (the toolkit's kernel then reports it, or computes it).
 */
std::optional<std::vector<std::int64_t>> classes_of(const Array& t,
                                                    std::int64_t classes) {
  std::vector<std::int64_t> out(t.size());
  auto read = [&]<class S>(const S* p) {
    for (std::size_t r = 0; r < out.size(); ++r) {
      const double v = static_cast<double>(p[r]);
      if (!(v >= 0 && v < static_cast<double>(classes))) return false;
      out[r] = static_cast<std::int64_t>(v);
    }
    return true;
  };
  const DLDataType dt = t.dtype();
  bool ok = false;
  if (tp::dtype_equal(dt, tptk::kInt32)) {
    ok = read(t.data<std::int32_t>());
  } else if (tp::dtype_equal(dt, tptk::kInt64)) {
    ok = read(t.data<std::int64_t>());
  } else if (tp::dtype_equal(dt, tptk::kFloat32)) {
    ok = read(t.data<float>());
  } else if (tp::dtype_equal(dt, tptk::kFloat64)) {
    ok = read(t.data<double>());
  }
  if (!ok) return std::nullopt;
  return out;
}

/** One row of n classes, target class k: its loss, or its gradient into d. */
template <class T, bool backward>
void sparse_row(const T* p, std::int64_t n, std::int64_t k, bool logits, T eps,
                T g, T* d, T* loss) {
  if (logits) {
    T m = p[0];
    for (std::int64_t j = 1; j < n; ++j) m = std::max(m, p[j]);
    T s = 0;
    for (std::int64_t j = 0; j < n; ++j) s += std::exp(p[j] - m);
    const T lse = m + std::log(s);
    if constexpr (!backward) {
      // As the toolkit's -sum(t * (p - lse)) with a one-hot t: 0 * inf
      // terms included, so that infinite logits give the same NaN.
      T l = 0;
      for (std::int64_t j = 0; j < n; ++j) {
        l -= (j == k ? T(1) : T(0)) * (p[j] - lse);
      }
      *loss = l;
    } else {
      for (std::int64_t j = 0; j < n; ++j) {
        d[j] = g * (std::exp(p[j] - lse) * T(1) - (j == k ? T(1) : T(0)));
      }
    }
    return;
  }
  // Keras: log(clip(output)) as the logits of a softmax crossentropy.
  T s = 0;
  for (std::int64_t j = 0; j < n; ++j) s += clip(p[j], eps);
  if constexpr (!backward) {
    *loss = std::log(s) - std::log(clip(p[k], eps));
  } else {
    for (std::int64_t j = 0; j < n; ++j) {
      T dj = T(1) / s - (j == k ? T(1) / clip(p[j], eps) : T(0));
      if (!inside(p[j], eps)) dj = 0;
      d[j] = g * dj;
    }
  }
}

template <bool backward>
Array sparse_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& t = *in[0];
  const Array& o = *in[1];
  const auto& os = o.shape();
  const auto rank = static_cast<std::int64_t>(os.size());
  std::int64_t axis = node.attrs.get_int("axis", -1);
  if (axis < 0) axis += rank;
  if (!fast_dtype(o.dtype()) || rank == 0 || axis != rank - 1 ||
      os[axis] == 0) {
    return node.op->eval(node, in);
  }
  const std::int64_t n = os[axis];
  const std::int64_t rows = static_cast<std::int64_t>(o.size()) / n;
  const tptk::Shape loss(os.begin(), os.end() - 1);
  tptk::Shape with_one = os;
  with_one.back() = 1;
  if ((t.shape() != loss && t.shape() != with_one) ||
      (backward && (in[2]->shape() != loss ||
                    !tp::dtype_equal(in[2]->dtype(), o.dtype())))) {
    return node.op->eval(node, in);
  }
  const auto cls = classes_of(t, n);
  if (!cls) return node.op->eval(node, in);
  Array out = Array::uninitialized(backward ? os : loss, o.dtype());
  const bool logits = node.attrs.get_bool("from_logits", false);
  const double eps = node.attrs.get_float("epsilon", 1e-7);
  dispatch_fast(o.dtype(), [&]<class T>() {
    const T* po = o.data<T>();
    const T* pg = backward ? in[2]->data<T>() : nullptr;
    T* pr = out.data<T>();
    const std::int64_t* pk = cls->data();
    auto run = [&](std::int64_t r0, std::int64_t r1) {
      for (std::int64_t r = r0; r < r1; ++r) {
        const std::int64_t b = r * n;
        if constexpr (backward) {
          sparse_row<T, true>(po + b, n, pk[r], logits, static_cast<T>(eps),
                              pg[r], pr + b, nullptr);
        } else {
          sparse_row<T, false>(po + b, n, pk[r], logits, static_cast<T>(eps),
                               T(0), nullptr, pr + r);
        }
      }
    };
    // Blocks of about one elementwise grain of classes; split only from two.
    const std::int64_t grain = std::max<std::int64_t>(1, kElementwiseGrain / n);
    if (rows < 2 * grain) {
      run(0, rows);
    } else {
      ThreadPool::instance().parallel_for(rows, grain, run);
    }
  });
  return out;
}

template <bool backward>
Array binary_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& t = *in[0];
  const Array& o = *in[1];
  if (!fast_dtype(o.dtype()) || !tp::dtype_equal(t.dtype(), o.dtype()) ||
      t.shape() != o.shape() ||
      (backward && (in[2]->shape() != o.shape() ||
                    !tp::dtype_equal(in[2]->dtype(), o.dtype())))) {
    return node.op->eval(node, in);
  }
  Array out = Array::uninitialized(o.shape(), o.dtype());
  const bool logits = node.attrs.get_bool("from_logits", false);
  const double eps_attr = node.attrs.get_float("epsilon", 1e-7);
  dispatch_fast(o.dtype(), [&]<class T>() {
    const T eps = static_cast<T>(eps_attr);
    const T* pt = t.data<T>();
    const T* po = o.data<T>();
    const T* pg = backward ? in[2]->data<T>() : nullptr;
    T* pr = out.data<T>();
    parallel_elementwise(
        static_cast<std::int64_t>(o.size()),
        [&](std::int64_t i0, std::int64_t i1) {
          for (std::int64_t i = i0; i < i1; ++i) {
            const T tv = pt[i];
            const T ov = po[i];
            const T cv = clip(ov, eps);
            const T z = logits ? ov : std::log(cv / (T(1) - cv));
            if constexpr (!backward) {
              pr[i] = std::max(z, T(0)) - z * tv +
                      std::log1p(std::exp(-std::abs(z)));
            } else {
              const T d = logits            ? T(1) / (T(1) + std::exp(-z)) - tv
                          : inside(ov, eps) ? (cv - tv) / (cv * (T(1) - cv))
                                            : T(0);
              pr[i] = pg[i] * d;
            }
          }
        });
  });
  return out;
}

}  // namespace
}  // namespace tpnative

using namespace tpnative;
TPTK_KERNEL(sparse_categorical_crossentropy, sparse_kernel<false>)
TPTK_KERNEL(sparse_categorical_crossentropy_grad, sparse_kernel<true>)
TPTK_KERNEL(binary_crossentropy, binary_kernel<false>)
TPTK_KERNEL(binary_crossentropy_grad, binary_kernel<true>)
