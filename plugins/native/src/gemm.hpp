// GEMM on the BLAS (OpenBLAS's cblas_sgemm / cblas_dgemm), split over the
// native thread pool: C = alpha * op(A) * op(B) + beta * C, row-major.
#pragma once

#include <cstdint>
#include <string>

namespace tpnative {

template <class T>
void gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n,
          std::int64_t k, T alpha, const T* a, std::int64_t lda, const T* b,
          std::int64_t ldb, T beta, T* c, std::int64_t ldc);

/** Makes the BLAS single-threaded (the pool runs it in parallel). */
void configure_blas_threads();

/** The BLAS in use, for the backend's description ("OpenBLAS 0.3.21 ..."). */
const char* blas_description();

/**
 * Empty, or why GEMM will be slow here: a DYNAMIC_ARCH OpenBLAS that does
 * not know the CPU's model falls back to generic SSE kernels (`Prescott`,
 * several times slower) on a CPU with AVX2 or AVX-512. It chooses when it is
 * loaded, before any of our code runs, so the backend can only say so and
 * name the fix (OPENBLAS_CORETYPE); see bench/README.md.
 */
std::string blas_warning();

}  // namespace tpnative
