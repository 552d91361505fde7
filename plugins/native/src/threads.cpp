#include "threads.hpp"

namespace tpnative {
namespace {

thread_local bool tls_in_pool = false;

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
  std::lock_guard<std::mutex> lock(busy_);
  if (threads == size_) return;
  stop_workers();
  size_ = threads;
  // Each worker starts from the generation current now, not from the one it
  // sees when it first runs: a job (or the stop) posted before a new thread
  // gets scheduled must still reach it.
  const std::uint32_t start = generation_.load();
  for (int i = 1; i < threads; ++i) {
    workers_.emplace_back([this, i, start] { worker(i, start); });
  }
}

void ThreadPool::worker(int index, std::uint32_t start) {
  tls_in_pool = true;
  std::uint32_t seen = start;
  for (;;) {
    // Spin briefly (a training step issues many short parallel loops), then
    // sleep on the generation counter.
    std::uint32_t g = generation_.load(std::memory_order_acquire);
    for (int spin = 0; g == seen && spin < 2000; ++spin) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
      g = generation_.load(std::memory_order_acquire);
    }
    if (g == seen) {
      generation_.wait(seen);
      continue;
    }
    seen = g;
    if (stop_.load()) return;
    if (index < chunks_) {
      const std::int64_t b = n_ * index / chunks_;
      const std::int64_t e = n_ * (index + 1) / chunks_;
      (*job_)(b, e);
    }
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      pending_.notify_one();
    }
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
  chunks_ = static_cast<int>(chunks);
  pending_.store(size_ - 1, std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  generation_.notify_all();
  // The caller runs chunk 0.
  tls_in_pool = true;
  f(0, n / chunks);
  tls_in_pool = false;
  for (int left = pending_.load(std::memory_order_acquire); left != 0;
       left = pending_.load(std::memory_order_acquire)) {
    pending_.wait(left);
  }
}

}  // namespace tpnative
