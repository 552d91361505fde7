// conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None,
// dilation_rate=(1, 1)) with a Keras kernel (rows, cols, in, out), and its
// backward ops conv2d_backprop_input / conv2d_backprop_kernel, each taking
// (x, kernel, grad). All three share one loop over (n, oh, ow, kh, kw, ci).
#include <vector>

#include "ops/nn_common.hpp"
#include "ops/window.hpp"
#include "text.hpp"

namespace tptk {

extern const OpDef kConv2dBackpropInput;
extern const OpDef kConv2dBackpropKernel;

namespace {

constexpr AttrSpec kConvAttrs[] = {
    {"strides", kAttrInts},
    {"padding", kAttrString},
    {"data_format", kAttrString | kAttrNone},
    {"dilation_rate", kAttrInts},
};

WindowAttrs conv_attrs(const OpDef& op, const Attrs& attrs,
                       const Shape& kernel) {
  WindowAttrs a = window_attrs(op, attrs, "strides", true);
  a.kh = kernel[0];
  a.kw = kernel[1];
  return a;
}

/** Checks ranks and channels; returns the output shape. */
Shape conv_shape(const OpDef& op, const Attrs& attrs, const Shape& x,
                 const Shape& k) {
  if (x.size() != 4) {
    fail(TP_ERROR_SHAPE, op.name, ": x must have rank 4, got shape ",
         format_shape(x));
  }
  if (k.size() != 4) {
    fail(TP_ERROR_SHAPE, op.name,
         ": kernel must have rank 4 (rows, cols, in_channels, out_channels), "
         "got shape ",
         format_shape(k));
  }
  const WindowAttrs a = conv_attrs(op, attrs, k);
  int64_t n, h, w, c;
  split_nhwc(x, a.first, n, h, w, c);
  if (c != kUnknownDim && k[2] != kUnknownDim && c != k[2]) {
    fail(TP_ERROR_SHAPE, op.name, ": x shape ", format_shape(x), " has ", c,
         " channels (", a.first ? "channels_first" : "channels_last",
         ") but kernel shape ", format_shape(k), " expects ", k[2]);
  }
  const int64_t oh = window_out(op, h, a.kh, a.sh, a.dh, a.same, x);
  const int64_t ow = window_out(op, w, a.kw, a.sw, a.dw, a.same, x);
  return join_nhwc(a.first, n, oh, ow, k[3]);
}

Signature infer_conv(const OpDef& op, std::span<const NodePtr> inputs,
                     const Attrs& attrs) {
  const Node& x = *inputs[0];
  const Node& k = *inputs[1];
  require_float(op, x, "x");
  require_same_dtype(op, x, "x", k, "kernel");
  Shape out = conv_shape(op, attrs, x.shape, k.shape);
  if (inputs.size() == 3) {  // backward ops: (x, kernel, grad)
    if (!may_equal(inputs[2]->shape, out)) {
      fail(TP_ERROR_SHAPE, op.name, ": grad shape ",
           format_shape(inputs[2]->shape), " differs from the output shape ",
           format_shape(out));
    }
    return {x.dtype, &op == &kConv2dBackpropInput ? x.shape : k.shape};
  }
  return {x.dtype, std::move(out)};
}

enum class Mode { forward, input, kernel };

/**
 * forward: out[o] += x * k; input: dx += g * k; kernel: dk += x * g, with
 * `acc` (Acc<T>, the result's size) receiving the sums.
 */
template <class T, Mode mode>
void conv_loop(const Geometry& g, const WindowAttrs& a, const T* x, const T* k,
               const T* grad, std::vector<Acc<T>>& acc) {
  using A = Acc<T>;
  const int64_t co_count = g.oc;
  for (int64_t n = 0; n < g.n; ++n) {
    for (int64_t oh = 0; oh < g.oh; ++oh) {
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        const int64_t o = n * g.on + oh * g.oh_s + ow * g.ow_s;
        for (int64_t kh = 0; kh < a.kh; ++kh) {
          const int64_t ih = oh * a.sh - g.pt + kh * a.dh;
          if (ih < 0 || ih >= g.h) continue;
          for (int64_t kw = 0; kw < a.kw; ++kw) {
            const int64_t iw = ow * a.sw - g.pl + kw * a.dw;
            if (iw < 0 || iw >= g.w) continue;
            for (int64_t ci = 0; ci < g.c; ++ci) {
              const int64_t xi = n * g.xn + ih * g.xh + iw * g.xw + ci * g.xc;
              const int64_t kb = ((kh * a.kw + kw) * g.c + ci) * co_count;
              if constexpr (mode == Mode::forward) {
                const A xv = static_cast<A>(x[xi]);
                for (int64_t co = 0; co < co_count; ++co) {
                  acc[o + co * g.oc_s] += xv * static_cast<A>(k[kb + co]);
                }
              } else if constexpr (mode == Mode::input) {
                A s = 0;
                for (int64_t co = 0; co < co_count; ++co) {
                  s += static_cast<A>(grad[o + co * g.oc_s]) *
                       static_cast<A>(k[kb + co]);
                }
                acc[xi] += s;
              } else {
                const A xv = static_cast<A>(x[xi]);
                for (int64_t co = 0; co < co_count; ++co) {
                  acc[kb + co] += xv * static_cast<A>(grad[o + co * g.oc_s]);
                }
              }
            }
          }
        }
      }
    }
  }
}

template <Mode mode>
Array eval_conv(const Node& node, std::span<const Array* const> in) {
  const OpDef& op = *node.op;
  const Array& x = *in[0];
  const Array& k = *in[1];
  const Shape out_shape = conv_shape(op, node.attrs, x.shape(), k.shape());
  const WindowAttrs a = conv_attrs(op, node.attrs, k.shape());
  const Geometry g = make_geometry(op, a, x.shape(), k.shape()[3]);
  if (mode != Mode::forward && in[2]->shape() != out_shape) {
    fail(TP_ERROR_SHAPE, op.name, ": grad shape ", format_shape(in[2]->shape()),
         " differs from the output shape ", format_shape(out_shape));
  }
  const Shape& result_shape = mode == Mode::forward ? out_shape
                              : mode == Mode::input ? x.shape()
                                                    : k.shape();
  Array out(result_shape, x.dtype());
  dispatch_float(x.dtype(), op.name, [&]<class T>() {
    std::vector<Acc<T>> acc(out.size(), 0);
    const T* grad = mode == Mode::forward ? nullptr : in[2]->data<T>();
    conv_loop<T, mode>(g, a, x.data<T>(), k.data<T>(), grad, acc);
    T* po = out.data<T>();
    for (std::size_t i = 0; i < acc.size(); ++i) po[i] = static_cast<T>(acc[i]);
  });
  return out;
}

std::vector<NodePtr> vjp_conv(const Node& node, const NodePtr& grad) {
  const NodePtr& x = node.inputs[0];
  const NodePtr& k = node.inputs[1];
  return {apply_op(kConv2dBackpropInput, {x, k, grad}, node.attrs),
          apply_op(kConv2dBackpropKernel, {x, k, grad}, node.attrs)};
}

}  // namespace

const OpDef kConv2d{"conv2d",   2,           2,
                    kConvAttrs, &infer_conv, &eval_conv<Mode::forward>,
                    &vjp_conv};
const OpDef kConv2dBackpropInput{
    "conv2d_backprop_input", 3,      3, kConvAttrs, &infer_conv,
    &eval_conv<Mode::input>, nullptr};
const OpDef kConv2dBackpropKernel{
    "conv2d_backprop_kernel", 3,      3, kConvAttrs, &infer_conv,
    &eval_conv<Mode::kernel>, nullptr};

}  // namespace tptk

TPTK_EXPORT_NN_OP(conv2d, tptk::kConv2d, tptk::kNeedsDataFormat)
TPTK_INTERNAL_OP(conv2d_backprop_input, tptk::kConv2dBackpropInput)
TPTK_INTERNAL_OP(conv2d_backprop_kernel, tptk::kConv2dBackpropKernel)
