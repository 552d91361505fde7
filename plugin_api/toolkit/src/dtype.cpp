#include "dtype.hpp"

#include <cstdint>
#include <limits>

namespace tptk {

namespace {

/** Converts `count` elements of C++ type T into `dst_dtype`. */
template <class T>
void convert_from(const T* src, void* dst, DLDataType dst_dtype,
                  std::size_t count, std::string_view entry) {
  dispatch(dst_dtype, entry, [&]<class U>() {
    U* out = static_cast<U*>(dst);
    for (std::size_t i = 0; i < count; ++i) {
      if constexpr (std::is_same_v<U, bool>) {
        out[i] = src[i] != T(0);
      } else if constexpr (std::is_same_v<T, bool>) {
        out[i] = static_cast<U>(src[i] ? 1 : 0);
      } else if constexpr (std::is_integral_v<U> && !std::is_integral_v<T>) {
        // Float to int: truncate; NaN becomes 0 and out-of-range values
        // saturate (a plain cast would be undefined behaviour).
        const double d = static_cast<double>(src[i]);
        if (d != d) {
          out[i] = 0;
        } else if (d <= static_cast<double>(std::numeric_limits<U>::min())) {
          out[i] = std::numeric_limits<U>::min();
        } else if (d >= static_cast<double>(std::numeric_limits<U>::max())) {
          out[i] = std::numeric_limits<U>::max();
        } else {
          out[i] = static_cast<U>(d);
        }
      } else if constexpr (std::is_same_v<U, half> || std::is_same_v<T, half>) {
        out[i] = static_cast<U>(static_cast<double>(src[i]));
      } else {
        out[i] = static_cast<U>(src[i]);
      }
    }
  });
}

}  // namespace

DLDataType resolve_dtype(DLDataType requested, DLDataType floatx) noexcept {
  return TP_DTYPE_IS_DEFAULT(requested) ? floatx : requested;
}

std::string dtype_label(DLDataType dt) {
  if (is_bool(dt)) return "bool";
  return tp::dtype_name(dt);
}

bool is_float(DLDataType dt) noexcept {
  return tp::dtype_equal(dt, kFloat16) || tp::dtype_equal(dt, kFloat32) ||
         tp::dtype_equal(dt, kFloat64);
}

bool is_integer(DLDataType dt) noexcept {
  return tp::dtype_equal(dt, kInt32) || tp::dtype_equal(dt, kInt64);
}

bool is_bool(DLDataType dt) noexcept { return tp::dtype_equal(dt, kBool); }

bool is_supported(DLDataType dt) noexcept {
  return is_float(dt) || is_integer(dt) || is_bool(dt);
}

void unsupported_dtype(DLDataType dt, std::string_view entry,
                       std::string_view supported) {
  fail(TP_ERROR_DTYPE, entry, ": dtype ", dtype_label(dt),
       " is not supported (supported: ", supported, ")");
}

void require_supported(DLDataType dt, std::string_view entry) {
  if (!is_supported(dt)) {
    unsupported_dtype(dt, entry,
                      "float16, float32, float64, int32, int64, bool");
  }
}

void convert(const void* src, DLDataType src_dtype, void* dst,
             DLDataType dst_dtype, std::size_t count, std::string_view entry) {
  if (src_dtype.lanes == 1) {
    switch (src_dtype.code) {
      case TP_DL_BOOL:
        if (src_dtype.bits == 8) {
          return convert_from(static_cast<const bool*>(src), dst, dst_dtype,
                              count, entry);
        }
        break;
      case kDLFloat:
        if (src_dtype.bits == 16) {
          return convert_from(static_cast<const half*>(src), dst, dst_dtype,
                              count, entry);
        }
        if (src_dtype.bits == 32) {
          return convert_from(static_cast<const float*>(src), dst, dst_dtype,
                              count, entry);
        }
        if (src_dtype.bits == 64) {
          return convert_from(static_cast<const double*>(src), dst, dst_dtype,
                              count, entry);
        }
        break;
      case kDLInt:
        switch (src_dtype.bits) {
          case 8:
            return convert_from(static_cast<const int8_t*>(src), dst, dst_dtype,
                                count, entry);
          case 16:
            return convert_from(static_cast<const int16_t*>(src), dst,
                                dst_dtype, count, entry);
          case 32:
            return convert_from(static_cast<const int32_t*>(src), dst,
                                dst_dtype, count, entry);
          case 64:
            return convert_from(static_cast<const int64_t*>(src), dst,
                                dst_dtype, count, entry);
          default:
            break;
        }
        break;
      case kDLUInt:
        switch (src_dtype.bits) {
          case 8:
            return convert_from(static_cast<const uint8_t*>(src), dst,
                                dst_dtype, count, entry);
          case 16:
            return convert_from(static_cast<const uint16_t*>(src), dst,
                                dst_dtype, count, entry);
          case 32:
            return convert_from(static_cast<const uint32_t*>(src), dst,
                                dst_dtype, count, entry);
          case 64:
            return convert_from(static_cast<const uint64_t*>(src), dst,
                                dst_dtype, count, entry);
          default:
            break;
        }
        break;
      default:
        break;
    }
  }
  fail(TP_ERROR_DTYPE, entry, ": cannot convert a value of dtype ",
       tp::dtype_name(src_dtype), " to ", tp::dtype_name(dst_dtype));
}

}  // namespace tptk
