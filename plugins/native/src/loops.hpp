// Contiguous elementwise loops (float32 / float64), each a plain function
// over raw pointers with run-time SIMD dispatch (simd.hpp), run over the
// thread pool in blocks by `parallel_elementwise`.
#pragma once

#include <cstdint>

#include "threads.hpp"

namespace tpnative {

enum class BinOp { add, sub, mul, div };
enum class UnOp { relu, exp, log, sqrt, square, neg, abs, tanh, sigmoid };

// out[i] = a[i] op b[i]; with `b_scalar`, b[0] for every i; with
// `a_scalar`, a[0] for every i.
void binary_loop(BinOp op, const float* a, const float* b, float* out,
                 std::int64_t n, bool a_scalar, bool b_scalar);
void binary_loop(BinOp op, const double* a, const double* b, double* out,
                 std::int64_t n, bool a_scalar, bool b_scalar);

void unary_loop(UnOp op, const float* x, float* out, std::int64_t n);
void unary_loop(UnOp op, const double* x, double* out, std::int64_t n);

// out[i] = (x[i] > 0 && x[i] < inf) ? g[i] : 0
void relu_grad_loop(const float* x, const float* g, float* out, std::int64_t n);
void relu_grad_loop(const double* x, const double* g, double* out,
                    std::int64_t n);

// out[i] += x[i]
void accumulate_loop(const float* x, float* out, std::int64_t n);
void accumulate_loop(const double* x, double* out, std::int64_t n);

/**
 * Elements per block of a parallel elementwise loop; a loop is split only
 * from two blocks on. Measured (bench/RESULTS.md): handing a block to a
 * worker costs tens of microseconds when the other core is idle or busy with
 * another process, so a split only pays for ~100 us of work or more.
 */
inline constexpr std::int64_t kElementwiseGrain = 1 << 17;

/** Runs f(begin, end) over [0, n) on the pool in blocks (inline if small). */
template <class F>
void parallel_elementwise(std::int64_t n, const F& f) {
  if (n < 2 * kElementwiseGrain) {
    f(std::int64_t(0), n);
    return;
  }
  ThreadPool::instance().parallel_for(n, kElementwiseGrain, f);
}

}  // namespace tpnative
