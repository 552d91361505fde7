#include "loops.hpp"

#include <cmath>
#include <limits>

#include "simd.hpp"

namespace tpnative {
namespace {

// One cloned function per (op, type, operand form): the op is a template
// argument so that each inner loop is a straight vectorisable body.
template <BinOp op, class T>
inline T apply(T a, T b) {
  if constexpr (op == BinOp::add) return a + b;
  if constexpr (op == BinOp::sub) return a - b;
  if constexpr (op == BinOp::mul) return a * b;
  if constexpr (op == BinOp::div) return a / b;
}

#define TPN_BINARY_LOOPS(T, OP, NAME)                                     \
  TPN_SIMD void NAME##_vv(const T* __restrict a, const T* __restrict b,   \
                          T* __restrict o, std::int64_t n) {              \
    for (std::int64_t i = 0; i < n; ++i) o[i] = apply<OP, T>(a[i], b[i]); \
  }                                                                       \
  TPN_SIMD void NAME##_vs(const T* __restrict a, T b, T* __restrict o,    \
                          std::int64_t n) {                               \
    for (std::int64_t i = 0; i < n; ++i) o[i] = apply<OP, T>(a[i], b);    \
  }                                                                       \
  TPN_SIMD void NAME##_sv(T a, const T* __restrict b, T* __restrict o,    \
                          std::int64_t n) {                               \
    for (std::int64_t i = 0; i < n; ++i) o[i] = apply<OP, T>(a, b[i]);    \
  }

TPN_BINARY_LOOPS(float, BinOp::add, add_f)
TPN_BINARY_LOOPS(float, BinOp::sub, sub_f)
TPN_BINARY_LOOPS(float, BinOp::mul, mul_f)
TPN_BINARY_LOOPS(float, BinOp::div, div_f)
TPN_BINARY_LOOPS(double, BinOp::add, add_d)
TPN_BINARY_LOOPS(double, BinOp::sub, sub_d)
TPN_BINARY_LOOPS(double, BinOp::mul, mul_d)
TPN_BINARY_LOOPS(double, BinOp::div, div_d)

#undef TPN_BINARY_LOOPS

#define TPN_BINARY_DISPATCH(T, SUFFIX)                     \
  switch (op) {                                            \
    case BinOp::add:                                       \
      return a_scalar   ? add_##SUFFIX##_sv(*a, b, out, n) \
             : b_scalar ? add_##SUFFIX##_vs(a, *b, out, n) \
                        : add_##SUFFIX##_vv(a, b, out, n); \
    case BinOp::sub:                                       \
      return a_scalar   ? sub_##SUFFIX##_sv(*a, b, out, n) \
             : b_scalar ? sub_##SUFFIX##_vs(a, *b, out, n) \
                        : sub_##SUFFIX##_vv(a, b, out, n); \
    case BinOp::mul:                                       \
      return a_scalar   ? mul_##SUFFIX##_sv(*a, b, out, n) \
             : b_scalar ? mul_##SUFFIX##_vs(a, *b, out, n) \
                        : mul_##SUFFIX##_vv(a, b, out, n); \
    case BinOp::div:                                       \
      return a_scalar   ? div_##SUFFIX##_sv(*a, b, out, n) \
             : b_scalar ? div_##SUFFIX##_vs(a, *b, out, n) \
                        : div_##SUFFIX##_vv(a, b, out, n); \
  }

// relu with Keras's defaults (alpha 0, no max_value, threshold 0): NaN stays
// NaN, -0 becomes +0.
template <class T>
inline T relu(T v) {
  return v > T(0) ? v : (v == v ? T(0) : v);
}

