#include "gemm.hpp"

#include <cblas.h>

#include <algorithm>

#include "threads.hpp"

namespace tpnative {
namespace {

void blas(bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k,
          float alpha, const float* a, std::int64_t lda, const float* b,
          std::int64_t ldb, float beta, float* c, std::int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
              tb ? CblasTrans : CblasNoTrans, static_cast<blasint>(m),
              static_cast<blasint>(n), static_cast<blasint>(k), alpha, a,
              static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c,
              static_cast<blasint>(ldc));
}

void blas(bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k,
          double alpha, const double* a, std::int64_t lda, const double* b,
          std::int64_t ldb, double beta, double* c, std::int64_t ldc) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
              tb ? CblasTrans : CblasNoTrans, static_cast<blasint>(m),
              static_cast<blasint>(n), static_cast<blasint>(k), alpha, a,
              static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c,
              static_cast<blasint>(ldc));
}

/**
 * Below this many multiply-adds (~20 us on one core) a GEMM runs on one
 * thread. The pool's chunks are claimed, so a split never waits for a worker
 * that is not running; at 2^21 the MLP forward pass (64x784x256) is split
 * and meets libtorch@2, where 2^24 left it on one thread (bench/RESULTS.md,
 * 2026-12-03 16:29).
 */
constexpr std::int64_t kParallelWork = std::int64_t{1} << 21;

}  // namespace

void configure_blas_threads() { openblas_set_num_threads(1); }

const char* blas_description() { return openblas_get_config(); }

std::string blas_warning() {
  const std::string core = openblas_get_corename();
  const bool generic = core == "Prescott" || core == "Core2" ||
                       core == "Penryn" || core == "Dunnington" ||
                       core == "Nehalem" || core == "Atom" ||
                       core == "Katmai" || core == "Coppermine" ||
                       core == "Northwood" || core == "Banias";
  if (!generic) return {};
  const char* better = __builtin_cpu_supports("avx512f") ? "SkylakeX"
                       : __builtin_cpu_supports("avx2")  ? "Haswell"
                                                         : nullptr;
  if (better == nullptr) return {};
  return "native: OpenBLAS chose its generic '" + core +
         "' kernels (it does not know this CPU model), so GEMM and "
         "convolutions run several times slower than this CPU allows; set "
         "OPENBLAS_CORETYPE=" +
         better + " in the environment before the program starts";
}

template <class T>
void gemm(bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k,
          T alpha, const T* a, std::int64_t lda, const T* b, std::int64_t ldb,
          T beta, T* c, std::int64_t ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {  // BLAS may leave C alone when k == 0: define it.
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t j = 0; j < n; ++j) {
        T& v = c[i * ldc + j];
        v = beta == T(0) ? T(0) : v * beta;
      }
    }
    return;
  }
  ThreadPool& pool = ThreadPool::instance();
  if (pool.size() == 1 || m * n * k < kParallelWork || in_pool_thread()) {
    blas(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  // Split the larger of M and N into per-thread panels (whole rows of C or
  // whole columns), each one BLAS call on one thread.
  if (m >= n) {
    const std::int64_t grain = std::max<std::int64_t>(8, m / pool.size() / 4);
    pool.parallel_for(m, grain, [&](std::int64_t i0, std::int64_t i1) {
      const T* ap = ta ? a + i0 : a + i0 * lda;
      blas(ta, tb, i1 - i0, n, k, alpha, ap, lda, b, ldb, beta, c + i0 * ldc,
           ldc);
    });
  } else {
    const std::int64_t grain = std::max<std::int64_t>(16, n / pool.size() / 4);
    pool.parallel_for(n, grain, [&](std::int64_t j0, std::int64_t j1) {
      const T* bp = tb ? b + j0 * ldb : b + j0;
      blas(ta, tb, m, j1 - j0, k, alpha, a, lda, bp, ldb, beta, c + j0, ldc);
    });
  }
}

template void gemm<float>(bool, bool, std::int64_t, std::int64_t, std::int64_t,
                          float, const float*, std::int64_t, const float*,
                          std::int64_t, float, float*, std::int64_t);
template void gemm<double>(bool, bool, std::int64_t, std::int64_t, std::int64_t,
                           double, const double*, std::int64_t, const double*,
                           std::int64_t, double, double*, std::int64_t);

}  // namespace tpnative
