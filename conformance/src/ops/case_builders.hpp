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

/// `spec` fed with its shape, then transposed inside the graph (reversed
/// axes), so the op sees a computed, possibly non-contiguous tensor.
inline InputSpec transposed(InputSpec spec) {
  spec.prep.push_back({"transpose", {}});
  return spec;
}
/// `spec` fed with its shape, then permute_dimensions(pattern) in the graph.
inline InputSpec permuted(InputSpec spec, Ints pattern) {
  spec.prep.push_back(
      {"permute_dimensions", {{"pattern", std::move(pattern)}}});
  return spec;
}

// The sizes threshold cases are built from: odd and prime sizes around the
// powers of two where blocked, vectorised and threaded kernels change path
// (1, 7, 63, 64, 65, 127, 257, 1000), and element counts >= 64K (65536) so
// that a threaded elementwise kernel splits its work.

// One function per op family, each appending its ops' cases.
void add_value_cases(std::vector<OpCase>& out);
void add_elementwise_cases(std::vector<OpCase>& out);
void add_activation_cases(std::vector<OpCase>& out);
void add_linalg_cases(std::vector<OpCase>& out);
void add_reduction_cases(std::vector<OpCase>& out);
void add_shape_cases(std::vector<OpCase>& out);
void add_nn_cases(std::vector<OpCase>& out);

}  // namespace tensorplug::conformance::cases
