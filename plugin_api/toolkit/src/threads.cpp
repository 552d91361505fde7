// The thread-count setting, read from the context.
#include "tensorplug/toolkit/threads.hpp"

#include <sched.h>

#include <cstddef>
#include <thread>

namespace tptk {

int available_cores() noexcept {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

int thread_count(const tp_context& context) noexcept {
  const bool has_field = context.struct_size >= TP_CONTEXT_STRUCT_SIZE;
  if (has_field && context.num_threads != 0) {
    return static_cast<int>(context.num_threads);
  }
  return available_cores();
}

}  // namespace tptk
