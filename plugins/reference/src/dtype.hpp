// Element types of the reference backend: which dtypes it supports, the
// default (floatx) resolution, conversions, and the dispatch from a runtime
// DLDataType to a C++ element type for kernels.
#pragma once

#include <tensorplug/plugin.hpp>

#include <cstddef>
#include <string_view>

#include "text.hpp"

namespace tpref {

/** A dtype argument: bits == 0 means `floatx`. */
DLDataType resolve_dtype(DLDataType requested, DLDataType floatx) noexcept;

/** True for the dtypes whose values this backend computes on. */
bool is_supported(DLDataType dt) noexcept;

/** Throws TP_ERROR_DTYPE naming `entry` and `dt` unless is_supported(dt). */
void require_supported(DLDataType dt, std::string_view entry);

/**
 * Converts `count` contiguous elements of `src_dtype` at `src` into
 * `dst_dtype` at `dst` (a supported dtype). Sources: any int, uint or float
 * of 8..64 bits. Throws TP_ERROR_DTYPE naming `entry` otherwise.
 */
void convert(const void* src, DLDataType src_dtype, void* dst,
             DLDataType dst_dtype, std::size_t count, std::string_view entry);

/**
 * Calls `f.template operator()<T>()` with the C++ element type T of `dt`, a
 * supported dtype (throws TP_ERROR_DTYPE naming `entry` for another). Kernels
 * are written once as templates over T and dispatched here, so supporting a
 * new dtype means adding a case.
 */
template <class F>
decltype(auto) dispatch(DLDataType dt, std::string_view entry, F&& f) {
  if (tp::dtype_equal(dt, tp::dtype::float32)) {
    return f.template operator()<float>();
  }
  require_supported(dt, entry);  // throws for every dtype not handled above
  fail(TP_ERROR_INTERNAL, entry, ": no kernel for dtype ", tp::dtype_name(dt));
}

}  // namespace tpref
