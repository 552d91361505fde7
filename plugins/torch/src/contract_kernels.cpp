// dot, batch_dot and their backward op contract_grad as ATen matrix
// products. The toolkit views both ops as
//   out[b, p, q, r, s] = sum_k x[b, p, k, q] * y[b, r, k, s]
// (ops/contract.hpp): one (batched) product of x as (b, p*q, k) and y as
// (b, k, r*s). In the usual case (q == 1, r == 1: x's contracted axis is its
// last, y's its first) every operand is a view of the Array's memory and
// at::mm_out / at::bmm_out write straight into the result; otherwise ATen
// makes the permuted operand contiguous first. float32/float64 only; the
// other dtypes keep the toolkit's kernel.
#include <ATen/Parallel.h>
#include <ATen/ops/bmm.h>
#include <ATen/ops/mm.h>
#include <tensorplug/toolkit/kernels.hpp>
#include <tensorplug/toolkit/node.hpp>
#include <tensorplug/toolkit/ops/contract.hpp>
#include <tensorplug/toolkit/ops/op.hpp>

#include "aten.hpp"
#include "parallel.hpp"

namespace tptorch {
namespace {

using tptk::Array;
using tptk::ContractDims;
using tptk::Node;

/**
 * out (b, m, n) = a (b, m, k) . c (b, k, n), into `out`'s memory. A large
 * product with a single-threaded BLAS (threads.cpp sets OpenBLAS to one
 * thread) is split into row blocks (or batches) over ATen's intra-op pool,
 * one BLAS call per thread, so there is one pool, not two; small ones run
 * on the calling thread (parallel.hpp).
 */
void product(const at::Tensor& a, const at::Tensor& c, at::Tensor out) {
  const std::int64_t b = a.size(0), m = a.size(1), k = a.size(2);
  const std::int64_t n = c.size(2);
  const int threads = at::get_num_threads();
  const bool split =
      threads > 1 && blas_threads() == 1 && b * m * n * k >= kParallelGemmWork;
  if (b == 1) {
    at::Tensor o = out.select(0, 0);
    const at::Tensor a0 = a.select(0, 0);
    const at::Tensor c0 = c.select(0, 0);
    if (!split || m < 2 * threads) {
      at::mm_out(o, a0, c0);
      return;
    }
    // Rows of a contiguous out are contiguous blocks.
    at::parallel_for(0, m, (m + threads - 1) / threads,
                     [&](std::int64_t r0, std::int64_t r1) {
                       at::Tensor block = o.narrow(0, r0, r1 - r0);
                       at::mm_out(block, a0.narrow(0, r0, r1 - r0), c0);
                     });
    return;
  }
  if (!split || b < threads) {
    const SerialBelow serial(b * m * n * k, kParallelGemmWork);
    at::bmm_out(out, a, c);
    return;
  }
  at::parallel_for(
      0, b, (b + threads - 1) / threads, [&](std::int64_t b0, std::int64_t b1) {
        at::Tensor block = out.narrow(0, b0, b1 - b0);
        at::bmm_out(block, a.narrow(0, b0, b1 - b0), c.narrow(0, b0, b1 - b0));
      });
}

/** x as (b, p, q, k). */
at::Tensor x_pqk(const ContractDims& d, const Array& x) {
  return view(x, {d.b, d.p, d.k, d.q}).permute({0, 1, 3, 2});
}

/** y as (b, k, r, s). */
at::Tensor y_krs(const ContractDims& d, const Array& y) {
  return view(y, {d.b, d.r, d.k, d.s}).permute({0, 2, 1, 3});
}

Array contract_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  const Array& y = *in[1];
  if (!aten_dtype(x.dtype()) || !tp::dtype_equal(x.dtype(), y.dtype())) {
    return node.op->eval(node, in);
  }
  const tptk::ContractSpec spec = tptk::contract_spec(node);
  tptk::check_contract(node.op->name, spec, x.shape(), y.shape());
  const ContractDims d = tptk::contract_dims(spec, x.shape(), y.shape());
  Array out = Array::uninitialized(
      tptk::contract_shape(spec, x.shape(), y.shape()), x.dtype());
  if (out.size() == 0) return out;
  if (d.k == 0) return Array(out.shape(), out.dtype());  // zeros
  product(x_pqk(d, x).reshape({d.b, d.p * d.q, d.k}),
          y_krs(d, y).reshape({d.b, d.k, d.r * d.s}),
          view(out, {d.b, d.p * d.q, d.r * d.s}));
  return out;
}

Array contract_grad_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& g = *in[0];
  const Array& x = *in[1];
  const Array& y = *in[2];
  if (!aten_dtype(x.dtype()) || !tp::dtype_equal(x.dtype(), y.dtype()) ||
      !tp::dtype_equal(x.dtype(), g.dtype())) {
    return node.op->eval(node, in);
  }
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
  const at::Tensor gv = view(g, {d.b, d.p * d.q, d.r * d.s});
  if (wrt_x) {
    // dx[b, p, k, q] = sum_{r, s} g[b, (p, q), (r, s)] * y[b, k, (r, s)]
    const at::Tensor yt =
        y_krs(d, y).reshape({d.b, d.k, d.r * d.s}).transpose(1, 2);
    if (d.q == 1) {
      product(gv, yt, view(out, {d.b, d.p, d.k}));
    } else {
      const SerialBelow serial(d.b * d.p * d.q * d.k * d.r * d.s,
                               kParallelGemmWork);
      view(out, {d.b, d.p, d.k, d.q})
          .copy_(
              at::bmm(gv, yt).view({d.b, d.p, d.q, d.k}).permute({0, 1, 3, 2}));
    }
  } else {
    // dy[b, r, k, s] = sum_{p, q} x[b, (p, q), k] * g[b, (p, q), (r, s)]
    const at::Tensor xt =
        x_pqk(d, x).reshape({d.b, d.p * d.q, d.k}).transpose(1, 2);
    if (d.r == 1) {
      product(xt, gv, view(out, {d.b, d.k, d.s}));
    } else {
      const SerialBelow serial(d.b * d.p * d.q * d.k * d.r * d.s,
                               kParallelGemmWork);
      view(out, {d.b, d.r, d.k, d.s})
          .copy_(
              at::bmm(xt, gv).view({d.b, d.k, d.r, d.s}).permute({0, 2, 1, 3}));
    }
  }
  return out;
}

}  // namespace
}  // namespace tptorch

TPTK_KERNEL(dot, tptorch::contract_kernel)
TPTK_KERNEL(batch_dot, tptorch::contract_kernel)
TPTK_KERNEL(contract_grad, tptorch::contract_grad_kernel)
