// GEMM on the BLAS (OpenBLAS's cblas_sgemm / cblas_dgemm), split over the
// native thread pool: C = alpha * op(A) * op(B) + beta * C, row-major.
#pragma once

#include <cstdint>

namespace tpnative {

template <class T>
void gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n,
          std::int64_t k, T alpha, const T* a, std::int64_t lda, const T* b,
          std::int64_t ldb, T beta, T* c, std::int64_t ldc);

/** Makes the BLAS single-threaded (the pool runs it in parallel). */
void configure_blas_threads();

/** The BLAS in use, for the backend's description ("OpenBLAS 0.3.21 ..."). */
const char* blas_description();

}  // namespace tpnative
