// concatenate(tensors..., axis=-1): joins operands of one dtype whose shapes
// agree except along `axis`. The VJP slices the gradient back with the
// internal op `concat_slice(grad, x_0, ..., x_i)`, which takes the part of
// grad that came from x_i (offsets from the runtime sizes of x_0..x_{i-1}).
#include <cstring>

#include "dtype.hpp"
#include "ops/indexing.hpp"
#include "ops/op.hpp"
#include "text.hpp"

namespace tptk {

namespace {

/** Keras: a negative axis counts from the end of the first operand. */
std::size_t concat_axis(const OpDef& op, const Attrs& attrs,
                        const Shape& first) {
  if (first.empty()) {
    fail(TP_ERROR_SHAPE, op.name, ": cannot concatenate rank-0 operands");
  }
  return normalize_axis(op.name, attrs.get_int("axis", -1),
                        static_cast<int64_t>(first.size()), first);
}

/** The result shape of joining `shapes` along `axis` (static or concrete). */
Shape joined_shape(const OpDef& op, const std::vector<Shape>& shapes,
                   std::size_t axis) {
  Shape out = shapes[0];
  for (std::size_t i = 1; i < shapes.size(); ++i) {
    const Shape& s = shapes[i];
    bool ok = s.size() == out.size();
    for (std::size_t d = 0; ok && d < s.size(); ++d) {
      if (d == axis) {
        out[d] = out[d] == kUnknownDim || s[d] == kUnknownDim ? kUnknownDim
                                                              : out[d] + s[d];
      } else if (out[d] != kUnknownDim && s[d] != kUnknownDim &&
                 out[d] != s[d]) {
        ok = false;
      } else {
        out[d] = merge_dim(out[d], s[d]);
      }
    }
    if (!ok) {
      fail(TP_ERROR_SHAPE, op.name, ": cannot concatenate ",
           format_shape(shapes[0]), " and ", format_shape(s), " (operand ", i,
           ") along axis ", axis, ": the other dimensions differ");
    }
  }
  return out;
}

Signature infer_concat(const OpDef& op, std::span<const NodePtr> inputs,
                       const Attrs& attrs) {
  std::vector<Shape> shapes;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!tp::dtype_equal(inputs[i]->dtype, inputs[0]->dtype)) {
      fail(TP_ERROR_DTYPE, op.name,
           ": operand dtypes differ: ", dtype_label(inputs[0]->dtype),
           " (operand 0) and ", dtype_label(inputs[i]->dtype), " (operand ", i,
           ")");
    }
    shapes.push_back(inputs[i]->shape);
  }
  const std::size_t axis = concat_axis(op, attrs, shapes[0]);
  return {inputs[0]->dtype, joined_shape(op, shapes, axis)};
}

Array eval_concat(const Node& node, std::span<const Array* const> inputs) {
  const OpDef& op = *node.op;
  std::vector<Shape> shapes;
  for (const Array* a : inputs) shapes.push_back(a->shape());
  const std::size_t axis = concat_axis(op, node.attrs, shapes[0]);
  Array out(joined_shape(op, shapes, axis), inputs[0]->dtype());
  const int64_t outer = dim_product(shapes[0], 0, axis);
  std::byte* dst = out.bytes();
  for (int64_t o = 0; o < outer; ++o) {
    for (const Array* a : inputs) {
      const std::size_t chunk =
          a->nbytes() / static_cast<std::size_t>(outer > 0 ? outer : 1);
      if (chunk == 0) continue;
      std::memcpy(dst, a->bytes() + static_cast<std::size_t>(o) * chunk, chunk);
      dst += chunk;
    }
  }
  return out;
}

// concat_slice(grad, x_0, ..., x_i): attr axis (normalised).
Signature infer_concat_slice(const OpDef&, std::span<const NodePtr> inputs,
                             const Attrs&) {
  return {inputs[0]->dtype, inputs.back()->shape};
}

Array eval_concat_slice(const Node& node,
                        std::span<const Array* const> inputs) {
  const Array& g = *inputs[0];
  const auto axis = static_cast<std::size_t>(node.attrs.get_int("axis", 0));
  const Array& x = *inputs.back();
  int64_t offset = 0;
  for (std::size_t i = 1; i + 1 < inputs.size(); ++i) {
    offset += inputs[i]->shape()[axis];
  }
  const Shape& gs = g.shape();
  if (gs.size() != x.shape().size() || offset + x.shape()[axis] > gs[axis]) {
    fail(TP_ERROR_SHAPE, node.op->name, ": gradient shape ", format_shape(gs),
         " does not fit operand shape ", format_shape(x.shape()), " at offset ",
         offset);
  }
  Array out(x.shape(), g.dtype());
  const std::size_t elem = g.dtype().bits / 8;
  const auto inner =
      static_cast<std::size_t>(dim_product(gs, axis + 1, gs.size())) * elem;
  const int64_t outer = dim_product(gs, 0, axis);
  const std::size_t chunk = static_cast<std::size_t>(x.shape()[axis]) * inner;
  const std::size_t row = static_cast<std::size_t>(gs[axis]) * inner;
  for (int64_t o = 0; o < outer && chunk > 0; ++o) {
    std::memcpy(out.bytes() + static_cast<std::size_t>(o) * chunk,
                g.bytes() + static_cast<std::size_t>(o) * row +
                    static_cast<std::size_t>(offset) * inner,
                chunk);
  }
  return out;
}

const OpDef kConcatSlice{
    "concat_slice",     2,      -1, {}, &infer_concat_slice,
    &eval_concat_slice, nullptr};

std::vector<NodePtr> vjp_concat(const Node& node, const NodePtr& grad) {
  const std::size_t axis =
      concat_axis(*node.op, node.attrs, node.inputs[0]->shape);
  std::vector<NodePtr> out;
  for (std::size_t i = 0; i < node.inputs.size(); ++i) {
    std::vector<NodePtr> args{grad};
    args.insert(args.end(), node.inputs.begin(),
                node.inputs.begin() + static_cast<std::ptrdiff_t>(i + 1));
    Attrs attrs;
    attrs.set("axis", static_cast<int64_t>(axis));
    out.push_back(apply_op(kConcatSlice, std::move(args), std::move(attrs)));
  }
  return out;
}

constexpr AttrSpec kConcatAttrs[] = {{"axis", kAttrInt}};

}  // namespace

const OpDef kConcatenate{
    "concatenate", 1,          -1, kConcatAttrs, &infer_concat,
    &eval_concat,  &vjp_concat};

}  // namespace tptk

TPTK_INTERNAL_OP(concat_slice, tptk::kConcatSlice)
TPTK_EXPORT_OP(concatenate, tptk::kConcatenate)
