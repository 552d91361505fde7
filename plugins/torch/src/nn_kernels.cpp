// Elementwise arithmetic with NumPy broadcasting (add, subtract, multiply,
// divide), relu and its gradient, softmax, bias_add and the sums that
// broadcasting gradients need (bias_add_grad, sum_to_shape), as ATen *_out
// calls writing into the toolkit's result Array. float32/float64 only, and
// only the cases ATen computes exactly as the toolkit defines them (relu
// without alpha, max_value or threshold; a per-channel bias); everything
// else runs the toolkit's kernel.
#include <ATen/ops/_softmax.h>
#include <ATen/ops/add.h>
#include <ATen/ops/div.h>
#include <ATen/ops/gt.h>
#include <ATen/ops/mul.h>
#include <ATen/ops/sub.h>
#include <ATen/ops/sum.h>
#include <ATen/ops/threshold.h>
#include <ATen/ops/where.h>
#include <ATen/ops/zeros.h>
#include <tensorplug/toolkit/kernels.hpp>
#include <tensorplug/toolkit/node.hpp>
#include <tensorplug/toolkit/ops/nn_common.hpp>
#include <tensorplug/toolkit/ops/op.hpp>

#include <algorithm>

#include "aten.hpp"
#include "parallel.hpp"

namespace tptorch {
namespace {

using tptk::Array;
using tptk::Node;
using tptk::Shape;

/** The NumPy broadcast of a and b, or false when they do not broadcast. */
bool broadcast(const Shape& a, const Shape& b, Shape& out) {
  const std::size_t rank = std::max(a.size(), b.size());
  out.assign(rank, 1);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const std::int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) return false;
    out[i] = da == 1 ? db : da;
  }
  return true;
}

enum class Bin { add, sub, mul, div };

template <Bin op>
Array binary_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& a = *in[0];
  const Array& b = *in[1];
  Shape shape;
  if (!aten_dtype(a.dtype()) || !tp::dtype_equal(a.dtype(), b.dtype()) ||
      !broadcast(a.shape(), b.shape(), shape) ||
      std::max(a.size(), b.size()) < kAtenMinElements) {
    return node.op->eval(node, in);  // computes or reports
  }
  Array out = Array::uninitialized(shape, a.dtype());
  if (out.size() == 0) return out;
  at::Tensor o = view(out);
  const SerialBelow serial(static_cast<std::int64_t>(out.size()),
                           kParallelElements);
  const at::Tensor x = view(a);
  const at::Tensor y = view(b);
  if constexpr (op == Bin::add) at::add_out(o, x, y);
  if constexpr (op == Bin::sub) at::sub_out(o, x, y);
  if constexpr (op == Bin::mul) at::mul_out(o, x, y);
  if constexpr (op == Bin::div) at::div_out(o, x, y);
  return out;
}

/** relu as ATen computes it: no alpha, max_value or threshold. */
bool plain_relu(const Node& node) {
  return node.attrs.get_float("alpha", 0.0) == 0.0 &&
         node.attrs.get_float("threshold", 0.0) == 0.0 &&
         !node.attrs.get_optional_float("max_value").has_value();
}

Array relu_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  if (!aten_dtype(x.dtype()) || !plain_relu(node) ||
      x.size() < kAtenMinElements) {
    return node.op->eval(node, in);
  }
  Array out = Array::uninitialized(x.shape(), x.dtype());
  if (out.size() == 0) return out;
  // x <= 0 -> +0 (also for -0), else x (a NaN stays NaN): the toolkit's
  // relu bit for bit, which clamp_min (-0 stays -0) is not.
  at::Tensor o = view(out);
  const SerialBelow serial(static_cast<std::int64_t>(out.size()),
                           kParallelElements);
  at::threshold_out(o, view(x), 0, 0);
  return out;
}

// g where x > 0, else 0 (also for a NaN x, as the toolkit defines it).
Array relu_grad_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  const Array& g = *in[1];
  if (!aten_dtype(x.dtype()) || !tp::dtype_equal(x.dtype(), g.dtype()) ||
      x.shape() != g.shape() || !plain_relu(node) ||
      x.size() < kAtenMinElements) {
    return node.op->eval(node, in);
  }
  Array out = Array::uninitialized(x.shape(), x.dtype());
  if (out.size() == 0) return out;
  const at::Tensor xv = view(x);
  at::Tensor o = view(out);
  const SerialBelow serial(static_cast<std::int64_t>(out.size()),
                           kParallelElements);
  at::where_out(o, at::gt(xv, 0), view(g), at::zeros({}, xv.options()));
  return out;
}

