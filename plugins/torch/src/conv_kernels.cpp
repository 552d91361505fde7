// conv2d, its backward ops and pool2d (max, avg) with its backward op on
// ATen's convolution and pooling. ATen works in NCHW: a channels_first
// Array is viewed as it is; a channels_last one is the NCHW tensor with
// channels-last strides (a permuted view, which ATen's kernels compute in
// that memory format), and the Keras kernel (rows, cols, in, out) is viewed
// as ATen's (out, in, rows, cols). Results are computed by ATen and copied
// once into the toolkit's Array in its layout (ATen has no out= variant of
// these ops). ATen pads symmetrically, so a "same" window with an odd total
// padding (TF puts the extra row/column at the bottom/right), and pooling
// padded beyond half the window, run the toolkit's kernel; so do dtypes
// other than float32/float64.
#include <ATen/ops/avg_pool2d.h>
#include <ATen/ops/avg_pool2d_backward.h>
#include <ATen/ops/convolution.h>
#include <ATen/ops/convolution_backward.h>
#include <ATen/ops/max_pool2d_with_indices.h>
#include <ATen/ops/max_pool2d_with_indices_backward.h>
#include <tensorplug/toolkit/kernels.hpp>
#include <tensorplug/toolkit/node.hpp>
#include <tensorplug/toolkit/ops/nn_common.hpp>
#include <tensorplug/toolkit/ops/op.hpp>
#include <tensorplug/toolkit/ops/window.hpp>

#include "aten.hpp"
#include "parallel.hpp"

namespace tptorch {
namespace {

using tptk::Array;
using tptk::Geometry;
using tptk::Node;
using tptk::WindowAttrs;

/** The padding after, given the padding before, along one dim. */
std::int64_t pad_after(std::int64_t in, std::int64_t out, std::int64_t k,
                       std::int64_t s, std::int64_t d, std::int64_t before) {
  const std::int64_t total = (out - 1) * s + (k - 1) * d + 1 - in;
  return std::max<std::int64_t>(total - before, 0);
}

/** The window as ATen takes it, when its padding is symmetric. */
struct Window {
  WindowAttrs a;
  Geometry g;
  bool symmetric = false;
};

Window window_of(const Node& node, const Array& x, std::int64_t kh,
                 std::int64_t kw, std::int64_t out_channels, bool dilation) {
  Window win;
  win.a = tptk::window_attrs(*node.op, node.attrs, "strides", dilation);
  win.a.kh = kh;
  win.a.kw = kw;
  win.g = tptk::make_geometry(*node.op, win.a, x.shape(), out_channels);
  const WindowAttrs& a = win.a;
  const Geometry& g = win.g;
  win.symmetric =
      !a.same || (pad_after(g.h, g.oh, a.kh, a.sh, a.dh, g.pt) == g.pt &&
                  pad_after(g.w, g.ow, a.kw, a.sw, a.dw, g.pl) == g.pl);
  return win;
}

/** An Array in the window's layout as an NCHW tensor (a view). */
at::Tensor nchw(const Array& a, bool first) {
  const at::Tensor t = view(a);
  return first ? t : t.permute({0, 3, 1, 2});
}

/** Copies an NCHW tensor into `out` in the window's layout. */
void store_nchw(const at::Tensor& t, Array& out, bool first) {
  at::Tensor o = view(out);
  o.copy_(first ? t : t.permute({0, 2, 3, 1}));
}

/** The Keras kernel (rows, cols, in, out) as ATen's (out, in, rows, cols). */
at::Tensor oihw(const Array& k) { return view(k).permute({3, 2, 0, 1}); }

enum class Mode { forward, input, kernel };

template <Mode mode>
Array conv_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  const Array& k = *in[1];
  if (!aten_dtype(x.dtype()) || !tp::dtype_equal(x.dtype(), k.dtype()) ||
      x.shape().size() != 4 || k.shape().size() != 4 ||
      (mode != Mode::forward && !tp::dtype_equal(x.dtype(), in[2]->dtype()))) {
    return node.op->eval(node, in);
  }
  const Window win = window_of(node, x, k.shape()[0], k.shape()[1],
                               k.shape()[3], /*dilation=*/true);
  const WindowAttrs& a = win.a;
  const Geometry& g = win.g;
  const tptk::Shape out_shape = tptk::join_nhwc(a.first, g.n, g.oh, g.ow, g.oc);
  if (!win.symmetric || g.c != k.shape()[2] ||
      (mode != Mode::forward && in[2]->shape() != out_shape)) {
    return node.op->eval(node, in);  // computes or reports
  }
  const tptk::Shape& result_shape = mode == Mode::forward ? out_shape
                                    : mode == Mode::input ? x.shape()
                                                          : k.shape();
  if (x.size() == 0 || k.size() == 0 || g.oh * g.ow == 0) {
    return Array(result_shape, x.dtype());  // zeros
  }
  const std::vector<std::int64_t> stride{a.sh, a.sw}, padding{g.pt, g.pl},
      dilation{a.dh, a.dw}, no_padding{0, 0};
  const at::Tensor xt = nchw(x, a.first);
  const at::Tensor kt = oihw(k);
  Array out = Array::uninitialized(result_shape, x.dtype());
  const SerialBelow serial(g.n * g.oh * g.ow * g.oc * a.kh * a.kw * g.c,
                           kParallelConvWork);
  if constexpr (mode == Mode::forward) {
    store_nchw(at::convolution(xt, kt, c10::nullopt, stride, padding, dilation,
                               false, no_padding, 1),
               out, a.first);
  } else {
    const at::Tensor gt = nchw(*in[2], a.first);
    const std::array<bool, 3> mask{mode == Mode::input, mode == Mode::kernel,
                                   false};
    auto grads =
        at::convolution_backward(gt, xt, kt, c10::nullopt, stride, padding,
                                 dilation, false, no_padding, 1, mask);
    if constexpr (mode == Mode::input) {
      store_nchw(std::get<0>(grads), out, a.first);
    } else {  // (out, in, rows, cols) -> (rows, cols, in, out)
      at::Tensor o = view(out);
      o.copy_(std::get<1>(grads).permute({2, 3, 1, 0}));
    }
  }
  return out;
}

/** pool2d's window, when ATen pools it as the toolkit defines it. */
bool pool_window(const Node& node, const Array& x, Window& win, bool& max) {
  if (!aten_dtype(x.dtype()) || x.shape().size() != 4) return false;
  const auto size = node.attrs.get_ints("pool_size");
  if (!size || size->size() != 2 || (*size)[0] < 1 || (*size)[1] < 1) {
    return false;
  }
  const std::string mode = node.attrs.get_string("pool_mode", "max");
  if (mode != "max" && mode != "avg") return false;
  max = mode == "max";
  std::int64_t n, h, w, c;
  tptk::split_nhwc(x.shape(), tptk::channels_first(*node.op, node.attrs), n, h,
                   w, c);
  win = window_of(node, x, (*size)[0], (*size)[1], c, /*dilation=*/false);
  const Geometry& g = win.g;
  return win.symmetric && 2 * g.pt <= win.a.kh && 2 * g.pl <= win.a.kw &&
         g.oh * g.ow > 0 && x.size() > 0;
}

Array pool_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  Window win;
  bool max = true;
  if (!pool_window(node, x, win, max)) return node.op->eval(node, in);
  const WindowAttrs& a = win.a;
  const Geometry& g = win.g;
  const std::vector<std::int64_t> size{a.kh, a.kw}, stride{a.sh, a.sw},
      padding{g.pt, g.pl};
  const at::Tensor xt = nchw(x, a.first);
  Array out = Array::uninitialized(
      tptk::join_nhwc(a.first, g.n, g.oh, g.ow, g.c), x.dtype());
  const SerialBelow serial(static_cast<std::int64_t>(x.size()) * a.kh * a.kw,
                           kParallelElements);
  if (max) {
    store_nchw(std::get<0>(at::max_pool2d_with_indices(xt, size, stride,
                                                       padding, {1, 1}, false)),
               out, a.first);
  } else {
    store_nchw(at::avg_pool2d(xt, size, stride, padding, false, false), out,
               a.first);
  }
  return out;
}

