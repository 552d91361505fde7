#include "threads.hpp"

#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <sched.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace tptorch {
namespace {

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

/** OpenBLAS's thread setter when the BLAS in the process is OpenBLAS
 * (Debian's libtorch links libblas.so.3, an alternative), else null. */
using SetThreads = void (*)(int);
SetThreads openblas_set_threads() {
  return reinterpret_cast<SetThreads>(
      dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
}

}  // namespace

int requested_threads(std::string& error) {
  const char* v = std::getenv("TENSORPLUG_NUM_THREADS");
  if (v == nullptr || *v == '\0') return available_cores();
  int n = 0;
  const char* end = v + std::strlen(v);
  auto [p, ec] = std::from_chars(v, end, n);
  if (ec != std::errc() || p != end || n < 1 || n > 1024) {
    error = std::string("TENSORPLUG_NUM_THREADS is '") + v +
            "'; expected a whole number from 1 to 1024 (unset: one thread "
            "per available core)";
    return 0;
  }
  return n;
}

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
