// The "gradients" group of the conformance kit (docs/conformance.md): the
// gradient of every differentiable op the backend exports, against central
// finite differences computed with the backend's own forward pass.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <catch2/catch.hpp>

#include <set>

#include "gradients/grad_cases.hpp"
#include "gradients/gradcheck.hpp"
#include "gradients/gradients_entry.hpp"
#include "kit.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

/// "gradient w.r.t. x, kernel: x (1, 4, 4, 2), kernel (2, 2, 2, 3), valid,
/// float64" (operands that are only fed are listed too).
std::string case_name(const GradCase& c, DLDataType dtype) {
  std::vector<std::string> names, operands;
  for (const GradOperand& o : c.operands) {
    if (o.differentiate) names.push_back(o.name);
    operands.push_back(fmt::format(
        "{}{} {}", o.name, o.index ? " (indices)" : "", format_shape(o.shape)));
  }
  return fmt::format("gradient w.r.t. {}: {}{}, {}", fmt::join(names, ", "),
                     fmt::join(operands, ", "),
                     c.label.empty() ? "" : ", " + c.label, dtype_name(dtype));
}

void run_gradient_group() {
  auto& kit = Kit::instance();
  const Backend& b = kit.backend();
  const std::optional<DLDataType> dt = gradient_dtype();
  const bool has_gradients = b.provides("gradients");
  if (!has_gradients) kit.not_provided("gradients");
  // Names stay stable when the dtype is missing, so that skipped cases are
  // still listed under their op.
  const DLDataType shown = dt.value_or(dtype::float64);

  std::set<std::string> reported;
  for (const GradCase& c : gradient_cases()) {
    if (!b.provides(c.op)) {
      if (reported.insert(c.op).second) kit.not_provided(c.op);
      continue;
    }
    const std::string name = case_name(c, shown);
    std::string missing;
    for (const char* needed : {"sum", "multiply"}) {
      if (!b.provides(needed)) missing = needed;
    }
    bool needs_index = false;
    for (const GradOperand& o : c.operands) needs_index |= o.index;
    if (!has_gradients) {
      kit.skip_case(c.op, name,
                    "needs `gradients`, which the backend does not export");
    } else if (!missing.empty()) {
      kit.skip_case(c.op, name,
                    fmt::format("needs `{}` to reduce the result to a scalar "
                                "loss sum(op(x) * r); the backend does not "
                                "export it",
                                missing));
    } else if (!dt) {
      kit.skip_case(c.op, name,
                    "neither float64 nor float32 is among the dtypes under "
                    "test");
    } else if (needs_index && !index_dtype()) {
      kit.skip_case(c.op, name,
                    "needs int32 or int64 indices; neither is among the "
                    "dtypes under test");
    } else {
      kit.run_case(c.op, name, [&] {
        auto rng = kit.rng("gradients/" + c.op + "/" + name);
        check_op_gradient(b, c, *dt, rng);
      });
    }
  }
  if (has_gradients && dt) run_gradients_entry_cases(*dt);
}

}  // namespace
}  // namespace tensorplug::conformance

TEST_CASE("Every differentiable op's gradient matches finite differences",
          "[gradients]") {
  tensorplug::conformance::run_gradient_group();
}
