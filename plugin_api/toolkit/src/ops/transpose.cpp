// transpose (reverse the axes) and permute_dimensions (any axis order):
// one strided copy kernel. The VJP applies the inverse permutation.
#include "dtype.hpp"
#include "ops/indexing.hpp"
#include "ops/op.hpp"
#include "text.hpp"

namespace tptk {

namespace {

std::string format_ints(const Shape& v) {
  std::string s = "(";
  for (std::size_t i = 0; i < v.size(); ++i) {
    s += cat(i ? ", " : "", v[i]);
  }
  return s + (v.size() == 1 ? ",)" : ")");
}

/** The permutation of `node`'s op for an operand of rank `rank`. */
std::vector<std::size_t> permutation(const OpDef& op, const Attrs& attrs,
                                     const Shape& shape) {
  const std::size_t rank = shape.size();
  std::vector<std::size_t> perm(rank);
  if (std::string_view(op.name) == "transpose") {
    for (std::size_t i = 0; i < rank; ++i) perm[i] = rank - 1 - i;
    return perm;
  }
  const auto pattern = attrs.get_ints("pattern");
  if (!pattern) {
    fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": pattern is required");
  }
  if (pattern->size() != rank) {
    fail(TP_ERROR_SHAPE, op.name, ": pattern ", format_ints(*pattern), " has ",
         pattern->size(), " axes but the operand has shape ",
         format_shape(shape));
  }
  std::vector<bool> seen(rank, false);
  for (std::size_t i = 0; i < rank; ++i) {
    perm[i] = normalize_axis(op.name, (*pattern)[i], static_cast<int64_t>(rank),
                             shape);
    if (seen[perm[i]]) {
      fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": pattern ",
           format_ints(*pattern), " is not a permutation (axis ", perm[i],
           " repeats)");
    }
    seen[perm[i]] = true;
  }
  return perm;
}

Shape permuted(const Shape& shape, const std::vector<std::size_t>& perm) {
  Shape out(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i) out[i] = shape[perm[i]];
  return out;
}

template <class T>
void permute_kernel(const Array& in, const std::vector<std::size_t>& perm,
                    Array& out) {
  const std::size_t rank = perm.size();
  const T* src = in.data<T>();
  T* dst = out.data<T>();
  if (out.size() == 0) return;
  if (rank == 0) {
    dst[0] = src[0];
    return;
  }
  const Shape in_strides = row_major_strides(in.shape());
  Shape strides(rank);  // input stride per output axis
  for (std::size_t i = 0; i < rank; ++i) strides[i] = in_strides[perm[i]];
  const Shape& shape = out.shape();
  const int64_t inner = shape[rank - 1];
  const int64_t step = strides[rank - 1];
  Shape index(rank, 0);
  for (std::size_t done = 0; done < out.size();
       done += static_cast<std::size_t>(inner)) {
    int64_t offset = 0;
    for (std::size_t d = 0; d + 1 < rank; ++d) offset += index[d] * strides[d];
    for (int64_t i = 0; i < inner; ++i) *dst++ = src[offset + i * step];
    for (std::size_t d = rank - 1; d-- > 0;) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
}

Signature infer_permute(const OpDef& op, std::span<const NodePtr> inputs,
                        const Attrs& attrs) {
  const Node& x = *inputs[0];
  return {x.dtype, permuted(x.shape, permutation(op, attrs, x.shape))};
}

Array eval_permute(const Node& node, std::span<const Array* const> inputs) {
  const Array& x = *inputs[0];
  const auto perm = permutation(*node.op, node.attrs, x.shape());
  Array out(permuted(x.shape(), perm), x.dtype());
  dispatch(x.dtype(), node.op->name,
           [&]<class T>() { permute_kernel<T>(x, perm, out); });
  return out;
}

std::vector<NodePtr> vjp_transpose(const Node& node, const NodePtr& grad) {
  return {apply_op(*node.op, {grad})};
}

std::vector<NodePtr> vjp_permute(const Node& node, const NodePtr& grad) {
  const auto perm = permutation(*node.op, node.attrs, node.inputs[0]->shape);
  std::vector<int64_t> inverse(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i) {
    inverse[perm[i]] = static_cast<int64_t>(i);
  }
  Attrs attrs;
  attrs.set("pattern", std::move(inverse));
  return {apply_op(*node.op, {grad}, std::move(attrs))};
}

constexpr AttrSpec kPermuteAttrs[] = {{"pattern", kAttrInts}};

}  // namespace

const OpDef kTranspose{"transpose",   1, 1, {}, &infer_permute, &eval_permute,
                       &vjp_transpose};
const OpDef kPermuteDimensions{
    "permute_dimensions", 1,           1, kPermuteAttrs, &infer_permute,
    &eval_permute,        &vjp_permute};

}  // namespace tptk

TPTK_EXPORT_OP(transpose, tptk::kTranspose)
TPTK_EXPORT_OP(permute_dimensions, tptk::kPermuteDimensions)
