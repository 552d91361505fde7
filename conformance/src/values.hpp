// Values for the conformance kit: seeded random arrays of every dtype,
// per-dtype tolerances, and comparisons whose messages show the expected
// (reference) and actual (backend) values.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tensorplug/array.hpp"

namespace tensorplug::conformance {

/// The dtypes docs/ops.md knows, in report order, and bool as {6, 8, 1}.
inline constexpr DLDataType kBool{6, 8, 1};  // TP_DL_BOOL
const std::vector<DLDataType>& all_dtypes();
/// "float32", ..., "bool"; parse_dtype returns nullopt for an unknown name.
std::string dtype_name(DLDataType dtype);
std::optional<DLDataType> parse_dtype(std::string_view name);
bool is_float(DLDataType dtype);
bool same_dtype(DLDataType a, DLDataType b);

/// "(2, 3)", "()" for a scalar, "(None, 3)" for unknown dims.
std::string format_shape(const std::vector<std::int64_t>& shape);
/// "[1, 2]" for flat (row-major) index 5 of shape (2, 3); "[]" for a scalar.
std::string format_index(std::size_t flat,
                         const std::vector<std::int64_t>& shape);

/// Uniform values in [lo, hi) (integers: [ceil(lo), floor(hi)]; bool: 0/1)
/// of `shape` and `dtype`; float16 values are rounded to half.
Array random_array(const std::vector<std::int64_t>& shape, DLDataType dtype,
                   std::mt19937_64& rng, double lo = -1.0, double hi = 1.0);
/// An array of `dtype` holding `values` (converted; float16 rounded).
Array make_array(const std::vector<std::int64_t>& shape, DLDataType dtype,
                 const std::vector<double>& values);
/// Every element as a double (float16 widened, bool as 0/1).
std::vector<double> to_doubles(const Array& a);

/// |actual - expected| <= atol + rtol * |expected| (NaN equals NaN, equal
/// infinities match).
struct Tolerance {
  double atol = 0;
  double rtol = 0;
};
/// The documented per-dtype tolerances (docs/conformance.md): exact for
/// integers and bool; float16 1e-3 abs + 1e-3 rel (one half ulp is ~5e-4
/// near 1), float32 1e-5 + 1e-5, float64 1e-12 + 1e-12.
Tolerance tolerance_for(DLDataType dtype);
/// Tolerances for results of long reductions or transcendental chains
/// (dot, conv2d, softmax, crossentropies): `factor` times looser.
Tolerance scaled(Tolerance t, double factor);

/// Empty when `actual` has `expected`'s dtype and shape; otherwise which
/// differs: "dtype differs: expected float32<expected_note>, actual int32"
/// (the same for the shape). compare() passes " (reference)".
std::string layout_difference(const Array& expected, const Array& actual,
                              std::string_view expected_note = {});
/// Empty when `actual` matches `expected` in dtype, shape and every element
/// within `tol`; otherwise a message: dtype or shape mismatch, or the number
/// of differing elements, the largest difference, and the first few as
/// "[i, j]: expected 2.5 (reference), actual 3.5 (backend)".
std::string compare(const Array& expected, const Array& actual, Tolerance tol);
/// compare() with, per element i, `bound[i]` added to the allowed
/// difference (the reordered-sum bound of op cases); `bound_note` says in
/// the message what the bound is. `bound` has one entry per element.
std::string compare(const Array& expected, const Array& actual, Tolerance tol,
                    const std::vector<double>& bound,
                    std::string_view bound_note);
/// Catch2 check: records `what: <compare message>` as a failure of the
/// running case when they differ. Returns whether they matched.
bool check_close(const Array& expected, const Array& actual, Tolerance tol,
                 std::string_view what);

/// Short description for messages: "float32 (2, 3) [0.1, -0.5, ...]".
std::string describe(const Array& a, std::size_t max_elements = 6);

}  // namespace tensorplug::conformance
