#include "buffer_pool.hpp"

#include <atomic>
#include <cstdlib>
#include <vector>

namespace tptk {
namespace {

// Initial-exec: the pointer lives in the static TLS block that glibc keeps
// spare for libraries loaded later, reached through %fs without
// __tls_get_addr. A dynamic TLS block would be a malloc'd one, and GCC 12's
// LeakSanitizer misreads such a block whenever malloc happens to place it 16
// bytes past a page boundary (its "glibc >= 2.19" header guess in
// sanitizer_tls_get_addr.cpp): the exit-time leak scan then reads a made-up
// range and the tracer dies with SIGSEGV, failing a test that passed.
// 8 bytes of the surplus (glibc.rtld.optional_static_tls, 512 by default).
[[gnu::tls_model("initial-exec")]] thread_local BufferPool* tls_pool = nullptr;

}  // namespace

std::shared_ptr<std::byte[]> allocate_buffer(std::size_t bytes) {
  constexpr std::size_t kAlign = 64;
  const std::size_t rounded = (bytes + kAlign - 1) / kAlign * kAlign;
  void* p = std::aligned_alloc(kAlign, rounded);
  if (p == nullptr) return nullptr;
  return std::shared_ptr<std::byte[]>(static_cast<std::byte*>(p),
                                      [](std::byte* b) { std::free(b); });
}

std::shared_ptr<std::byte[]> BufferPool::take(std::size_t bytes) {
  for (Entry& e : entries_) {
    if (e.bytes == bytes && e.buffer.use_count() == 1) {
      // The last other holder may have let go on another thread (a DLPack
      // deleter, rule TP_ABI_22): order its reads before our writes.
      std::atomic_thread_fence(std::memory_order_acquire);
      e.last_call = call_;
      return e.buffer;
    }
  }
  std::shared_ptr<std::byte[]> buffer = allocate_buffer(bytes);
  if (buffer && entries_.size() < kMaxEntries) {
    entries_.push_back({bytes, buffer, call_});
  }
  return buffer;
}

void BufferPool::end_call() {
  std::erase_if(entries_, [&](const Entry& e) {
    // Free, and taken by neither this call nor the one before.
    return e.buffer.use_count() == 1 && call_ - e.last_call >= 2;
  });
  ++call_;
}

BufferPool* BufferPool::current() noexcept { return tls_pool; }

PoolScope::PoolScope(BufferPool* pool) noexcept : previous_(tls_pool) {
  tls_pool = pool;
}

PoolScope::~PoolScope() { tls_pool = previous_; }

}  // namespace tptk
