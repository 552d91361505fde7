// The "errors" group of the conformance kit (docs/conformance.md): the
// error contract. Wrong shapes, wrong dtypes, null handles, a function fed
// the wrong inputs: each must return an error status with a message, never
// crash or abort (docs/plugin-abi.md TP_ABI_6, 7, 9, 11, 15); then the
// edges of the contract the docs decide (TP_ABI_16 to 21, TP_OPS_1 and 2).
#include <catch2/catch.hpp>

#include "errors/errors_group.hpp"
#include "kit.hpp"
#include "values.hpp"

TEST_CASE("Bad arguments give an error status with a message, never a crash",
          "[errors]") {
  using namespace tensorplug::conformance;
  auto& kit = Kit::instance();
  const tensorplug::Backend& b = kit.backend();
  // Operands are float32 (Keras's floatx) when under test, else float64.
  std::optional<DLDataType> dt;
  for (DLDataType d :
       {tensorplug::dtype::float32, tensorplug::dtype::float64}) {
    if (!dt && kit.supports(d)) dt = d;
  }
  if (!dt) {
    kit.skip_case("placeholder", "error contract",
                  "neither float32 nor float64 is among the dtypes under test");
    return;
  }
  run_app_error_cases(b, *dt);
  run_raw_error_cases(b, *dt);
  run_raw_edge_cases(b, *dt);
  run_op_edge_cases(b, *dt);
}