#define TPN_UNARY_LOOPS(T, SUFFIX)                                          \
  TPN_SIMD void relu_##SUFFIX(const T* __restrict x, T* __restrict o,       \
                              std::int64_t n) {                             \
    for (std::int64_t i = 0; i < n; ++i) o[i] = relu(x[i]);                 \
  }                                                                         \
  TPN_SIMD void square_##SUFFIX(const T* __restrict x, T* __restrict o,     \
                                std::int64_t n) {                           \
    for (std::int64_t i = 0; i < n; ++i) o[i] = x[i] * x[i];                \
  }                                                                         \
  TPN_SIMD void neg_##SUFFIX(const T* __restrict x, T* __restrict o,        \
                             std::int64_t n) {                              \
    for (std::int64_t i = 0; i < n; ++i) o[i] = -x[i];                      \
  }                                                                         \
  TPN_SIMD void abs_##SUFFIX(const T* __restrict x, T* __restrict o,        \
                             std::int64_t n) {                              \
    for (std::int64_t i = 0; i < n; ++i) o[i] = std::fabs(x[i]);            \
  }                                                                         \
  TPN_SIMD void sqrt_##SUFFIX(const T* __restrict x, T* __restrict o,       \
                              std::int64_t n) {                             \
    for (std::int64_t i = 0; i < n; ++i) o[i] = std::sqrt(x[i]);            \
  }                                                                         \
  TPN_SIMD void relu_grad_##SUFFIX(const T* __restrict x,                   \
                                   const T* __restrict g, T* __restrict o,  \
                                   std::int64_t n) {                        \
    constexpr T inf = std::numeric_limits<T>::infinity();                   \
    for (std::int64_t i = 0; i < n; ++i) {                                  \
      o[i] = (x[i] > T(0) && x[i] < inf) ? g[i] : T(0);                     \
    }                                                                       \
  }                                                                         \
  TPN_SIMD void accumulate_##SUFFIX(const T* __restrict x, T* __restrict o, \
                                    std::int64_t n) {                       \
    for (std::int64_t i = 0; i < n; ++i) o[i] += x[i];                      \
  }

TPN_UNARY_LOOPS(float, f)
TPN_UNARY_LOOPS(double, d)

#undef TPN_UNARY_LOOPS

/** Transcendental ops: libm per element (correctly rounded enough for the
 * conformance tolerances; not vectorised). */
template <class T>
void transcendental(UnOp op, const T* x, T* o, std::int64_t n) {
  switch (op) {
    case UnOp::exp:
      for (std::int64_t i = 0; i < n; ++i) o[i] = std::exp(x[i]);
      return;
    case UnOp::log:
      for (std::int64_t i = 0; i < n; ++i) o[i] = std::log(x[i]);
      return;
    case UnOp::tanh:
      for (std::int64_t i = 0; i < n; ++i) o[i] = std::tanh(x[i]);
      return;
    case UnOp::sigmoid:
      for (std::int64_t i = 0; i < n; ++i) {
        o[i] = T(1) / (T(1) + std::exp(-x[i]));
      }
      return;
    default:
      return;
  }
}

}  // namespace

void binary_loop(BinOp op, const float* a, const float* b, float* out,
                 std::int64_t n, bool a_scalar, bool b_scalar) {
  TPN_BINARY_DISPATCH(float, f)
}
void binary_loop(BinOp op, const double* a, const double* b, double* out,
                 std::int64_t n, bool a_scalar, bool b_scalar) {
  TPN_BINARY_DISPATCH(double, d)
}

#define TPN_UNARY_DISPATCH(SUFFIX)          \
  switch (op) {                             \
    case UnOp::relu:                        \
      return relu_##SUFFIX(x, out, n);      \
    case UnOp::square:                      \
      return square_##SUFFIX(x, out, n);    \
    case UnOp::neg:                         \
      return neg_##SUFFIX(x, out, n);       \
    case UnOp::abs:                         \
      return abs_##SUFFIX(x, out, n);       \
    case UnOp::sqrt:                        \
      return sqrt_##SUFFIX(x, out, n);      \
    default:                                \
      return transcendental(op, x, out, n); \
  }

void unary_loop(UnOp op, const float* x, float* out, std::int64_t n) {
  TPN_UNARY_DISPATCH(f)
}
void unary_loop(UnOp op, const double* x, double* out, std::int64_t n) {
  TPN_UNARY_DISPATCH(d)
}

void relu_grad_loop(const float* x, const float* g, float* out,
                    std::int64_t n) {
  relu_grad_f(x, g, out, n);
}
void relu_grad_loop(const double* x, const double* g, double* out,
                    std::int64_t n) {
  relu_grad_d(x, g, out, n);
}
void accumulate_loop(const float* x, float* out, std::int64_t n) {
  accumulate_f(x, out, n);
}
void accumulate_loop(const double* x, double* out, std::int64_t n) {
  accumulate_d(x, out, n);
}

}  // namespace tpnative
