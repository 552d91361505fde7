#include "threads.hpp"

#include <ATen/Parallel.h>
#include <dlfcn.h>

#include <string>

namespace tptorch {
namespace {

/** OpenBLAS's thread setter when the BLAS in the process is OpenBLAS
 * (Debian's libtorch links libblas.so.3, an alternative), else null. */
using SetThreads = void (*)(int);
SetThreads openblas_set_threads() {
  return reinterpret_cast<SetThreads>(
      dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
}

}  // namespace

std::string apply_threads(int threads) {
  // Once per process, and only if nobody did: libtorch throws on a second
  // call, or once its inter-op pool has started (the application's own
  // libtorch use, or this plugin loaded a second time in the process). Then
  // the existing setting stays.
  std::string interop = "1 inter-op";
  if (at::get_num_interop_threads() != 1) {
    try {
      at::set_num_interop_threads(1);
    } catch (const std::exception&) {
      interop = std::to_string(at::get_num_interop_threads()) +
                " inter-op (set before this backend)";
    }
  }
  if (at::get_num_threads() != threads) at::set_num_threads(threads);
  std::string blas = "BLAS threads unknown (not OpenBLAS)";
  if (SetThreads set = openblas_set_threads()) {
    set(1);
    blas = "OpenBLAS 1 thread";
  }
  return std::to_string(threads) + " intra-op thread(s), " + interop + "; " +
         blas;
}

}  // namespace tptorch
