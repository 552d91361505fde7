// Exact comparison of arrays: the same dtype, shape and bytes. Values that
// only travel (a variable's initial value, a fed placeholder returned as an
// output) must come back bit for bit, NaN payloads, -0 and infinities
// included, so a tolerance would hide a conversion the backend should not do.
#pragma once

#include <string>
#include <string_view>

#include "tensorplug/array.hpp"

namespace tensorplug::conformance {

class Kit;

/// Empty when `actual` has `expected`'s dtype, shape and bytes; otherwise
/// what differs, e.g. "2 of 6 elements differ bitwise; first at [0, 1]:
/// expected 0x7e00 (nan), actual 0x7c00 (inf)".
std::string bitwise_difference(const Array& expected, const Array& actual);

/// Records "<what>: <bitwise_difference>" as a failure of the running case
/// unless `actual` is `expected` bit for bit (the case goes on).
void expect_same(Kit& kit, const Array& expected, const Array& actual,
                 std::string_view what);

}  // namespace tensorplug::conformance
