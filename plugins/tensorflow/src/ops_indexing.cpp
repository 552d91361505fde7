// Translations of the indexing ops: gather (GatherV2 on axis 0), its backward
// op scatter_add (ScatterNd) and one_hot (OneHot).
//
// An index outside [0, rows) is an error in the reference, for gather and
// scatter_add alike. TF's CPU kernels agree: GatherV2 and ScatterNd (default
// bad_indices_policy) fail with InvalidArgument on such an index, negative
// ones included. UnsortedSegmentSum, the usual gather gradient, is not used:
// it silently drops negative indices.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/text.hpp>

#include <limits>

#include "translate.hpp"

namespace tftf {
namespace {

// gather(reference, indices): result indices.shape + reference.shape[1:].
TF_Output tr_gather(Builder& b, const tptk::Node&,
                    std::span<const TF_Output> in) {
  return b.op("GatherV2").in(in[0]).in(in[1]).in(b.int32_scalar(0)).out();
}

// scatter_add(g, indices, reference): zeros of reference's shape with each
// row of g added at its index; repeated indices accumulate, as ScatterNd's
// do. ScatterNd indexes with the last axis, so the indices get an axis of 1;
// its shape operand has the indices' dtype.
TF_Output tr_scatter_add(Builder& b, const tptk::Node& n,
                         std::span<const TF_Output> in) {
  const DLDataType idx = n.inputs[1]->dtype;
  const TF_Output indices =
      b.op("ExpandDims").in(in[1]).in(b.int32_scalar(-1)).out();
  const TF_Output shape =
      b.cast(b.shape_tensor(n.inputs[2]->shape, in[2]), tptk::kInt32, idx);
  return b.op("ScatterNd").in(indices).in(in[0]).in(shape).out();
}

// one_hot(indices, num_classes) -> floatx: an index outside
// [0, num_classes) gives a row of zeros, in TF as in the reference.
TF_Output tr_one_hot(Builder& b, const tptk::Node& n,
                     std::span<const TF_Output> in) {
  const auto classes = n.attrs.get_optional_int("num_classes");
  if (!classes || *classes < 0 ||
      *classes > std::numeric_limits<std::int32_t>::max()) {
    tptk::fail(TP_ERROR_INVALID_ARGUMENT, n.op->name,
               ": num_classes must be in [0, 2^31) here");
  }
  return b.op("OneHot")
      .in(in[0])
      .in(b.int32_scalar(*classes))
      .in(b.scalar(1.0, n.dtype))
      .in(b.scalar(0.0, n.dtype))
      .attr("axis", -1)
      .out();
}

}  // namespace

TFTF_TRANSLATE(gather, tr_gather)
TFTF_TRANSLATE(scatter_add, tr_scatter_add)
TFTF_TRANSLATE(one_hot, tr_one_hot)

}  // namespace tftf
