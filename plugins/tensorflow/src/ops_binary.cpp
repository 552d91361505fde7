// Translations of the elementwise binary ops: add, subtract, multiply,
// divide, pow, maximum, minimum (NumPy broadcasting, which TensorFlow's
// binary ops share; both operands have the node's dtype).
//
// TensorFlow's CPU kernels match the toolkit here: integer arithmetic wraps
// on overflow, float16 is computed in float and rounded to half.
#include <tensorplug/toolkit/dtype.hpp>

#include "translate.hpp"

namespace tftf {
namespace {

TF_Output tr_add(Builder& b, const tptk::Node&, std::span<const TF_Output> in) {
  return b.op("AddV2").in(in[0]).in(in[1]).out();
}

TF_Output tr_subtract(Builder& b, const tptk::Node&,
                      std::span<const TF_Output> in) {
  return b.op("Sub").in(in[0]).in(in[1]).out();
}

TF_Output tr_multiply(Builder& b, const tptk::Node&,
                      std::span<const TF_Output> in) {
  return b.op("Mul").in(in[0]).in(in[1]).out();
}

// Integers: floor division like Python's `//`, which is FloorDiv (its CPU
// kernel fails with InvalidArgument "Integer division by zero" at run time,
// as eval does, and gives MIN for MIN // -1, the wrapped result). Floats:
// IEEE division (x / 0 is +-inf or NaN).
TF_Output tr_divide(Builder& b, const tptk::Node& n,
                    std::span<const TF_Output> in) {
  const char* type = tptk::is_float(n.dtype) ? "RealDiv" : "FloorDiv";
  return b.op(type).in(in[0]).in(in[1]).out();
}

// Floats: std::pow semantics (negative base to a non-integer power is NaN,
// pow(x, 0) == 1, pow(1, NaN) == 1). Integers: Pow's kernel squares
// repeatedly with wrapping and fails with InvalidArgument on a negative
// exponent, as eval does.
TF_Output tr_pow(Builder& b, const tptk::Node&, std::span<const TF_Output> in) {
  return b.op("Pow").in(in[0]).in(in[1]).out();
}

// eval picks `(x OP y || isnan(x)) ? x : y`. TF's Maximum/Minimum propagate
// NaN too, but on a -0/+0 tie return the first operand for float16/float32
// and the second for float64 (x86 maxps), where eval returns y: floats are
// composed with the same select so every bit matches. Integers have no such
// ties (equal values are identical); bools are or/and.
TF_Output minmax(Builder& b, const tptk::Node& n, std::span<const TF_Output> in,
                 bool maximum) {
  if (tptk::is_bool(n.dtype)) {
    return b.op(maximum ? "LogicalOr" : "LogicalAnd").in(in[0]).in(in[1]).out();
  }
  if (!tptk::is_float(n.dtype)) {
    return b.op(maximum ? "Maximum" : "Minimum").in(in[0]).in(in[1]).out();
  }
  TF_Output wins = b.op(maximum ? "Greater" : "Less").in(in[0]).in(in[1]).out();
  TF_Output nan = b.op("IsNan").in(in[0]).out();
  TF_Output pick_x = b.op("LogicalOr").in(wins).in(nan).out();
  return b.op("SelectV2").in(pick_x).in(in[0]).in(in[1]).out();
}

TF_Output tr_maximum(Builder& b, const tptk::Node& n,
                     std::span<const TF_Output> in) {
  return minmax(b, n, in, true);
}

TF_Output tr_minimum(Builder& b, const tptk::Node& n,
                     std::span<const TF_Output> in) {
  return minmax(b, n, in, false);
}

}  // namespace

TFTF_TRANSLATE(add, tr_add)
TFTF_TRANSLATE(subtract, tr_subtract)
TFTF_TRANSLATE(multiply, tr_multiply)
TFTF_TRANSLATE(divide, tr_divide)
TFTF_TRANSLATE(pow, tr_pow)
TFTF_TRANSLATE(maximum, tr_maximum)
TFTF_TRANSLATE(minimum, tr_minimum)

}  // namespace tftf
