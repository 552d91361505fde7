// Translations of the comparisons equal, greater, less (bool results, NumPy
// broadcasting; NaN compares false, -0 == +0, as in TF's Equal/Greater/Less)
// and of the internal op minmax_mask (maximum/minimum's gradient masks).
#include <tensorplug/toolkit/dtype.hpp>

#include <string>

#include "translate.hpp"

namespace tftf {
namespace {

TF_Output tr_equal(Builder& b, const tptk::Node&,
                   std::span<const TF_Output> in) {
  return b.op("Equal").in(in[0]).in(in[1]).out();
}

TF_Output tr_greater(Builder& b, const tptk::Node&,
                     std::span<const TF_Output> in) {
  return b.op("Greater").in(in[0]).in(in[1]).out();
}

TF_Output tr_less(Builder& b, const tptk::Node&,
                  std::span<const TF_Output> in) {
  return b.op("Less").in(in[0]).in(in[1]).out();
}

// minmax_mask(x, y; op, operand): 1 where that operand wins, else 0, in the
// operands' float dtype, at the broadcast shape. x wins ties (x >= y for
// maximum, x <= y for minimum), so the masks of the two operands sum to 1;
// a NaN in either makes x lose, so it then goes to y.
TF_Output tr_minmax_mask(Builder& b, const tptk::Node& n,
                         std::span<const TF_Output> in) {
  const bool maximum = n.attrs.get_string("op", "maximum") == "maximum";
  const bool first = n.attrs.get_int("operand", 0) == 0;
  TF_Output x_wins =
      b.op(maximum ? "GreaterEqual" : "LessEqual").in(in[0]).in(in[1]).out();
  TF_Output mask = first ? x_wins : b.op("LogicalNot").in(x_wins).out();
  return b.cast(mask, tptk::kBool, n.dtype);
}

}  // namespace

TFTF_TRANSLATE(equal, tr_equal)
TFTF_TRANSLATE(greater, tr_greater)
TFTF_TRANSLATE(less, tr_less)
TFTF_TRANSLATE(minmax_mask, tr_minmax_mask)

}  // namespace tftf