Array softmax_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  if (!aten_dtype(x.dtype()) || x.shape().empty() ||
      x.size() < kAtenMinElements) {
    return node.op->eval(node, in);
  }
  const std::size_t axis = tptk::normalize_axis(
      *node.op, node.attrs.get_int("axis", -1), x.shape().size(), x.shape());
  Array out = Array::uninitialized(x.shape(), x.dtype());
  if (out.size() == 0) return out;
  at::Tensor o = view(out);
  const SerialBelow serial(static_cast<std::int64_t>(out.size()),
                           kParallelElements);
  at::_softmax_out(o, view(x), static_cast<std::int64_t>(axis), false);
  return out;
}

/** The channel axis of x for a per-channel (rank-1) bias, or false. */
bool channel_axis(const Node& node, const Shape& x, const Shape& bias,
                  std::size_t& axis) {
  if (bias.size() != 1 || x.size() < 2) return false;
  const bool first = tptk::channels_first(*node.op, node.attrs);
  axis = first && x.size() >= 3 ? 1 : x.size() - 1;
  return x[axis] == bias[0];
}

Array bias_add_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  const Array& b = *in[1];
  std::size_t axis = 0;
  if (!aten_dtype(x.dtype()) || !tp::dtype_equal(x.dtype(), b.dtype()) ||
      !channel_axis(node, x.shape(), b.shape(), axis) ||
      x.size() < kAtenMinElements) {
    return node.op->eval(node, in);
  }
  Array out = Array::uninitialized(x.shape(), x.dtype());
  if (out.size() == 0) return out;
  Shape bshape(x.shape().size(), 1);
  bshape[axis] = b.shape()[0];
  at::Tensor o = view(out);
  const SerialBelow serial(static_cast<std::int64_t>(out.size()),
                           kParallelElements);
  at::add_out(o, view(x), view(b, bshape));
  return out;
}

Array bias_add_grad_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& g = *in[0];
  const Array& b = *in[1];
  std::size_t axis = 0;
  if (!aten_dtype(g.dtype()) ||
      !channel_axis(node, g.shape(), b.shape(), axis) ||
      g.size() < kAtenMinElements) {
    return node.op->eval(node, in);
  }
  Array out = Array::uninitialized(b.shape(), g.dtype());
  if (g.size() == 0) return Array(b.shape(), g.dtype());  // zeros
  std::vector<std::int64_t> dims;
  for (std::size_t i = 0; i < g.shape().size(); ++i) {
    if (i != axis) dims.push_back(static_cast<std::int64_t>(i));
  }
  at::Tensor o = view(out);
  const SerialBelow serial(static_cast<std::int64_t>(g.size()),
                           kParallelElements);
  at::sum_out(o, view(g), dims, false);
  return out;
}

// grad summed down to the shape of `like` (which broadcasts to grad's).
Array sum_to_shape_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& g = *in[0];
  const Shape& like = in[1]->shape();
  const Shape& gs = g.shape();
  if (!aten_dtype(g.dtype()) || like.size() > gs.size() ||
      g.size() < kAtenMinElements) {
    return node.op->eval(node, in);
  }
  const std::size_t lead = gs.size() - like.size();
  Shape kept(lead, 1);  // like, with grad's rank
  kept.insert(kept.end(), like.begin(), like.end());
  std::vector<std::int64_t> dims;
  for (std::size_t i = 0; i < gs.size(); ++i) {
    if (kept[i] == gs[i]) continue;
    if (kept[i] != 1) return node.op->eval(node, in);  // reports
    dims.push_back(static_cast<std::int64_t>(i));
  }
  Array out = Array::uninitialized(like, g.dtype());
  at::Tensor o = view(out, kept);
  const SerialBelow serial(static_cast<std::int64_t>(g.size()),
                           kParallelElements);
  if (dims.empty()) {
    o.copy_(view(g));
  } else {
    at::sum_out(o, view(g), dims, true);
  }
  return out;
}

}  // namespace
}  // namespace tptorch

using namespace tptorch;
TPTK_KERNEL(add, binary_kernel<Bin::add>)
TPTK_KERNEL(subtract, binary_kernel<Bin::sub>)
TPTK_KERNEL(multiply, binary_kernel<Bin::mul>)
TPTK_KERNEL(divide, binary_kernel<Bin::div>)
TPTK_KERNEL(relu, relu_kernel)
TPTK_KERNEL(relu_grad, relu_grad_kernel)
TPTK_KERNEL(softmax, softmax_kernel)
TPTK_KERNEL(bias_add, bias_add_kernel)
TPTK_KERNEL(bias_add_grad, bias_add_grad_kernel)
TPTK_KERNEL(sum_to_shape, sum_to_shape_kernel)
