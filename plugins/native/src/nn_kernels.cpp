// bias_add and the sums that broadcasting gradients need, on contiguous
// float32/float64: bias_add with a per-channel bias (rows of channels for
// channels_last, a scalar per channel plane for channels_first), its
// gradient (the sum over every axis but the channel's), and sum_to_shape
// when the target is a suffix of the gradient's shape (a dense layer's bias
// gradient) or a scalar. Other cases run the toolkit's kernel.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/kernels.hpp>
#include <tensorplug/toolkit/node.hpp>
#include <tensorplug/toolkit/ops/nn_common.hpp>
#include <tensorplug/toolkit/ops/op.hpp>

#include <vector>

#include "fast_dtypes.hpp"
#include "loops.hpp"

namespace tpnative {
namespace {

using tptk::Array;
using tptk::Node;
using tptk::Shape;

/** outer x channels x inner of x for a per-channel bias, or false. */
bool channel_view(const Node& node, const Shape& x, const Shape& bias,
                  tptk::AxisView& v) {
  if (bias.size() != 1 || x.empty()) return false;
  const bool first = tptk::channels_first(*node.op, node.attrs);
  const std::size_t axis = first && x.size() >= 3 ? 1 : x.size() - 1;
  if (x[axis] != bias[0]) return false;
  v = tptk::axis_view(x, axis);
  return true;
}

Array bias_add_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  const Array& b = *in[1];
  tptk::AxisView v;
  if (!fast_dtype(x.dtype()) || !tp::dtype_equal(x.dtype(), b.dtype()) ||
      !channel_view(node, x.shape(), b.shape(), v)) {
    return node.op->eval(node, in);
  }
  Array out = Array::uninitialized(x.shape(), x.dtype());
  if (out.size() == 0) return out;
  const auto outer = static_cast<std::int64_t>(v.outer);
  const auto c = static_cast<std::int64_t>(v.n);
  const auto inner = static_cast<std::int64_t>(v.inner);
  dispatch_fast(x.dtype(), [&]<class T>() {
    const T* px = x.data<T>();
    const T* pb = b.data<T>();
    T* po = out.data<T>();
    auto rows = [&](std::int64_t r0, std::int64_t r1) {
      for (std::int64_t r = r0; r < r1; ++r) {
        if (inner == 1) {  // one row of channels
          binary_loop(BinOp::add, px + r * c, pb, po + r * c, c, false, false);
        } else {  // r = (o, channel): one plane
          const T* bias = pb + r % c;
          binary_loop(BinOp::add, px + r * inner, bias, po + r * inner, inner,
                      false, true);
        }
      }
    };
    const std::int64_t count = inner == 1 ? outer : outer * c;
    const std::int64_t per = inner == 1 ? c : inner;
    if (count * per < 2 * kElementwiseGrain) {
      rows(0, count);
    } else {
      ThreadPool::instance().parallel_for(
          count, std::max<std::int64_t>(1, kElementwiseGrain / per), rows);
    }
  });
  return out;
}

/** out[j] = sum_r g[r, j] over `rows` rows of `cols` (column sums). */
template <class T>
void column_sums(const T* g, std::int64_t rows, std::int64_t cols, T* out) {
  std::fill(out, out + cols, T(0));
  for (std::int64_t r = 0; r < rows; ++r)
    accumulate_loop(g + r * cols, out, cols);
}

Array bias_add_grad_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& g = *in[0];
  const Array& b = *in[1];
  tptk::AxisView v;
  if (!fast_dtype(g.dtype()) || !channel_view(node, g.shape(), b.shape(), v)) {
    return node.op->eval(node, in);
  }
  Array out = Array::uninitialized(b.shape(), g.dtype());
  dispatch_fast(g.dtype(), [&]<class T>() {
    const T* pg = g.data<T>();
    T* po = out.data<T>();
    const auto outer = static_cast<std::int64_t>(v.outer);
    const auto c = static_cast<std::int64_t>(v.n);
    const auto inner = static_cast<std::int64_t>(v.inner);
    if (inner == 1) {
      column_sums(pg, outer, c, po);
      return;
    }
    for (std::int64_t ch = 0; ch < c; ++ch) po[ch] = T(0);
    for (std::int64_t o = 0; o < outer; ++o) {
      for (std::int64_t ch = 0; ch < c; ++ch) {
        const T* plane = pg + (o * c + ch) * inner;
        double s = 0;  // a long plane: sum in double
        for (std::int64_t i = 0; i < inner; ++i) s += plane[i];
        po[ch] += static_cast<T>(s);
      }
    }
  });
  return out;
}

Array sum_to_shape_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& g = *in[0];
  const Shape& like = in[1]->shape();
  if (!fast_dtype(g.dtype())) return node.op->eval(node, in);
  const Shape& gs = g.shape();
  // like (leading 1s dropped) must be a suffix of the gradient's shape.
  std::size_t lead = 0;
  while (lead < like.size() && like[lead] == 1) ++lead;
  const std::size_t n = like.size() - lead;
  if (like.size() > gs.size()) return node.op->eval(node, in);
  for (std::size_t i = 0; i < n; ++i) {
    if (gs[gs.size() - n + i] != like[lead + i]) return node.op->eval(node, in);
  }
  Array out = Array::uninitialized(like, g.dtype());
  const auto cols = static_cast<std::int64_t>(out.size());
  if (cols == 0) return out;
  const std::int64_t rows = static_cast<std::int64_t>(g.size()) / cols;
  dispatch_fast(g.dtype(), [&]<class T>() {
    if (cols == 1) {
      const T* pg = g.data<T>();
      double s = 0;  // a long sum: in double
      for (std::int64_t i = 0; i < rows; ++i) s += pg[i];
      *out.data<T>() = static_cast<T>(s);
      return;
    }
    column_sums(g.data<T>(), rows, cols, out.data<T>());
  });
  return out;
}

}  // namespace
}  // namespace tpnative

using namespace tpnative;
TPTK_KERNEL(bias_add, bias_add_kernel)
TPTK_KERNEL(bias_add_grad, bias_add_grad_kernel)
TPTK_KERNEL(sum_to_shape, sum_to_shape_kernel)
