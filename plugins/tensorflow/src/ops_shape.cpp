// Translations of the shape ops: reshape, expand_dims, squeeze, flatten,
// batch_flatten and their backward op reshape_like (Reshape / ExpandDims /
// Squeeze), concatenate (ConcatV2) and its backward op concat_slice (Slice).
//
// A result shape fully known statically is given to Reshape as a Const.
// Otherwise the shape is taken at run time: TF's Reshape infers a -1 as the
// reference does, except that TF refuses a -1 beside a 0 (the reference
// gives the wildcard 0 then), so the translations never pass that pair.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/ops/indexing.hpp>
#include <tensorplug/toolkit/text.hpp>

#include <vector>

#include "translate.hpp"

namespace tftf {
namespace {

using tptk::kUnknownDim;

TF_Output reshape(Builder& b, TF_Output x, TF_Output shape) {
  return b.op("Reshape").in(x).in(shape).out();
}

/** Shape(x)[begin:end] (int32). */
TF_Output shape_slice(Builder& b, TF_Output x, std::int64_t begin,
                      std::int64_t size) {
  return b.op("Slice")
      .in(b.shape_of(x))
      .in(b.int32s({begin}))
      .in(b.int32s({size}))
      .out();
}

// reshape: the `shape` attr (one -1 at most, checked by infer).
TF_Output tr_reshape(Builder& b, const tptk::Node& n,
                     std::span<const TF_Output> in) {
  if (tptk::is_fully_known(n.shape)) {
    return reshape(b, in[0], b.shape_tensor(n.shape, in[0]));
  }
  const auto target = n.attrs.get_ints("shape");
  if (!target) {
    tptk::fail(TP_ERROR_INVALID_ARGUMENT, n.op->name, ": shape is required");
  }
  std::vector<std::int64_t> dims(target->begin(), target->end());
  bool zero = false;
  for (std::int64_t d : dims) zero = zero || d == 0;
  for (std::int64_t& d : dims) {
    // The reference's wildcard beside a 0 is 0 (the operand must be empty).
    if (d == -1 && zero) d = 0;
  }
  return reshape(b, in[0], b.int32s(dims));
}

// reshape_like(g, x): g with x's (run-time) shape.
TF_Output tr_reshape_like(Builder& b, const tptk::Node& n,
                          std::span<const TF_Output> in) {
  return reshape(b, in[0], b.shape_tensor(n.inputs[1]->shape, in[1]));
}

TF_Output tr_expand_dims(Builder& b, const tptk::Node& n,
                         std::span<const TF_Output> in) {
  const tptk::Shape& shape = n.inputs[0]->shape;
  const std::size_t axis =
      tptk::normalize_axis(n.op->name, n.attrs.get_int("axis", -1),
                           static_cast<std::int64_t>(shape.size()) + 1, shape);
  return b.op("ExpandDims")
      .in(in[0])
      .in(b.int32_scalar(static_cast<std::int64_t>(axis)))
      .out();
}

// squeeze: an axis of unknown size that is not 1 at run time is TF's error.
TF_Output tr_squeeze(Builder& b, const tptk::Node& n,
                     std::span<const TF_Output> in) {
  const tptk::Shape& shape = n.inputs[0]->shape;
  const auto axis = n.attrs.get_optional_int("axis");
  if (!axis) {
    tptk::fail(TP_ERROR_INVALID_ARGUMENT, n.op->name, ": axis is required");
  }
  const std::size_t a = tptk::normalize_axis(
      n.op->name, *axis, static_cast<std::int64_t>(shape.size()), shape);
  return b.op("Squeeze")
      .in(in[0])
      .attr_ints("squeeze_dims", {static_cast<std::int64_t>(a)})
      .out();
}

TF_Output tr_flatten(Builder& b, const tptk::Node& n,
                     std::span<const TF_Output> in) {
  if (tptk::is_fully_known(n.shape)) {
    return reshape(b, in[0], b.shape_tensor(n.shape, in[0]));
  }
  return reshape(b, in[0], b.int32s({-1}));
}

// batch_flatten: (d0, prod(d1...)); at run time [Shape(x)[0], Prod(rest)],
// which also holds for empty operands.
TF_Output tr_batch_flatten(Builder& b, const tptk::Node& n,
                           std::span<const TF_Output> in) {
  if (tptk::is_fully_known(n.shape)) {
    return reshape(b, in[0], b.shape_tensor(n.shape, in[0]));
  }
  const auto rank = static_cast<std::int64_t>(n.inputs[0]->shape.size());
  if (rank == 0) {
    tptk::fail(TP_ERROR_SHAPE, n.op->name,
               ": operand must have rank >= 1, got ()");
  }
  // Only the batch unknown (the usual case) and a non-empty row: Reshape
  // infers the batch from [-1, row] (an empty operand gives (0, row)).
  if (n.shape.size() == 2 && n.shape[1] != kUnknownDim && n.shape[1] > 0) {
    return reshape(b, in[0], b.int32s({-1, n.shape[1]}));
  }
  const TF_Output first = shape_slice(b, in[0], 0, 1);
  const TF_Output rest = b.op("Prod")
                             .in(shape_slice(b, in[0], 1, rank - 1))
                             .in(b.int32s({0}))
                             .attr("keep_dims", true)
                             .out();
  const TF_Output parts[] = {first, rest};
  const TF_Output shape =
      b.op("ConcatV2").in_list(parts).in(b.int32_scalar(0)).out();
  return reshape(b, in[0], shape);
}

/** Keras: a negative axis counts from the end of the first operand. */
std::size_t concat_axis(const tptk::Node& n) {
  const tptk::Shape& first = n.inputs[0]->shape;
  if (first.empty()) {
    tptk::fail(TP_ERROR_SHAPE, n.op->name,
               ": cannot concatenate rank-0 operands");
  }
  return tptk::normalize_axis(n.op->name, n.attrs.get_int("axis", -1),
                              static_cast<std::int64_t>(first.size()), first);
}

// concatenate: ConcatV2 (which takes two operands at least; one is itself).
TF_Output tr_concatenate(Builder& b, const tptk::Node& n,
                         std::span<const TF_Output> in) {
  const std::size_t axis = concat_axis(n);
  if (in.size() == 1) return b.op("Identity").in(in[0]).out();
  return b.op("ConcatV2")
      .in_list(in)
      .in(b.int32_scalar(static_cast<std::int64_t>(axis)))
      .out();
}

// concat_slice(g, x_0, ..., x_i): attr axis (normalised). The part of g at
// offset sum(x_j.shape[axis], j < i) along axis, of x_i's shape.
TF_Output tr_concat_slice(Builder& b, const tptk::Node& n,
                          std::span<const TF_Output> in) {
  const auto axis = static_cast<std::size_t>(n.attrs.get_int("axis", 0));
  const tptk::Node& x = *n.inputs.back();
  const std::size_t rank = x.shape.size();
  std::int64_t offset = 0;
  bool known = true;
  for (std::size_t i = 1; i + 1 < n.inputs.size(); ++i) {
    const std::int64_t d = n.inputs[i]->shape[axis];
    if (d == kUnknownDim) {
      known = false;
    } else {
      offset += d;
    }
  }
  std::vector<std::int64_t> begin(rank, 0);
  TF_Output begin_t;
  if (known) {
    begin[axis] = offset;
    begin_t = b.int32s(begin);
  } else {
    // begin = e_axis * sum of the run-time sizes along axis.
    std::vector<TF_Output> sizes;
    for (std::size_t i = 1; i + 1 < in.size(); ++i) {
      sizes.push_back(
          shape_slice(b, in[i], static_cast<std::int64_t>(axis), 1));
    }
    const TF_Output total =
        sizes.size() == 1 ? sizes[0] : b.op("AddN").in_list(sizes).out();
    begin[axis] = 1;
    begin_t = b.op("Mul").in(b.int32s(begin)).in(total).out();
  }
  return b.op("Slice")
      .in(in[0])
      .in(begin_t)
      .in(b.shape_tensor(x.shape, in.back()))
      .out();
}

}  // namespace

TFTF_TRANSLATE(reshape, tr_reshape)
TFTF_TRANSLATE(reshape_like, tr_reshape_like)
TFTF_TRANSLATE(expand_dims, tr_expand_dims)
TFTF_TRANSLATE(squeeze, tr_squeeze)
TFTF_TRANSLATE(flatten, tr_flatten)
TFTF_TRANSLATE(batch_flatten, tr_batch_flatten)
TFTF_TRANSLATE(concatenate, tr_concatenate)
TFTF_TRANSLATE(concat_slice, tr_concat_slice)

}  // namespace tftf
