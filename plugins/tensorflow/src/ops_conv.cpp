// Translations of conv2d and its backward ops conv2d_backprop_input and
// conv2d_backprop_kernel (operands (x, kernel, grad)) as TF's Conv2D,
// Conv2DBackpropInput and Conv2DBackpropFilter. The Keras kernel (rows,
// cols, in, out) is TF's HWIO; TF's "SAME" padding is the toolkit's (the
// extra row/column at the bottom/right). TF's CPU kernels take NHWC only, so
// channels_first is transposed around them. float16 is computed in float32
// and rounded once, as the toolkit accumulates in float (tptk::Acc).
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/ops/op.hpp>
#include <tensorplug/toolkit/ops/window.hpp>
#include <tensorplug/toolkit/text.hpp>

#include <cstdint>
#include <vector>

#include "nn_util.hpp"
#include "translate.hpp"

namespace tftf {
namespace {

using tptk::fail;

struct Conv {
  tptk::WindowAttrs a;
  const char* padding;
  std::vector<std::int64_t> strides, dilations;  // NHWC
  DLDataType acc;
};

Conv conv_of(const tptk::Node& n) {
  require_float(n, *n.inputs[0]);
  require_float(n, *n.inputs[1]);
  Conv c;
  c.a = tptk::window_attrs(*n.op, n.attrs, "strides", true);
  c.padding = c.a.same ? "SAME" : "VALID";
  c.strides = {1, c.a.sh, c.a.sw, 1};
  c.dilations = {1, c.a.dh, c.a.dw, 1};
  c.acc = acc_dtype(n.dtype);
  return c;
}

bool dilated(const Conv& c) { return c.a.dh > 1 || c.a.dw > 1; }

/**
 * TF's CPU backprop kernels do not take dilations (float64 at least), so a
 * dilated kernel (kh, kw, ci, co) becomes the undilated kernel of
 * ((kh - 1) * dh + 1, (kw - 1) * dw + 1, ci, co) with zeros between its
 * taps: the same products, the same padding. `ks` is Shape(kernel).
 */
TF_Output dilated_sizes(Builder& b, const Conv& c, TF_Output ks) {
  const TF_Output scaled =
      b.op("Mul").in(ks).in(b.int32s({c.a.dh, c.a.dw, 1, 1})).out();
  return b.op("Sub")
      .in(scaled)
      .in(b.int32s({c.a.dh - 1, c.a.dw - 1, 0, 0}))
      .out();
}

TF_Output dilate_kernel(Builder& b, const Conv& c, TF_Output k, TF_Output ks) {
  // (kh, kw, ci, co) -> (kh, 1, kw, 1, ci, co) -> padded to (kh, dh, kw, dw,
  // ci, co) -> (kh * dh, kw * dw, ci, co) -> the first (k - 1) * d + 1.
  TF_Output k6 = b.op("ExpandDims").in(k).in(b.int32_scalar(1)).out();
  k6 = b.op("ExpandDims").in(k6).in(b.int32_scalar(3)).out();
  tptk::Array pads(tptk::Shape{6, 2}, tptk::kInt32);
  std::int32_t* p = pads.data<std::int32_t>();
  for (int i = 0; i < 12; ++i) p[i] = 0;
  p[3] = static_cast<std::int32_t>(c.a.dh - 1);
  p[7] = static_cast<std::int32_t>(c.a.dw - 1);
  const TF_Output padded = b.op("Pad").in(k6).in(b.constant(pads)).out();
  const TF_Output scaled =
      b.op("Mul").in(ks).in(b.int32s({c.a.dh, c.a.dw, 1, 1})).out();
  const TF_Output flat = b.op("Reshape").in(padded).in(scaled).out();
  return b.op("Slice")
      .in(flat)
      .in(b.int32s({0, 0, 0, 0}))
      .in(dilated_sizes(b, c, ks))
      .out();
}

TF_Output tr_conv2d(Builder& b, const tptk::Node& n,
                    std::span<const TF_Output> in) {
  const Conv c = conv_of(n);
  const TF_Output x =
      to_nhwc(b, b.cast(in[0], n.inputs[0]->dtype, c.acc), c.a.first);
  const TF_Output k = b.cast(in[1], n.inputs[1]->dtype, c.acc);
  const TF_Output y = b.op("Conv2D")
                          .in(x)
                          .in(k)
                          .attr_ints("strides", c.strides)
                          .attr("padding", c.padding)
                          .attr_ints("dilations", c.dilations)
                          .attr("data_format", "NHWC")
                          .out();
  return b.cast(from_nhwc(b, y, c.a.first), c.acc, n.dtype);
}

TF_Output tr_conv2d_backprop_input(Builder& b, const tptk::Node& n,
                                   std::span<const TF_Output> in) {
  const Conv c = conv_of(n);
  const tptk::Node& xn = *n.inputs[0];
  TF_Output k = b.cast(in[1], n.inputs[1]->dtype, c.acc);
  const TF_Output g =
      to_nhwc(b, b.cast(in[2], n.inputs[2]->dtype, c.acc), c.a.first);
  std::vector<std::int64_t> dilations = c.dilations;
  if (dilated(c)) {
    k = dilate_kernel(b, c, k, b.shape_tensor(n.inputs[1]->shape, in[1]));
    dilations = {1, 1, 1, 1};
  }
  const TF_Output dx = b.op("Conv2DBackpropInput")
                           .in(nhwc_shape(b, xn, in[0], c.a.first))
                           .in(k)
                           .in(g)
                           .attr_ints("strides", c.strides)
                           .attr("padding", c.padding)
                           .attr_ints("dilations", dilations)
                           .attr("data_format", "NHWC")
                           .out();
  return b.cast(from_nhwc(b, dx, c.a.first), c.acc, n.dtype);
}

TF_Output tr_conv2d_backprop_kernel(Builder& b, const tptk::Node& n,
                                    std::span<const TF_Output> in) {
  const Conv c = conv_of(n);
  const TF_Output x =
      to_nhwc(b, b.cast(in[0], n.inputs[0]->dtype, c.acc), c.a.first);
  const TF_Output g =
      to_nhwc(b, b.cast(in[2], n.inputs[2]->dtype, c.acc), c.a.first);
  const TF_Output ks = b.shape_tensor(n.inputs[1]->shape, in[1]);
  if (!dilated(c)) {
    const TF_Output dk = b.op("Conv2DBackpropFilter")
                             .in(x)
                             .in(ks)
                             .in(g)
                             .attr_ints("strides", c.strides)
                             .attr("padding", c.padding)
                             .attr_ints("dilations", c.dilations)
                             .attr("data_format", "NHWC")
                             .out();
    return b.cast(dk, c.acc, n.dtype);
  }
  // The gradient of the zero-filled undilated kernel (dilate_kernel), read
  // back at its taps.
  const TF_Output dke = b.op("Conv2DBackpropFilter")
                            .in(x)
                            .in(dilated_sizes(b, c, ks))
                            .in(g)
                            .attr_ints("strides", c.strides)
                            .attr("padding", c.padding)
                            .attr_ints("dilations", {1, 1, 1, 1})
                            .attr("data_format", "NHWC")
                            .out();
  const TF_Output dk = b.op("StridedSlice")
                           .in(dke)
                           .in(b.int32s({0, 0, 0, 0}))
                           .in(b.int32s({0, 0, 0, 0}))
                           .in(b.int32s({c.a.dh, c.a.dw, 1, 1}))
                           .attr("begin_mask", 15)
                           .attr("end_mask", 15)
                           .out();
  return b.cast(dk, c.acc, n.dtype);
}

}  // namespace

TFTF_TRANSLATE(conv2d, tr_conv2d)
TFTF_TRANSLATE(conv2d_backprop_input, tr_conv2d_backprop_input)
TFTF_TRANSLATE(conv2d_backprop_kernel, tr_conv2d_backprop_kernel)

}  // namespace tftf