Array pool_grad_kernel(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  const Array& grad = *in[1];
  Window win;
  bool max = true;
  if (!pool_window(node, x, win, max) ||
      !tp::dtype_equal(x.dtype(), grad.dtype())) {
    return node.op->eval(node, in);
  }
  const WindowAttrs& a = win.a;
  const Geometry& g = win.g;
  if (grad.shape() != tptk::join_nhwc(a.first, g.n, g.oh, g.ow, g.c)) {
    return node.op->eval(node, in);  // reports
  }
  const std::vector<std::int64_t> size{a.kh, a.kw}, stride{a.sh, a.sw},
      padding{g.pt, g.pl};
  const at::Tensor xt = nchw(x, a.first);
  const at::Tensor gt = nchw(grad, a.first);
  Array out = Array::uninitialized(x.shape(), x.dtype());
  const SerialBelow serial(static_cast<std::int64_t>(x.size()) * a.kh * a.kw,
                           kParallelElements);
  if (max) {
    const auto pooled =
        at::max_pool2d_with_indices(xt, size, stride, padding, {1, 1}, false);
    store_nchw(
        at::max_pool2d_with_indices_backward(
            gt, xt, size, stride, padding, {1, 1}, false, std::get<1>(pooled)),
        out, a.first);
  } else {
    store_nchw(at::avg_pool2d_backward(gt, xt, size, stride, padding, false,
                                       false, c10::nullopt),
               out, a.first);
  }
  return out;
}

}  // namespace
}  // namespace tptorch

using namespace tptorch;
TPTK_KERNEL(conv2d, conv_kernel<Mode::forward>)
TPTK_KERNEL(conv2d_backprop_input, conv_kernel<Mode::input>)
TPTK_KERNEL(conv2d_backprop_kernel, conv_kernel<Mode::kernel>)
TPTK_KERNEL(pool2d, pool_kernel)
TPTK_KERNEL(pool2d_grad, pool_grad_kernel)
