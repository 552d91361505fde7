// Elementwise kernels on contiguous float32/float64 data, vectorised
// (loops.cpp) and split over the pool for large tensors: add, subtract,
// multiply, divide (equal shapes, a scalar operand, or one operand's shape a
// suffix of the other's: a row broadcast such as x + bias), the unary
// arithmetic ops, relu with Keras's default parameters and its gradient.
// Every other case (float16, integers, general broadcasting, relu with
// alpha/max_value/threshold) runs the toolkit's kernel.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/kernels.hpp>
#include <tensorplug/toolkit/node.hpp>
#include <tensorplug/toolkit/ops/op.hpp>

#include <cmath>
#include <limits>

#include "fast_dtypes.hpp"
#include "loops.hpp"

namespace tpnative {
namespace {

using tptk::Array;
using tptk::Node;
using tptk::Shape;

/** True when `small` (leading 1s dropped) is a suffix of `big`. */
bool is_suffix(const Shape& big, const Shape& small) {
  std::size_t lead = 0;
  while (lead < small.size() && small[lead] == 1) ++lead;
  const std::size_t n = small.size() - lead;
  if (n > big.size() || small.size() > big.size()) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (big[big.size() - n + i] != small[lead + i]) return false;
  }
  return true;
}

template <BinOp op>
Array binary_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& a = *in[0];
  const Array& b = *in[1];
  if (!fast_dtype(a.dtype()) || !tp::dtype_equal(a.dtype(), b.dtype())) {
    return node.op->eval(node, in);
  }
  const bool same = a.shape() == b.shape();
  const bool b_small =
      !same && b.size() <= a.size() && is_suffix(a.shape(), b.shape());
  const bool a_small = !same && !b_small && a.size() < b.size() &&
                       is_suffix(b.shape(), a.shape());
  if (!same && !a_small && !b_small) return node.op->eval(node, in);
  const Array& big = a_small ? b : a;
  Array out = Array::uninitialized(big.shape(), a.dtype());
  const std::int64_t n = static_cast<std::int64_t>(out.size());
  if (n == 0) return out;
  dispatch_fast(a.dtype(), [&]<class T>() {
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* po = out.data<T>();
    if (same) {
      parallel_elementwise(n, [&](std::int64_t i0, std::int64_t i1) {
        binary_loop(op, pa + i0, pb + i0, po + i0, i1 - i0, false, false);
      });
      return;
    }
    const Array& small = a_small ? a : b;
    const auto row = static_cast<std::int64_t>(small.size());
    if (row == 0) return;
    if (row == 1) {
      parallel_elementwise(n, [&](std::int64_t i0, std::int64_t i1) {
        binary_loop(op, a_small ? pa : pa + i0, a_small ? pb + i0 : pb, po + i0,
                    i1 - i0, a_small, !a_small);
      });
      return;
    }
    // Row broadcast: the small operand repeats every `row` elements.
    const std::int64_t rows = n / row;
    const std::int64_t grain =
        std::max<std::int64_t>(1, kElementwiseGrain / row);
    auto body = [&](std::int64_t r0, std::int64_t r1) {
      for (std::int64_t r = r0; r < r1; ++r) {
        const std::int64_t off = r * row;
        binary_loop(op, a_small ? pa : pa + off, a_small ? pb + off : pb,
                    po + off, row, false, false);
      }
    };
    if (n < 2 * kElementwiseGrain) {
      body(0, rows);
    } else {
      ThreadPool::instance().parallel_for(rows, grain, body);
    }
  });
  return out;
}

template <UnOp op>
Array unary_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  if (!fast_dtype(x.dtype())) return node.op->eval(node, in);
  Array out = Array::uninitialized(x.shape(), x.dtype());
  const std::int64_t n = static_cast<std::int64_t>(out.size());
  dispatch_fast(x.dtype(), [&]<class T>() {
    const T* px = x.data<T>();
    T* po = out.data<T>();
    parallel_elementwise(n, [&](std::int64_t i0, std::int64_t i1) {
      unary_loop(op, px + i0, po + i0, i1 - i0);
    });
  });
  return out;
}

/** True when relu's attributes are Keras's defaults. */
bool default_relu(const Node& node) {
  return node.attrs.get_float("alpha", 0.0) == 0.0 &&
         node.attrs.get_float("threshold", 0.0) == 0.0 &&
         !node.attrs.get_optional_float("max_value").has_value();
}

Array relu_kernel(const Node& node, std::span<const Array* const> in) {
  if (!default_relu(node)) return node.op->eval(node, in);
  return unary_kernel<UnOp::relu>(node, in);
}

Array relu_grad_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  const Array& g = *in[1];
  if (!fast_dtype(x.dtype()) || !default_relu(node) || x.shape() != g.shape() ||
      !tp::dtype_equal(x.dtype(), g.dtype())) {
    return node.op->eval(node, in);
  }
  Array out = Array::uninitialized(x.shape(), x.dtype());
  const std::int64_t n = static_cast<std::int64_t>(out.size());
  dispatch_fast(x.dtype(), [&]<class T>() {
    const T* px = x.data<T>();
    const T* pg = g.data<T>();
    T* po = out.data<T>();
    parallel_elementwise(n, [&](std::int64_t i0, std::int64_t i1) {
      relu_grad_loop(px + i0, pg + i0, po + i0, i1 - i0);
    });
  });
  return out;
}

}  // namespace
}  // namespace tpnative

using namespace tpnative;
TPTK_KERNEL(add, binary_kernel<BinOp::add>)
TPTK_KERNEL(subtract, binary_kernel<BinOp::sub>)
TPTK_KERNEL(multiply, binary_kernel<BinOp::mul>)
TPTK_KERNEL(divide, binary_kernel<BinOp::div>)
TPTK_KERNEL(negative, unary_kernel<UnOp::neg>)
TPTK_KERNEL(abs, unary_kernel<UnOp::abs>)
TPTK_KERNEL(square, unary_kernel<UnOp::square>)
TPTK_KERNEL(sqrt, unary_kernel<UnOp::sqrt>)
TPTK_KERNEL(exp, unary_kernel<UnOp::exp>)
TPTK_KERNEL(log, unary_kernel<UnOp::log>)
TPTK_KERNEL(tanh, unary_kernel<UnOp::tanh>)
TPTK_KERNEL(sigmoid, unary_kernel<UnOp::sigmoid>)
TPTK_KERNEL(relu, relu_kernel)
TPTK_KERNEL(relu_grad, relu_grad_kernel)
