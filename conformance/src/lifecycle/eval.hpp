// Small helpers shared by the loading, required and lifecycle groups: run
// one op on concrete arrays through a function, and pick the dtype a check
// that needs "some float" runs in.
#pragma once

#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

#include "kit.hpp"
#include "tensorplug/ops.hpp"

namespace tensorplug::conformance {

/// Builds `op(placeholders..., attrs)` on `backend`, one placeholder per
/// array of its shape and dtype, compiles it and feeds `inputs` once.
/// Returns the op's single result.
Array run_op(const Backend& backend, std::string_view op,
             const std::vector<Array>& inputs, const Attrs& attrs = {});

/// The first of `preferred` among the dtypes under test, or nullopt.
std::optional<DLDataType> first_supported(
    Kit& kit, std::initializer_list<DLDataType> preferred);

/// float32, else float64, else float16: the dtype of checks that need one
/// float dtype and are not about dtypes.
std::optional<DLDataType> primary_float(Kit& kit);

}  // namespace tensorplug::conformance
