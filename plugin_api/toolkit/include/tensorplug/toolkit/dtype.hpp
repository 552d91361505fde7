// Element types of the reference backend: which dtypes it supports, the
// default (floatx) resolution, conversions, and the dispatch from a runtime
// DLDataType to a C++ element type for kernels.
#pragma once

#include <tensorplug/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "text.hpp"

namespace tptk {

/** A dtype argument: bits == 0 means `floatx`. */
DLDataType resolve_dtype(DLDataType requested, DLDataType floatx) noexcept;

/** float16 elements: GCC/Clang's _Float16 (arithmetic in float). */
using half = _Float16;

/** bool tensors: {TP_DL_BOOL, 8, 1}, one byte 0/1 per element. */
inline constexpr DLDataType kBool{TP_DL_BOOL, 8, 1};
inline constexpr DLDataType kFloat16{kDLFloat, 16, 1};
inline constexpr DLDataType kFloat32{kDLFloat, 32, 1};
inline constexpr DLDataType kFloat64{kDLFloat, 64, 1};
inline constexpr DLDataType kInt32{kDLInt, 32, 1};
inline constexpr DLDataType kInt64{kDLInt, 64, 1};

/**
 * Every dtype the toolkit holds and computes on (is_supported), for a
 * backend whose kernels cover them all: BackendInfo::dtypes.
 */
inline constexpr DLDataType kToolkitDtypes[] = {kFloat16, kFloat32, kFloat64,
                                                kInt32,   kInt64,   kBool};

/** "float32", "bool", ... */
std::string dtype_label(DLDataType dt);

/** The DLDataType of C++ element type T (half, float, double, int32_t,
 * int64_t, bool). */
template <class T>
constexpr DLDataType dtype_of() {
  if constexpr (std::is_same_v<T, half>)
    return kFloat16;
  else if constexpr (std::is_same_v<T, float>)
    return kFloat32;
  else if constexpr (std::is_same_v<T, double>)
    return kFloat64;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return kInt32;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return kInt64;
  else if constexpr (std::is_same_v<T, bool>)
    return kBool;
  else
    static_assert(sizeof(T) == 0, "not an element type");
}

bool is_float(DLDataType dt) noexcept;
bool is_integer(DLDataType dt) noexcept;
bool is_bool(DLDataType dt) noexcept;

/**
 * True for the dtypes whose values this backend holds and computes on:
 * float16, float32, float64, int32, int64, bool.
 */
bool is_supported(DLDataType dt) noexcept;

/** Throws TP_ERROR_DTYPE naming `entry` and `dt` unless is_supported(dt). */
void require_supported(DLDataType dt, std::string_view entry);

/**
 * Converts `count` contiguous elements of `src_dtype` at `src` into
 * `dst_dtype` at `dst` (a supported dtype). Sources: any int, uint, float or
 * bool of 8..64 bits. Throws TP_ERROR_DTYPE naming `entry` otherwise.
 */
void convert(const void* src, DLDataType src_dtype, void* dst,
             DLDataType dst_dtype, std::size_t count, std::string_view entry);

/** Throws TP_ERROR_DTYPE: "<entry>: dtype X is not supported (supported:
 * <list>)". */
[[noreturn]] void unsupported_dtype(DLDataType dt, std::string_view entry,
                                    std::string_view supported);

/**
 * Calls `f.template operator()<T>()` with the C++ element type T of `dt`.
 * Kernels are written once as templates over T and dispatched here:
 * - dispatch: every supported dtype;
 * - dispatch_numeric: float16/32/64, int32, int64 (not bool);
 * - dispatch_float: float16/32/64 (ops that need real numbers: exp, sqrt,
 *   softmax, gradients, ...).
 * Another dtype throws TP_ERROR_DTYPE naming `entry` and what it supports.
 */
template <class F>
decltype(auto) dispatch_float(DLDataType dt, std::string_view entry, F&& f) {
  if (tp::dtype_equal(dt, kFloat32)) return f.template operator()<float>();
  if (tp::dtype_equal(dt, kFloat64)) return f.template operator()<double>();
  if (tp::dtype_equal(dt, kFloat16)) return f.template operator()<half>();
  unsupported_dtype(dt, entry, "float16, float32, float64");
}

template <class F>
decltype(auto) dispatch_numeric(DLDataType dt, std::string_view entry, F&& f) {
  if (tp::dtype_equal(dt, kInt32)) return f.template operator()<std::int32_t>();
  if (tp::dtype_equal(dt, kInt64)) return f.template operator()<std::int64_t>();
  if (!is_float(dt)) {
    unsupported_dtype(dt, entry, "float16, float32, float64, int32, int64");
  }
  return dispatch_float(dt, entry, std::forward<F>(f));
}

template <class F>
decltype(auto) dispatch(DLDataType dt, std::string_view entry, F&& f) {
  if (tp::dtype_equal(dt, kBool)) return f.template operator()<bool>();
  if (!is_supported(dt)) {
    unsupported_dtype(dt, entry,
                      "float16, float32, float64, int32, int64, bool");
  }
  return dispatch_numeric(dt, entry, std::forward<F>(f));
}

}  // namespace tptk
