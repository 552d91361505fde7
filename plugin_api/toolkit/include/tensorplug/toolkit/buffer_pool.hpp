// The memory plan of a compiled function: the buffers of one call are kept
// for the next, so that a call in steady state (same shapes) takes every
// intermediate, result and update value from buffers it already has instead
// of the heap. Within a call a buffer is reused as soon as the plan frees the
// value in it (after its last use), so the pool holds about the peak working
// set of one call, not the sum of all its values.
//
// A buffer is free when nothing but the pool holds it: no Array, no update
// value of a variable, no DLPack tensor handed to the caller. So reuse never
// overwrites a value still in use, whoever holds it and for however long.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace tptk {

class BufferPool {
 public:
  /**
   * A free buffer of exactly `bytes` bytes (64-byte aligned), or a new one,
   * kept for later calls unless the pool is full. Null when out of memory.
   */
  std::shared_ptr<std::byte[]> take(std::size_t bytes);
  /**
   * Ends a call: frees the buffers that are free and were not used by this
   * call or the one before (shapes changed), so memory follows the calls.
   */
  void end_call();
  /** Buffers held (free or in use). */
  std::size_t size() const noexcept { return entries_.size(); }

  /** The pool allocations on this thread come from, or null. */
  static BufferPool* current() noexcept;

 private:
  struct Entry {
    std::size_t bytes;
    std::shared_ptr<std::byte[]> buffer;
    std::uint64_t last_call;
  };
  /** Enough for the values of any graph one call keeps alive at once. */
  static constexpr std::size_t kMaxEntries = 1024;
  std::vector<Entry> entries_;
  std::uint64_t call_ = 0;
};

/** While alive, Arrays allocated on this thread take buffers from `pool`. */
class PoolScope {
 public:
  explicit PoolScope(BufferPool* pool) noexcept;
  ~PoolScope();
  PoolScope(const PoolScope&) = delete;
  PoolScope& operator=(const PoolScope&) = delete;

 private:
  BufferPool* previous_;
};

/** A new 64-byte-aligned buffer of `bytes` bytes (not pooled), or null. */
std::shared_ptr<std::byte[]> allocate_buffer(std::size_t bytes);

}  // namespace tptk
