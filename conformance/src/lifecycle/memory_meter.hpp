// Heap growth over repeated create/release cycles: the lifecycle group's
// leak detector.
//
// A leak is memory that stays allocated after every cycle, so it shows as
// growth in (almost) every stretch of cycles; allocators and caches instead
// grow once (a free list, a pool, a hash table's buckets) and then stay
// flat. measure_growth therefore warms up, splits the measured cycles into
// chunks, and judges the *median* chunk: one-off jumps land in a few chunks
// and do not move the median, a per-cycle leak moves every chunk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tensorplug::conformance {

/// Bytes of heap memory the process has allocated and not yet freed: under
/// AddressSanitizer its allocator's count, otherwise glibc's mallinfo2()
/// (bytes in use in the arenas plus mmapped blocks).
std::size_t heap_bytes_in_use();
/// Which counter heap_bytes_in_use() reads, for messages.
std::string_view heap_meter_name();

/// Allowed median growth per cycle, in bytes. glibc's smallest chunk is 32
/// bytes (AddressSanitizer counts requested bytes), so any allocation that
/// is never freed, once per cycle, exceeds it.
inline constexpr double kLeakBytesPerCycle = 8.0;

struct HeapGrowth {
  /// Growth from the end of the warm-up to the end of the last chunk.
  std::int64_t total_bytes = 0;
  int cycles = 0;
  /// Median over the chunks of (growth in the chunk / cycles in it).
  double median_bytes_per_cycle = 0;
};

/// Runs `cycle` `warmup` times, then `cycles` more times in `chunks` chunks,
/// reading heap_bytes_in_use() around each chunk. `cycle` must leave no
/// state behind (it may throw: the exception propagates).
HeapGrowth measure_growth(const std::function<void()>& cycle, int warmup,
                          int cycles, int chunks = 8);

/// Empty when the median growth is within `bytes_per_cycle`; otherwise
/// "leaks ~N bytes per cycle (X bytes over Y cycles, heap measured with Z)".
std::string leak_message(const HeapGrowth& growth,
                         double bytes_per_cycle = kLeakBytesPerCycle);

}  // namespace tensorplug::conformance
