// gather(reference, indices): Keras gather = tf.gather on axis 0, result
// indices.shape + reference.shape[1:]. An index outside [0, n) is an error
// at call time. The VJP w.r.t. reference is the internal op
// `scatter_add(grad, indices, reference)`; indices get no gradient.
#include <cstring>

#include "dtype.hpp"
#include "ops/indexing.hpp"
#include "ops/op.hpp"
#include "text.hpp"

namespace tptk {

namespace {

void check_indices_dtype(const OpDef& op, const Node& indices) {
  if (!tp::dtype_equal(indices.dtype, kInt32) &&
      !tp::dtype_equal(indices.dtype, kInt64)) {
    fail(TP_ERROR_DTYPE, op.name, ": indices must be int32 or int64, got ",
         dtype_label(indices.dtype), " ", format_shape(indices.shape));
  }
}

/** indices as int64, each checked against [0, rows). */
std::vector<int64_t> checked_indices(const OpDef& op, const Array& indices,
                                     const Shape& reference) {
  std::vector<int64_t> out(indices.size());
  if (tp::dtype_equal(indices.dtype(), kInt32)) {
    const auto* v = indices.data<int32_t>();
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = v[i];
  } else {
    const auto* v = indices.data<int64_t>();
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = v[i];
  }
  for (int64_t i : out) {
    if (i < 0 || i >= reference[0]) {
      fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": index ", i,
           " is out of range for reference shape ", format_shape(reference));
    }
  }
  return out;
}

Signature infer_gather(const OpDef& op, std::span<const NodePtr> inputs,
                       const Attrs&) {
  const Node& ref = *inputs[0];
  const Node& indices = *inputs[1];
  check_indices_dtype(op, indices);
  if (ref.shape.empty()) {
    fail(TP_ERROR_SHAPE, op.name, ": reference must have rank >= 1, got ",
         format_shape(ref.shape));
  }
  Shape out = indices.shape;
  out.insert(out.end(), ref.shape.begin() + 1, ref.shape.end());
  return {ref.dtype, out};
}

Array eval_gather(const Node& node, std::span<const Array* const> inputs) {
  const Array& ref = *inputs[0];
  const Array& idx = *inputs[1];
  const auto indices = checked_indices(*node.op, idx, ref.shape());
  Shape shape = idx.shape();
  shape.insert(shape.end(), ref.shape().begin() + 1, ref.shape().end());
  Array out(std::move(shape), ref.dtype());
  const std::size_t row =
      ref.shape()[0] > 0
          ? ref.nbytes() / static_cast<std::size_t>(ref.shape()[0])
          : 0;
  for (std::size_t i = 0; i < indices.size() && row > 0; ++i) {
    std::memcpy(out.bytes() + i * row,
                ref.bytes() + static_cast<std::size_t>(indices[i]) * row, row);
  }
  return out;
}

// scatter_add(grad, indices, reference): zeros shaped like reference, with
// each gradient row added at its index (repeated indices accumulate).
Signature infer_scatter_add(const OpDef&, std::span<const NodePtr> inputs,
                            const Attrs&) {
  return {inputs[0]->dtype, inputs[2]->shape};
}

Array eval_scatter_add(const Node& node, std::span<const Array* const> inputs) {
  const Array& g = *inputs[0];
  const Array& ref = *inputs[2];
  const auto indices = checked_indices(*node.op, *inputs[1], ref.shape());
  Array out(ref.shape(), g.dtype());
  const int64_t row = dim_product(ref.shape(), 1, ref.shape().size());
  if (static_cast<int64_t>(g.size()) !=
      static_cast<int64_t>(indices.size()) * row) {
    fail(TP_ERROR_SHAPE, node.op->name, ": gradient shape ",
         format_shape(g.shape()), " does not match ", indices.size(),
         " rows of ", format_shape(ref.shape()));
  }
  dispatch_float(g.dtype(), node.op->name, [&]<class T>() {
    const T* src = g.data<T>();
    T* dst = out.data<T>();
    for (std::size_t i = 0; i < indices.size(); ++i) {
      T* d = dst + indices[i] * row;
      const T* s = src + static_cast<int64_t>(i) * row;
      for (int64_t j = 0; j < row; ++j) d[j] += s[j];
    }
  });
  return out;
}

const OpDef kScatterAdd{"scatter_add",     3,      3, {}, &infer_scatter_add,
                        &eval_scatter_add, nullptr};

std::vector<NodePtr> vjp_gather(const Node& node, const NodePtr& grad) {
  return {apply_op(kScatterAdd, {grad, node.inputs[1], node.inputs[0]}),
          nullptr};
}

}  // namespace

const OpDef kGather{"gather",     2,          2, {}, &infer_gather,
                    &eval_gather, &vjp_gather};

}  // namespace tptk

TPTK_INTERNAL_OP(scatter_add, tptk::kScatterAdd)
TPTK_EXPORT_OP(gather, tptk::kGather)
