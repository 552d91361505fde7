// The contraction kernel shared by dot and batch_dot, and its two
// vector-Jacobian kernels. Both ops are viewed as
//   out[b, p, q, r, s] = sum_k x[b, p, k, q] * y[b, r, k, s]
// where b is the batch (1 for dot), k the contracted axis, (p, q) the sizes
// of x before/after it and (r, s) those of y. The innermost loops run over
// contiguous rows of y / out (the i-k-j order of a matmul).
#pragma once

#include <cstdint>
#include <string_view>

#include "array.hpp"
#include "shape.hpp"

namespace tptk {

struct ContractDims {
  int64_t b = 1, p = 1, k = 1, q = 1, r = 1, s = 1;
};

/**
 * How x and y contract: `batch` (batch_dot: axis 0 of both is the batch),
 * the contracted axes x_axis and y_axis (already normalised).
 */
struct ContractSpec {
  bool batch = false;
  std::size_t x_axis = 0;
  std::size_t y_axis = 0;
};

struct Node;

/**
 * The contraction a node computes: a dot or batch_dot node (from its
 * operands' static shapes and attributes), or a contract_grad node (its
 * gradient of one). For backends overriding these kernels.
 */
ContractSpec contract_spec(const Node& node);

/** The sizes of a contraction of concrete shapes x and y. */
ContractDims contract_dims(const ContractSpec& spec, const Shape& x,
                           const Shape& y);

/** The static or concrete result shape (unknown dims propagate). */
Shape contract_shape(const ContractSpec& spec, const Shape& x, const Shape& y);

/**
 * Checks static (or concrete, `concrete`) shapes: batch sizes and contracted
 * sizes equal where known. Throws TP_ERROR_SHAPE naming `op` and both shapes.
 */
void check_contract(std::string_view op, const ContractSpec& spec,
                    const Shape& x, const Shape& y);

/** out = contract(x, y): float16 is computed in float32. */
Array contract(std::string_view op, const ContractSpec& spec, const Array& x,
               const Array& y);

/** d loss / d x (wrt == 0) or d loss / d y (wrt == 1) given g = d loss / d
 * out. */
Array contract_grad(std::string_view op, const ContractSpec& spec,
                    const Array& g, const Array& x, const Array& y, int wrt);

}  // namespace tptk
