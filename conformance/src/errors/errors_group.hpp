// The parts of the "errors" group (groups/errors.cpp runs them in this
// order; each enumerates its cases in a fixed order).
#pragma once

#include "tensorplug/array.hpp"
#include "tensorplug/backend.hpp"

namespace tensorplug::conformance {

/// Through the application API, operands of float dtype `dt`
/// (errors/app_errors.cpp).
void run_app_error_cases(const Backend& b, DLDataType dt);
/// A function fed the wrong inputs (errors/function_errors.cpp).
void run_function_call_error_cases(const Backend& b, DLDataType dt);
/// Null handles and bad arguments through the raw C ABI
/// (errors/raw_errors.cpp, errors/raw_call_errors.cpp).
void run_raw_error_cases(const Backend& b, DLDataType dt);
void run_raw_call_error_cases(const Backend& b, DLDataType dt);
void run_raw_op_error_cases(const Backend& b, DLDataType dt);
/// The contract's edge cases that docs/plugin-abi.md and docs/ops.md decide
/// (TP_ABI_16 to TP_ABI_21, TP_OPS_1, TP_OPS_2): through the raw C ABI
/// (errors/edge_raw_cases.cpp) and the application API
/// (errors/edge_op_cases.cpp).
void run_raw_edge_cases(const Backend& b, DLDataType dt);
void run_op_edge_cases(const Backend& b, DLDataType dt);

}  // namespace tensorplug::conformance
