// Shorthands for writing the op case table (ops/cases_*.cpp) and the
// per-family functions op_cases() concatenates. Internal to the kit.
#pragma once

#include <cstdint>
#include <vector>

#include "ops/op_cases.hpp"

namespace tensorplug::conformance::cases {

/// docs/ops.md's dtype classes.
const std::vector<DLDataType>& float_dtypes();    // float16, float32, float64
const std::vector<DLDataType>& numeric_dtypes();  // float + int32, int64
const std::vector<DLDataType>& any_dtypes();      // numeric + bool
const std::vector<DLDataType>& index_dtypes();    // int32, int64

/// An input of the dtype under test.
inline InputSpec in(std::vector<std::int64_t> shape, double lo = -1.0,
                    double hi = 1.0, Fill fill = Fill::kUniform) {
  return InputSpec{std::move(shape), std::nullopt, fill, lo, hi, {}};
}
/// An input of a fixed dtype (indices).
inline InputSpec fixed(std::vector<std::int64_t> shape, DLDataType dtype,
                       double lo, double hi, Fill fill = Fill::kIntegers) {
  return InputSpec{std::move(shape), dtype, fill, lo, hi, {}};
}

// One function per op family, each appending its ops' cases.
void add_value_cases(std::vector<OpCase>& out);
void add_elementwise_cases(std::vector<OpCase>& out);
void add_activation_cases(std::vector<OpCase>& out);
void add_linalg_cases(std::vector<OpCase>& out);
void add_reduction_cases(std::vector<OpCase>& out);
void add_shape_cases(std::vector<OpCase>& out);
void add_nn_cases(std::vector<OpCase>& out);

}  // namespace tensorplug::conformance::cases
