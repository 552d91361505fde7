// Elementwise comparisons with NumPy broadcasting: equal, greater, less.
// Operands of the same dtype (any, bool included for equal; numeric for the
// orderings); the result is bool. Not differentiable.
#include "ops/binary.hpp"

namespace tptk {

namespace {

struct EqualK {
  template <class T>
  bool operator()(T a, T b) const {
    return a == b;
  }
};

struct GreaterK {
  template <class T>
  bool operator()(T a, T b) const {
    return a > b;
  }
};

struct LessK {
  template <class T>
  bool operator()(T a, T b) const {
    return a < b;
  }
};

constexpr auto kAny = DtypeClass::any;
constexpr auto kNum = DtypeClass::numeric;

}  // namespace

const OpDef kEqual{"equal",
                   2,
                   2,
                   {},
                   &infer_binary<kAny, true>,
                   &eval_binary<EqualK, kAny, true>,
                   nullptr};
const OpDef kGreater{"greater",
                     2,
                     2,
                     {},
                     &infer_binary<kNum, true>,
                     &eval_binary<GreaterK, kNum, true>,
                     nullptr};
const OpDef kLess{"less",
                  2,
                  2,
                  {},
                  &infer_binary<kNum, true>,
                  &eval_binary<LessK, kNum, true>,
                  nullptr};

}  // namespace tptk

TPTK_EXPORT_OP(equal, tptk::kEqual)
TPTK_EXPORT_OP(greater, tptk::kGreater)
TPTK_EXPORT_OP(less, tptk::kLess)
