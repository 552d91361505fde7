// Translations of softmax / softmax_grad (along any axis) and bias_add /
// bias_add_grad (per-channel or Keras full bias, both data formats).
// float16 is computed in float32 and rounded once, as the toolkit's kernels
// accumulate in float (tptk::Acc).
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/ops/nn_common.hpp>
#include <tensorplug/toolkit/ops/op.hpp>
#include <tensorplug/toolkit/text.hpp>

#include <cstdint>
#include <numeric>
#include <vector>

#include "nn_util.hpp"
#include "translate.hpp"

namespace tftf {
namespace {

using tptk::fail;

/** The permutation of `rank` axes swapping `axis` and the last (its own
 * inverse); empty when `axis` is already last. */
std::vector<std::int64_t> swap_last(std::size_t axis, std::size_t rank) {
  if (axis + 1 == rank) return {};
  std::vector<std::int64_t> perm(rank);
  std::iota(perm.begin(), perm.end(), 0);
  std::swap(perm[axis], perm[rank - 1]);
  return perm;
}

std::size_t softmax_axis(const tptk::Node& n) {
  const tptk::Node& x = *n.inputs[0];
  return tptk::normalize_axis(*n.op, n.attrs.get_int("axis", -1),
                              x.shape.size(), x.shape);
}

/** Softmax of x (already of the compute dtype) along `axis`: TF's Softmax
 * works on the last axis, so another axis is swapped there and back. */
TF_Output softmax_along(Builder& b, TF_Output x, std::size_t axis,
                        std::size_t rank) {
  const std::vector<std::int64_t> perm = swap_last(axis, rank);
  if (!perm.empty()) x = transpose(b, x, perm);
  TF_Output y = b.op("Softmax").in(x).out();
  if (!perm.empty()) y = transpose(b, y, perm);
  return y;
}

TF_Output tr_softmax(Builder& b, const tptk::Node& n,
                     std::span<const TF_Output> in) {
  const tptk::Node& x = *n.inputs[0];
  require_float(n, x);
  const DLDataType acc = acc_dtype(x.dtype);
  const TF_Output y = softmax_along(b, b.cast(in[0], x.dtype, acc),
                                    softmax_axis(n), x.shape.size());
  return b.cast(y, acc, n.dtype);
}

// softmax_grad(x, grad) = y * (grad - sum(grad * y, axis)), y = softmax(x).
TF_Output tr_softmax_grad(Builder& b, const tptk::Node& n,
                          std::span<const TF_Output> in) {
  const tptk::Node& x = *n.inputs[0];
  require_float(n, x);
  const DLDataType acc = acc_dtype(x.dtype);
  const std::size_t axis = softmax_axis(n);
  const TF_Output y =
      softmax_along(b, b.cast(in[0], x.dtype, acc), axis, x.shape.size());
  const TF_Output g = b.cast(in[1], n.inputs[1]->dtype, acc);
  const TF_Output dot = b.op("Sum")
                            .in(b.op("Mul").in(y).in(g).out())
                            .in(b.int32s({static_cast<std::int64_t>(axis)}))
                            .attr("keep_dims", true)
                            .out();
  const TF_Output r =
      b.op("Mul").in(y).in(b.op("Sub").in(g).in(dot).out()).out();
  return b.cast(r, acc, n.dtype);
}

// bias_add: a 1-D bias goes on the channel axis (axis 1 for channels_first
// and rank >= 3, else the last) with TF's BiasAdd; a full bias (rank
// ndim(x) - 1) is x.shape[1:] for channels_last and (spatial..., channels)
// for channels_first, transposed to (channels, spatial...) and broadcast.
TF_Output tr_bias_add(Builder& b, const tptk::Node& n,
                      std::span<const TF_Output> in) {
  const tptk::Node& x = *n.inputs[0];
  const tptk::Node& bias = *n.inputs[1];
  require_float(n, x);
  const bool first = tptk::channels_first(*n.op, n.attrs);
  const std::size_t rank = x.shape.size();
  const std::size_t brank = bias.shape.size();
  if (brank == 1) {
    // Float16 sums are rounded once from float either way.
    return b.op("BiasAdd")
        .in(in[0])
        .in(in[1])
        .attr("data_format", first && rank >= 3 ? "NCHW" : "NHWC")
        .out();
  }
  TF_Output full = in[1];
  if (first) {
    std::vector<std::int64_t> perm{static_cast<std::int64_t>(brank - 1)};
    for (std::size_t d = 0; d + 1 < brank; ++d) {
      perm.push_back(static_cast<std::int64_t>(d));
    }
    full = transpose(b, full, perm);
  }
  return b.op("AddV2").in(in[0]).in(full).out();
}

// bias_add_grad(grad, bias): grad summed onto the bias's shape (BiasAddGrad
// for a 1-D bias, a sum over the batch for a full bias).
TF_Output tr_bias_add_grad(Builder& b, const tptk::Node& n,
                           std::span<const TF_Output> in) {
  const tptk::Node& g = *n.inputs[0];
  const tptk::Node& bias = *n.inputs[1];
  require_float(n, g);
  const bool first = tptk::channels_first(*n.op, n.attrs);
  const std::size_t rank = g.shape.size();
  const std::size_t brank = bias.shape.size();
  const DLDataType acc = acc_dtype(g.dtype);
  const TF_Output gv = b.cast(in[0], g.dtype, acc);
  TF_Output r;
  if (brank == 1) {
    r = b.op("BiasAddGrad")
            .in(gv)
            .attr("data_format", first && rank >= 3 ? "NCHW" : "NHWC")
            .out();
  } else {
    r = b.op("Sum").in(gv).in(b.int32s({0})).attr("keep_dims", false).out();
    if (first) {  // (channels, spatial...) -> (spatial..., channels)
      std::vector<std::int64_t> perm;
      for (std::size_t d = 1; d < brank; ++d) {
        perm.push_back(static_cast<std::int64_t>(d));
      }
      perm.push_back(0);
      r = transpose(b, r, perm);
    }
  }
  return b.cast(r, acc, n.dtype);
}

}  // namespace

TFTF_TRANSLATE(softmax, tr_softmax)
TFTF_TRANSLATE(softmax_grad, tr_softmax_grad)
TFTF_TRANSLATE(bias_add, tr_bias_add)
TFTF_TRANSLATE(bias_add_grad, tr_bias_add_grad)

}  // namespace tftf
