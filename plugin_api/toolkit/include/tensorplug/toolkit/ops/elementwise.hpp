// Shared pieces of the elementwise kernels: the type float16 math is computed
// in, wrapping integer arithmetic (signed overflow must never be undefined
// behaviour), the dtype classes ops accept, and the unary map/infer helpers.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>

#include "array.hpp"
#include "dtype.hpp"
#include "ops/op.hpp"
#include "text.hpp"

namespace tptk {

/** float16 math is computed in float and rounded back; others in T. */
template <class T>
using compute_t = std::conditional_t<std::is_same_v<T, half>, float, T>;

template <class T>
inline constexpr bool is_float_v =
    std::is_floating_point_v<T> || std::is_same_v<T, half>;

// Wrapping (two's complement) integer arithmetic.
template <class T>
T wrap_add(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
}
template <class T>
T wrap_sub(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
}
template <class T>
T wrap_mul(T a, T b) {
  using U = std::make_unsigned_t<T>;
  // Promote to at least unsigned int so that uint16-like types cannot
  // overflow a signed int; int32/int64 are already that wide.
  return static_cast<T>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
}
template <class T>
T wrap_neg(T a) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(U(0) - static_cast<U>(a));
}

/** Which operand dtypes an op accepts. */
enum class DtypeClass { any, numeric, floating };

/** "float16, float32, float64" etc., for messages. */
const char* dtype_class_label(DtypeClass c);

/** True when `dt` belongs to class `c`. */
bool in_dtype_class(DLDataType dt, DtypeClass c);

/**
 * Throws TP_ERROR_DTYPE "<op>: operand of shape (2, 3) has dtype int32
 * (supported: float16, float32, float64)" unless `x.dtype` is in `c`.
 */
void require_dtype_class(const OpDef& op, const Node& x, DtypeClass c);

/** Unary elementwise infer: same dtype and shape, dtype in class C. */
template <DtypeClass C>
Signature infer_unary(const OpDef& op, std::span<const NodePtr> inputs,
                      const Attrs&) {
  require_dtype_class(op, *inputs[0], C);
  return {inputs[0]->dtype, inputs[0]->shape};
}

/** out[i] = f(x[i]) over contiguous data, in compute_t<T>. */
template <class T, class F>
void map_unary(const Array& x, Array& out, F f) {
  const T* px = x.data<T>();
  T* po = out.data<T>();
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n; ++i) {
    po[i] = static_cast<T>(f(static_cast<compute_t<T>>(px[i])));
  }
}

/** out[i] = f(x[i], g[i]) (fused backward kernels; same shapes). */
template <class T, class F>
void map_unary_grad(const Array& x, const Array& g, Array& out, F f) {
  const T* px = x.data<T>();
  const T* pg = g.data<T>();
  T* po = out.data<T>();
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n; ++i) {
    po[i] = static_cast<T>(
        f(static_cast<compute_t<T>>(px[i]), static_cast<compute_t<T>>(pg[i])));
  }
}

/**
 * infer for fused backward ops `<op>_grad(x, grad)`: same dtypes and shapes
 * (float), result like x.
 */
Signature infer_unary_grad(const OpDef& op, std::span<const NodePtr> inputs,
                           const Attrs&);

/** Checks at eval time that x and grad have the same shape. */
void check_unary_grad(const OpDef& op, const Array& x, const Array& g);

}  // namespace tptk
