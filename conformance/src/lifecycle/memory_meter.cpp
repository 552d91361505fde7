#include "lifecycle/memory_meter.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace tensorplug::conformance {
namespace {

using AllocatedBytesFn = std::size_t (*)();

/// AddressSanitizer's allocated-bytes counter when its runtime is in the
/// process, linked in or preloaded (--sanitizer-runtime): ASan replaces
/// malloc, so glibc's mallinfo2 would not see the heap. Looked up at run
/// time (GCC ships no <sanitizer/allocator_interface.h>), only when ASan's
/// own __asan_init is there too.
AllocatedBytesFn asan_counter() {
  static const AllocatedBytesFn counter = [] {
    AllocatedBytesFn fn = nullptr;
    if (::dlsym(RTLD_DEFAULT, "__asan_init") == nullptr) return fn;
    void* symbol =
        ::dlsym(RTLD_DEFAULT, "__sanitizer_get_current_allocated_bytes");
    std::memcpy(&fn, &symbol, sizeof fn);
    return fn;
  }();
  return counter;
}

}  // namespace

std::size_t heap_bytes_in_use() {
  if (const AllocatedBytesFn counter = asan_counter()) return counter();
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

std::string_view heap_meter_name() {
  return asan_counter() != nullptr
             ? "AddressSanitizer's allocated-bytes counter"
             : "glibc mallinfo2";
}

HeapGrowth measure_growth(const std::function<void()>& cycle, int warmup,
                          int cycles, int chunks) {
  chunks = std::max(1, std::min(chunks, cycles));
  for (int i = 0; i < warmup; ++i) cycle();
  HeapGrowth growth;
  std::vector<double> per_cycle;
  const std::size_t start = heap_bytes_in_use();
  std::size_t before = start;
  int done = 0;
  for (int c = 0; c < chunks; ++c) {
    // Spread the remainder so that every cycle is run exactly once.
    const int n = (cycles - done) / (chunks - c);
    for (int i = 0; i < n; ++i) cycle();
    done += n;
    const std::size_t after = heap_bytes_in_use();
    per_cycle.push_back(
        (static_cast<double>(after) - static_cast<double>(before)) / n);
    before = after;
  }
  growth.total_bytes =
      static_cast<std::int64_t>(before) - static_cast<std::int64_t>(start);
  growth.cycles = done;
  std::sort(per_cycle.begin(), per_cycle.end());
  const std::size_t m = per_cycle.size();
  growth.median_bytes_per_cycle =
      m % 2 == 1 ? per_cycle[m / 2]
                 : (per_cycle[m / 2 - 1] + per_cycle[m / 2]) / 2;
  return growth;
}

std::string leak_message(const HeapGrowth& growth, double bytes_per_cycle) {
  if (growth.median_bytes_per_cycle <= bytes_per_cycle) return {};
  return fmt::format(
      "leaks ~{} bytes per cycle ({} bytes over {} cycles, heap measured with "
      "{}; at most {} bytes per cycle are allowed)",
      std::llround(growth.median_bytes_per_cycle), growth.total_bytes,
      growth.cycles, heap_meter_name(), bytes_per_cycle);
}

}  // namespace tensorplug::conformance
