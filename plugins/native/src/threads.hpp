// The native backend's threads: one setting and one pool for everything it
// runs in parallel, its own loops and the BLAS calls alike.
//
// The setting: the context's num_threads (tptk::thread_count: the
// application's LoadOptions::num_threads or TENSORPLUG_NUM_THREADS, read by
// the host), else the cores this process may run on. The pool has that many
// threads including the caller's; it is the process's, so it follows the
// setting of the context initialised last. BLAS (OpenBLAS) is told to use
// one thread: the pool splits a large GEMM into blocks and runs one
// single-threaded BLAS call per pool thread, so there is never a second pool
// spinning beside ours (OpenBLAS's and OpenMP's idle threads busy-wait, which
// on a 2-core machine makes 2 threads slower than 1).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tpnative {

/** A borrowed callable `void(std::int64_t begin, std::int64_t end)`. */
class RangeFn {
 public:
  template <class F>
  RangeFn(const F& f)  // NOLINT: implicit by design, like function_ref
      : object_(&f), call_([](const void* o, std::int64_t b, std::int64_t e) {
          (*static_cast<const F*>(o))(b, e);
        }) {}
  void operator()(std::int64_t b, std::int64_t e) const {
    call_(object_, b, e);
  }

 private:
  const void* object_;
  void (*call_)(const void*, std::int64_t, std::int64_t);
};

class ThreadPool {
 public:
  /** The process's pool, created on first use with `threads` threads;
   * later calls may grow or shrink it (between calls, never during one). */
  static ThreadPool& instance();

  ~ThreadPool();

  /** Sets the number of threads (>= 1), the caller's included. */
  void resize(int threads);
  int size() const noexcept { return size_.load(std::memory_order_relaxed); }

  /**
   * Runs f(begin, end) over [0, n) split into at most size() contiguous
   * chunks of at least `grain` items. The chunks are claimed, not assigned:
   * the caller and every worker take the next unclaimed chunk until none is
   * left, and the caller waits only for chunks that were claimed. A worker
   * that is asleep or descheduled (another process on its core) therefore
   * never delays the call: the caller runs its chunks, so a parallel call is
   * never much slower than running f(0, n) on one thread. Runs inline when
   * one chunk suffices, when called from a pool thread (nested parallelism
   * is flattened) or while another thread uses the pool (two contexts on two
   * threads each keep their own thread). f must not throw.
   */
  void parallel_for(std::int64_t n, std::int64_t grain, RangeFn f);

 private:
  ThreadPool() = default;
  void worker(std::uint32_t start);
  void stop_workers();
  /** Runs chunks of the current job until none is left to claim. */
  void run_chunks() noexcept;

  std::mutex busy_;
  std::atomic<int> size_{1};
  std::vector<std::thread> workers_;
  // Bumped to wake the workers (a new job, or the stop). 32-bit: atomic
  // wait/notify on it is a plain futex (libstdc++ 12 can miss a notify_all
  // on 64-bit atomics, which go through a proxy).
  std::atomic<std::uint32_t> generation_{0};
  std::atomic<bool> stop_{false};
  // Workers that have started running (resize waits for all of them).
  std::atomic<int> started_{0};
  // The current job's claims: job number (32 bits) | chunks (16) | next
  // unclaimed chunk (16). A claim is a compare-exchange of the whole word,
  // so it can only take a chunk of the job that is current and unfinished;
  // job_ and n_ are read only after a successful claim.
  std::atomic<std::uint64_t> claims_{0};
  std::uint32_t jobs_ = 0;  // under busy_
  // Chunks of the current job that have finished (the caller waits on it).
  std::atomic<std::uint32_t> done_{0};
  const RangeFn* job_ = nullptr;
  std::int64_t n_ = 0;
};

/** True on a pool worker thread. */
bool in_pool_thread() noexcept;

}  // namespace tpnative
