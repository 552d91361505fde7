// Element conversion between dtypes without undefined behaviour: floats to
// integers truncate toward zero, NaN becomes 0 and out-of-range values
// saturate; anything to bool is `!= 0`; bool to anything is 0/1.
#pragma once

#include <string_view>

#include "array.hpp"

namespace tptk {

/** A copy of `x` converted to `to` (a supported dtype). `x` may hold any
 * dtype convert() reads (int8..int64, uint8..uint64, floats, bool). */
Array cast_array(const Array& x, DLDataType to, std::string_view entry);

}  // namespace tptk
