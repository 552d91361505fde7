#include "threads.hpp"

namespace tpnative {
namespace {

// Initial-exec, as the toolkit's pool pointer (see buffer_pool.cpp): no
// dynamic TLS block for LeakSanitizer to misread.
[[gnu::tls_model("initial-exec")]] thread_local bool tls_in_pool = false;

constexpr int kChunkBits = 16;
constexpr std::uint64_t kChunkMask = (std::uint64_t{1} << kChunkBits) - 1;

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// How long a thread polls before it sleeps on a futex: a training step
// issues many short parallel loops back to back, and waking a sleeping
// thread costs tens of microseconds here.
constexpr int kWorkerSpins = 2000;
constexpr int kCallerSpins = 4000;

}  // namespace

bool in_pool_thread() noexcept { return tls_in_pool; }

ThreadPool& ThreadPool::instance() {
  static ThreadPool pool;
  return pool;
}

ThreadPool::~ThreadPool() { stop_workers(); }

void ThreadPool::stop_workers() {
  stop_.store(true);
  generation_.fetch_add(1);
  generation_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  stop_.store(false);
}

void ThreadPool::resize(int threads) {
  if (threads < 1) threads = 1;
  if (threads > static_cast<int>(kChunkMask)) {
    threads = static_cast<int>(kChunkMask);
  }
  std::lock_guard<std::mutex> lock(busy_);
  if (threads == size_) return;
  stop_workers();
  size_ = threads;
  // Each worker starts from the generation current now, not from the one it
  // sees when it first runs: a job (or the stop) posted before a new thread
  // gets scheduled must still reach it.
  const std::uint32_t start = generation_.load();
  started_.store(0);
  for (int i = 1; i < threads; ++i) {
    workers_.emplace_back([this, start] { worker(start); });
  }
  // Wait until every worker runs: its thread start (and any dynamic TLS
  // block of a dlopen'ed dependency, which ld.so allocates lazily per
  // thread) then happens here, in context_init, not in some later call.
  while (started_.load() != threads - 1) std::this_thread::yield();
}

void ThreadPool::run_chunks() noexcept {
  std::uint64_t c = claims_.load(std::memory_order_acquire);
  for (;;) {
    const std::uint64_t chunks = (c >> kChunkBits) & kChunkMask;
    const std::uint64_t next = c & kChunkMask;
    if (next >= chunks) return;
    if (!claims_.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel,
                                       std::memory_order_acquire)) {
      continue;
    }
    // The chunk is ours and its job cannot finish before we do: job_ and n_
    // are the ones published with this claims_ word.
    const auto k = static_cast<std::int64_t>(chunks);
    const auto i = static_cast<std::int64_t>(next);
    (*job_)(n_ * i / k, n_ * (i + 1) / k);
    if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == chunks) {
      done_.notify_all();
    }
    c = claims_.load(std::memory_order_acquire);
  }
}

void ThreadPool::worker(std::uint32_t start) {
  tls_in_pool = true;
  started_.fetch_add(1);
  std::uint32_t seen = start;
  for (;;) {
    std::uint32_t g = generation_.load(std::memory_order_acquire);
    for (int spin = 0; g == seen && spin < kWorkerSpins; ++spin) {
      cpu_relax();
      g = generation_.load(std::memory_order_acquire);
    }
    if (g == seen) {
      generation_.wait(seen);
      continue;
    }
    seen = g;
    if (stop_.load()) return;
    run_chunks();
  }
}

void ThreadPool::parallel_for(std::int64_t n, std::int64_t grain, RangeFn f) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  std::int64_t chunks = n / grain;
  if (chunks <= 1 || tls_in_pool) {
    f(0, n);
    return;
  }
  std::unique_lock<std::mutex> lock(busy_, std::try_to_lock);
  if (!lock.owns_lock()) {
    f(0, n);
    return;
  }
  // size_ changes only under busy_ (resize).
  if (chunks > size_) chunks = size_;
  if (chunks <= 1) {
    lock.unlock();
    f(0, n);
    return;
  }
  job_ = &f;
  n_ = n;
  done_.store(0, std::memory_order_relaxed);
  ++jobs_;
  const auto total = static_cast<std::uint32_t>(chunks);
  claims_.store((std::uint64_t{jobs_} << (2 * kChunkBits)) |
                    (std::uint64_t{total} << kChunkBits),
                std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  generation_.notify_all();
  tls_in_pool = true;
  run_chunks();
  tls_in_pool = false;
  // Every chunk is claimed; wait for the ones still running elsewhere.
  std::uint32_t d = done_.load(std::memory_order_acquire);
  for (int spin = 0; d != total && spin < kCallerSpins; ++spin) {
    cpu_relax();
    d = done_.load(std::memory_order_acquire);
  }
  for (; d != total; d = done_.load(std::memory_order_acquire)) {
    done_.wait(d, std::memory_order_acquire);
  }
}

}  // namespace tpnative
