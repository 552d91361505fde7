// Translations of the contractions and axis permutations: dot, batch_dot and
// their fused backward op contract_grad (one Einsum each), transpose and
// permute_dimensions (Transpose).
//
// The toolkit views a contraction as out[b, p, q, r, s] =
// sum_k x[b, p, k, q] * y[b, r, k, s] (ops/contract.hpp): an Einsum whose
// equation labels every axis of x and y, the contracted pair and the batch
// pair sharing a label. Einsum takes the sizes at run time, so unknown dims
// need nothing more. float16 is computed in float32 and rounded once, as the
// reference kernel does; the ops are float-only (their infer rejects ints).
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/ops/contract.hpp>
#include <tensorplug/toolkit/ops/indexing.hpp>
#include <tensorplug/toolkit/text.hpp>

#include <string>
#include <vector>

#include "translate.hpp"

namespace tftf {
namespace {

/** The Einsum labels of x, y and the (uncollapsed) result of a contraction. */
struct Labels {
  std::string x, y, out;
  /** batch_dot of two rank-2 operands: the result (b,) gets an axis of 1. */
  bool unit_axis = false;
};

Labels contract_labels(const tptk::ContractSpec& spec, std::size_t x_rank,
                       std::size_t y_rank) {
  static constexpr char kLetters[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  if (x_rank + y_rank > sizeof(kLetters) - 1) {
    tptk::fail(TP_ERROR_NOT_IMPLEMENTED, "tensorflow: a contraction of ranks ",
               x_rank, " and ", y_rank, " has more axes than Einsum labels");
  }
  std::size_t next = 0;
  const char batch = spec.batch ? kLetters[next++] : '?';
  const char k = kLetters[next++];
  Labels l;
  if (spec.batch) l.out.push_back(batch);
  for (std::size_t i = 0; i < x_rank; ++i) {
    if (spec.batch && i == 0) {
      l.x.push_back(batch);
    } else if (i == spec.x_axis) {
      l.x.push_back(k);
    } else {
      l.x.push_back(kLetters[next]);
      l.out.push_back(kLetters[next++]);
    }
  }
  for (std::size_t i = 0; i < y_rank; ++i) {
    if (spec.batch && i == 0) {
      l.y.push_back(batch);
    } else if (i == spec.y_axis) {
      l.y.push_back(k);
    } else {
      l.y.push_back(kLetters[next]);
      l.out.push_back(kLetters[next++]);
    }
  }
  l.unit_axis = spec.batch && l.out.size() == 1;
  return l;
}

/** Einsum(a, b) in float32 for float16 operands (rounded back once). */
TF_Output einsum(Builder& b, const std::string& equation, TF_Output a,
                 TF_Output c, DLDataType dtype) {
  const bool half = tp::dtype_equal(dtype, tptk::kFloat16);
  const DLDataType work = half ? tptk::kFloat32 : dtype;
  const TF_Output ins[] = {b.cast(a, dtype, work), b.cast(c, dtype, work)};
  const TF_Output r =
      b.op("Einsum").in_list(ins).attr("equation", equation).out();
  return b.cast(r, work, dtype);
}

/** True for a matrix product of two rank-2 operands (no batch axis). */
bool is_matmul(const tptk::ContractSpec& spec, const tptk::Node& x,
               const tptk::Node& y) {
  return !spec.batch && x.shape.size() == 2 && y.shape.size() == 2;
}

/** MatMul(a, b) (transposed as asked), in float32 for float16. */
TF_Output matmul(Builder& b, TF_Output a, TF_Output c, bool transpose_a,
                 bool transpose_b, DLDataType dtype) {
  const bool half = tp::dtype_equal(dtype, tptk::kFloat16);
  const DLDataType work = half ? tptk::kFloat32 : dtype;
  const TF_Output r = b.op("MatMul")
                          .in(b.cast(a, dtype, work))
                          .in(b.cast(c, dtype, work))
                          .attr("transpose_a", transpose_a)
                          .attr("transpose_b", transpose_b)
                          .out();
  return b.cast(r, work, dtype);
}

// dot / batch_dot: one Einsum; batch_dot of two rank-2 operands gives (b, 1).
// A product of two matrices is a MatMul (the same kernel Einsum ends in,
// without its equation handling and reshapes: measured ~10% of a small MLP
// step's graph overhead).
TF_Output tr_contract(Builder& b, const tptk::Node& n,
                      std::span<const TF_Output> in) {
  const tptk::ContractSpec spec = tptk::contract_spec(n);
  if (is_matmul(spec, *n.inputs[0], *n.inputs[1])) {
    // x contracted on axis 0 is x^T; y contracted on axis 1 is y^T.
    return matmul(b, in[0], in[1], spec.x_axis == 0, spec.y_axis == 1, n.dtype);
  }
  const Labels l = contract_labels(spec, n.inputs[0]->shape.size(),
                                   n.inputs[1]->shape.size());
  TF_Output r =
      einsum(b, tptk::cat(l.x, ",", l.y, "->", l.out), in[0], in[1], n.dtype);
  if (l.unit_axis) {
    r = b.op("ExpandDims").in(r).in(b.int32_scalar(-1)).out();
  }
  return r;
}

// contract_grad(g, x, y), wrt 0: dx = einsum(g, y -> x);
// wrt 1: dy = einsum(x, g -> y). The sums run over the labels the result
// lacks (r, s for dx; p, q for dy), which is the reference's backward loop.
TF_Output tr_contract_grad(Builder& b, const tptk::Node& n,
                           std::span<const TF_Output> in) {
  const tptk::ContractSpec spec = tptk::contract_spec(n);
  const Labels l = contract_labels(spec, n.inputs[1]->shape.size(),
                                   n.inputs[2]->shape.size());
  TF_Output g = in[0];
  if (l.unit_axis) {
    // The gradient of the (b, 1) result: back to (b,).
    g = b.op("Squeeze").in(g).attr_ints("squeeze_dims", {-1}).out();
  }
  const std::int64_t wrt = n.attrs.get_int("wrt", 0);
  if (is_matmul(spec, *n.inputs[1], *n.inputs[2]) && spec.x_axis == 1 &&
      spec.y_axis == 0) {
    // out = x y: dx = g y^T, dy = x^T g.
    return wrt == 0 ? matmul(b, g, in[2], false, true, n.dtype)
                    : matmul(b, in[1], g, true, false, n.dtype);
  }
  if (wrt == 0) {
    return einsum(b, tptk::cat(l.out, ",", l.y, "->", l.x), g, in[2], n.dtype);
  }
  return einsum(b, tptk::cat(l.x, ",", l.out, "->", l.y), in[1], g, n.dtype);
}

// transpose reverses the axes; permute_dimensions takes `pattern` (negative
// axes normalised, checked a permutation as the reference does).
TF_Output tr_permute(Builder& b, const tptk::Node& n,
                     std::span<const TF_Output> in) {
  const tptk::Shape& shape = n.inputs[0]->shape;
  const auto rank = static_cast<std::int64_t>(shape.size());
  std::vector<std::int64_t> perm(shape.size());
  if (std::string_view(n.op->name) == "transpose") {
    for (std::int64_t i = 0; i < rank; ++i) perm[i] = rank - 1 - i;
  } else {
    const auto pattern = n.attrs.get_ints("pattern");
    if (!pattern || pattern->size() != shape.size()) {
      tptk::fail(TP_ERROR_INVALID_ARGUMENT, n.op->name,
                 ": pattern does not match the operand's rank ", rank);
    }
    std::vector<bool> seen(shape.size(), false);
    for (std::size_t i = 0; i < shape.size(); ++i) {
      const std::size_t a =
          tptk::normalize_axis(n.op->name, (*pattern)[i], rank, shape);
      if (seen[a]) {
        tptk::fail(TP_ERROR_INVALID_ARGUMENT, n.op->name,
                   ": pattern is not a permutation (axis ", a, " repeats)");
      }
      seen[a] = true;
      perm[i] = static_cast<std::int64_t>(a);
    }
  }
  return b.op("Transpose").in(in[0]).in(b.int32s(perm)).out();
}

}  // namespace

TFTF_TRANSLATE(dot, tr_contract)
TFTF_TRANSLATE(batch_dot, tr_contract)
TFTF_TRANSLATE(contract_grad, tr_contract_grad)
TFTF_TRANSLATE(transpose, tr_permute)
TFTF_TRANSLATE(permute_dimensions, tr_permute)

}  // namespace tftf
