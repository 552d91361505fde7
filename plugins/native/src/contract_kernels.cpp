// dot, batch_dot and their backward op contract_grad on the BLAS. The
// toolkit views both ops as
//   out[b, p, q, r, s] = sum_k x[b, p, k, q] * y[b, r, k, s]
// (ops/contract.hpp). With q == 1 (the usual case: x's contracted axis is
// its last) each (b, r) is one GEMM over all of p; otherwise each (b, p, r)
// is one GEMM with x's block transposed. float16 and the other dtypes keep
// the toolkit's kernel.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/kernels.hpp>
#include <tensorplug/toolkit/node.hpp>
#include <tensorplug/toolkit/ops/contract.hpp>
#include <tensorplug/toolkit/ops/op.hpp>
#include <tensorplug/toolkit/text.hpp>

#include "fast_dtypes.hpp"
#include "gemm.hpp"

namespace tpnative {
namespace {

using tptk::Array;
using tptk::ContractDims;
using tptk::Node;

template <class T>
void forward(const ContractDims& d, const T* x, const T* y, T* out) {
  const std::int64_t ldc = d.r * d.s;
  for (std::int64_t b = 0; b < d.b; ++b) {
    const T* xb = x + b * d.p * d.k * d.q;
    const T* yb = y + b * d.r * d.k * d.s;
    T* ob = out + b * d.p * d.q * d.r * d.s;
    for (std::int64_t r = 0; r < d.r; ++r) {
      const T* ybr = yb + r * d.k * d.s;
      if (d.q == 1) {
        // out[b, :, r, :] (p x s, row stride r*s) = x_b (p x k) . y_br (k x s)
        gemm<T>(false, false, d.p, d.s, d.k, T(1), xb, d.k, ybr, d.s, T(0),
                ob + r * d.s, ldc);
        continue;
      }
      for (std::int64_t p = 0; p < d.p; ++p) {
        // out[b, p, :, r, :] (q x s) = x_bp^T (q x k) . y_br (k x s)
        gemm<T>(true, false, d.q, d.s, d.k, T(1), xb + p * d.k * d.q, d.q, ybr,
                d.s, T(0), ob + p * d.q * ldc + r * d.s, ldc);
      }
    }
  }
}

/** dx[b, p, k, q] = sum_{r, s} g[b, p, q, r, s] * y[b, r, k, s]. */
template <class T>
void backward_x(const ContractDims& d, const T* g, const T* y, T* dx) {
  const std::int64_t ldg = d.r * d.s;
  for (std::int64_t b = 0; b < d.b; ++b) {
    const T* gb = g + b * d.p * d.q * ldg;
    const T* yb = y + b * d.r * d.k * d.s;
    T* dxb = dx + b * d.p * d.k * d.q;
    for (std::int64_t r = 0; r < d.r; ++r) {
      const T beta = r == 0 ? T(0) : T(1);
      const T* ybr = yb + r * d.k * d.s;
      if (d.q == 1) {
        // dx_b (p x k) += g_b[:, r, :] (p x s) . y_br^T (s x k)
        gemm<T>(false, true, d.p, d.k, d.s, T(1), gb + r * d.s, ldg, ybr, d.s,
                beta, dxb, d.k);
        continue;
      }
      for (std::int64_t p = 0; p < d.p; ++p) {
        // dx_bp (k x q) += y_br (k x s) . g_bpr^T (s x q)
        gemm<T>(false, true, d.k, d.q, d.s, T(1), ybr, d.s,
                gb + p * d.q * ldg + r * d.s, ldg, beta, dxb + p * d.k * d.q,
                d.q);
      }
    }
  }
}

/** dy[b, r, k, s] = sum_{p, q} x[b, p, k, q] * g[b, p, q, r, s]. */
template <class T>
void backward_y(const ContractDims& d, const T* g, const T* x, T* dy) {
  const std::int64_t ldg = d.r * d.s;
  for (std::int64_t b = 0; b < d.b; ++b) {
    const T* gb = g + b * d.p * d.q * ldg;
    const T* xb = x + b * d.p * d.k * d.q;
    T* dyb = dy + b * d.r * d.k * d.s;
    for (std::int64_t r = 0; r < d.r; ++r) {
      T* dybr = dyb + r * d.k * d.s;
      if (d.q == 1) {
        // dy_br (k x s) = x_b^T (k x p) . g_b[:, r, :] (p x s)
        gemm<T>(true, false, d.k, d.s, d.p, T(1), xb, d.k, gb + r * d.s, ldg,
                T(0), dybr, d.s);
        continue;
      }
      for (std::int64_t p = 0; p < d.p; ++p) {
        // dy_br (k x s) += x_bp (k x q) . g_bpr (q x s)
        gemm<T>(false, false, d.k, d.s, d.q, T(1), xb + p * d.k * d.q, d.q,
                gb + p * d.q * ldg + r * d.s, ldg, p == 0 ? T(0) : T(1), dybr,
                d.s);
      }
    }
  }
}

Array contract_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  const Array& y = *in[1];
  if (!fast_dtype(x.dtype())) return node.op->eval(node, in);
  const tptk::ContractSpec spec = tptk::contract_spec(node);
  tptk::check_contract(node.op->name, spec, x.shape(), y.shape());
  const ContractDims d = tptk::contract_dims(spec, x.shape(), y.shape());
  Array out = Array::uninitialized(
      tptk::contract_shape(spec, x.shape(), y.shape()), x.dtype());
  if (out.size() == 0) return out;
  dispatch_fast(x.dtype(), [&]<class T>() {
    forward<T>(d, x.data<T>(), y.data<T>(), out.data<T>());
  });
  return out;
}

Array contract_grad_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& g = *in[0];
  const Array& x = *in[1];
  const Array& y = *in[2];
  if (!fast_dtype(x.dtype())) return node.op->eval(node, in);
  const tptk::ContractSpec spec = tptk::contract_spec(node);
  tptk::check_contract(node.op->name, spec, x.shape(), y.shape());
  if (g.shape() != tptk::contract_shape(spec, x.shape(), y.shape())) {
    return node.op->eval(node, in);  // reports the mismatch
  }
  const ContractDims d = tptk::contract_dims(spec, x.shape(), y.shape());
  const bool wrt_x = node.attrs.get_int("wrt", 0) == 0;
  Array out = Array::uninitialized(wrt_x ? x.shape() : y.shape(), x.dtype());
  if (out.size() == 0) return out;
  if (g.size() == 0) return Array(out.shape(), out.dtype());  // zeros
  dispatch_fast(x.dtype(), [&]<class T>() {
    if (wrt_x) {
      backward_x<T>(d, g.data<T>(), y.data<T>(), out.data<T>());
    } else {
      backward_y<T>(d, g.data<T>(), x.data<T>(), out.data<T>());
    }
  });
  return out;
}

}  // namespace
}  // namespace tpnative

TPTK_KERNEL(dot, tpnative::contract_kernel)
TPTK_KERNEL(batch_dot, tpnative::contract_kernel)
TPTK_KERNEL(contract_grad, tpnative::contract_grad_kernel)
