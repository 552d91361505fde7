#include "parallel.hpp"

#include <dlfcn.h>
#include <omp.h>

namespace tptorch {

SerialBelow::SerialBelow(std::int64_t work, std::int64_t threshold) {
  if (work >= threshold) return;
  const int threads = omp_get_max_threads();
  if (threads <= 1) return;
  restore_ = threads;
  omp_set_num_threads(1);
}

SerialBelow::~SerialBelow() {
  if (restore_ > 0) omp_set_num_threads(restore_);
}

int blas_threads() {
  using Get = int (*)();
  static const Get get =
      reinterpret_cast<Get>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  return get != nullptr ? get() : 1;
}

}  // namespace tptorch
