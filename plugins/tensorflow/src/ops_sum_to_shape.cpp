// Translation of the internal op sum_to_shape(grad, like): the broadcasting
// gradient's reduction. grad is summed over the axes along which an operand
// of like's shape was broadcast (the leading axes like lacks and like's
// size-1 axes), then reshaped to like's runtime shape.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/shape.hpp>

#include <cstdint>
#include <vector>

#include "translate.hpp"

namespace tftf {
namespace {

TF_Output tr_sum_to_shape(Builder& b, const tptk::Node& n,
                          std::span<const TF_Output> in) {
  const tptk::Shape& gs = n.inputs[0]->shape;
  const tptk::Shape& ls = n.inputs[1]->shape;
  const DLDataType dt = n.dtype;
  // float16 is summed in float32 and rounded once (eval sums in double);
  // float32 and float64 in their own type: TF's Sum adds in a tree, whose
  // error is within the kit's bound for reordered sums (docs/conformance.md),
  // and two casts per gradient of a broadcast were 3% of an MLP step.
  // Integers wrap, as TF's Sum does.
  const DLDataType acc =
      tp::dtype_equal(dt, tptk::kFloat16) ? tptk::kFloat32 : dt;
  TF_Output axes;
  if (tptk::is_fully_known(gs) && tptk::is_fully_known(ls)) {
    const std::size_t offset = gs.size() - ls.size();
    std::vector<std::int64_t> reduce;
    for (std::size_t i = 0; i < offset; ++i) {
      reduce.push_back(static_cast<std::int64_t>(i));
    }
    for (std::size_t i = 0; i < ls.size(); ++i) {
      if (ls[i] == 1 && gs[offset + i] != 1) {
        reduce.push_back(static_cast<std::int64_t>(offset + i));
      }
    }
    // Nothing to sum: the same shape. An op of its own still, since TF
    // refuses to fetch a fed Placeholder.
    if (reduce.empty()) return b.op("Identity").in(in[0]).out();
    axes = b.int32s(reduce);
  } else {
    // Shapes only known at run time: TF's own broadcasting-gradient helper
    // gives the axes along which `like` was broadcast to grad's shape (and
    // fails with InvalidArgument when it does not broadcast).
    axes = b.op("BroadcastGradientArgs")
               .in(b.shape_of(in[0]))
               .in(b.shape_of(in[1]))
               .out(1);
  }
  TF_Output sum = b.op("Sum")
                      .in(b.cast(in[0], dt, acc))
                      .in(axes)
                      .attr("keep_dims", false)
                      .out();
  // The remaining axes are like's, in order (sizes 1 were summed or kept).
  return b.op("Reshape")
      .in(b.cast(sum, acc, dt))
      .in(b.shape_tensor(ls, in[1]))
      .out();
}

}  // namespace

TFTF_TRANSLATE(sum_to_shape, tr_sum_to_shape)

}  // namespace tftf
