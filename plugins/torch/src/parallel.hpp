// When a kernel may use ATen's intra-op pool. ATen splits some loops over
// its OpenMP threads whatever their size (a convolution over the batch,
// pooling over channels): for the small tensors of a training step that is
// a barrier per op, and on a loaded 2-core machine each barrier waits for a
// descheduled thread (measured: the digits CNN 0.33 s with 1 thread, 6-9 s
// with 2). Kernels therefore run serially below a work threshold, and only
// work large enough to pay for a barrier meets the pool.
#pragma once

#include <cstdint>

namespace tptorch {

/** Multiply-adds (or elements) below which an op runs on one thread. */
inline constexpr std::int64_t kParallelConvWork = std::int64_t{1} << 22;
inline constexpr std::int64_t kParallelElements = std::int64_t{1} << 18;
inline constexpr std::int64_t kParallelGemmWork = std::int64_t{1} << 24;

/**
 * While alive, ATen's parallel loops on this thread run serially when
 * `work` is below `threshold` (OpenMP's thread count is a per-thread
 * setting: this costs two stores, not a pool resize).
 */
class SerialBelow {
 public:
  SerialBelow(std::int64_t work, std::int64_t threshold);
  ~SerialBelow();
  SerialBelow(const SerialBelow&) = delete;
  SerialBelow& operator=(const SerialBelow&) = delete;

 private:
  int restore_ = 0;
};

/** OpenBLAS's current thread count, or 1 when the BLAS is not OpenBLAS. */
int blas_threads();

}  // namespace tptorch
