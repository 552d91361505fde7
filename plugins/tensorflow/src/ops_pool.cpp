// Translations of pool2d and its backward op pool2d_grad(x, grad) as TF's
// MaxPool/AvgPool and MaxPoolGrad/AvgPoolGrad, which match the toolkit's
// kernels: "SAME" pads as the toolkit (extra at the bottom/right), average
// pooling counts only the cells inside the input, and MaxPoolGrad routes
// the gradient to the first maximum of a window in row-major order. TF's
// CPU kernels take NHWC only, so channels_first is transposed around them.
// Sums (avg, gradients) of float16 are computed in float32 and rounded once,
// as the toolkit accumulates in float (tptk::Acc).
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/ops/op.hpp>
#include <tensorplug/toolkit/ops/pool.hpp>
#include <tensorplug/toolkit/text.hpp>

#include <cstdint>
#include <vector>

#include "nn_util.hpp"
#include "translate.hpp"

namespace tftf {
namespace {

using tptk::fail;

struct Pool {
  tptk::PoolAttrs p;
  std::vector<std::int64_t> ksize, strides;  // NHWC
  const char* padding;
};

Pool pool_of(const tptk::Node& n) {
  require_float(n, *n.inputs[0]);
  Pool q;
  q.p = tptk::pool_attrs(*n.op, n.attrs);
  q.ksize = {1, q.p.w.kh, q.p.w.kw, 1};
  q.strides = {1, q.p.w.sh, q.p.w.sw, 1};
  q.padding = q.p.w.same ? "SAME" : "VALID";
  return q;
}

/** The window attributes every pooling op of TF takes (NHWC). */
OpBuilder& window(OpBuilder& op, const Pool& q) {
  return op.attr_ints("ksize", q.ksize)
      .attr_ints("strides", q.strides)
      .attr("padding", q.padding)
      .attr("data_format", "NHWC");
}

/** MaxPool or AvgPool of an NHWC x. */
TF_Output pool_nhwc(Builder& b, const Pool& q, TF_Output x) {
  OpBuilder op = b.op(q.p.max ? "MaxPool" : "AvgPool");
  return window(op.in(x), q).out();
}

TF_Output tr_pool2d(Builder& b, const tptk::Node& n,
                    std::span<const TF_Output> in) {
  const Pool q = pool_of(n);
  // A maximum is exact in any dtype; an average is summed in float.
  const DLDataType acc = q.p.max ? n.dtype : acc_dtype(n.dtype);
  const TF_Output x =
      to_nhwc(b, b.cast(in[0], n.inputs[0]->dtype, acc), q.p.w.first);
  const TF_Output y = pool_nhwc(b, q, x);
  return b.cast(from_nhwc(b, y, q.p.w.first), acc, n.dtype);
}

TF_Output tr_pool2d_grad(Builder& b, const tptk::Node& n,
                         std::span<const TF_Output> in) {
  const Pool q = pool_of(n);
  const bool first = q.p.w.first;
  const DLDataType acc = acc_dtype(n.dtype);
  const TF_Output g = to_nhwc(b, b.cast(in[1], n.inputs[1]->dtype, acc), first);
  TF_Output dx;
  if (q.p.max) {
    const TF_Output x =
        to_nhwc(b, b.cast(in[0], n.inputs[0]->dtype, acc), first);
    const TF_Output y = pool_nhwc(b, q, x);
    OpBuilder op = b.op("MaxPoolGrad");
    dx = window(op.in(x).in(y).in(g), q).out();
  } else {
    const TF_Output shape = nhwc_shape(b, *n.inputs[0], in[0], first);
    OpBuilder op = b.op("AvgPoolGrad");
    dx = window(op.in(shape).in(g), q).out();
  }
  return b.cast(from_nhwc(b, dx, first), acc, n.dtype);
}

}  // namespace

TFTF_TRANSLATE(pool2d, tr_pool2d)
TFTF_TRANSLATE(pool2d_grad, tr_pool2d_grad)

}  // namespace tftf
