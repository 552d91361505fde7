// The native backend's thread pool (plugins/native/src/threads.cpp): every
// index of a parallel_for is run exactly once, whoever claims its chunk,
// with any pool size, nested, and from several threads at once. Tagged
// [threads]: the tsan preset runs these under ThreadSanitizer too.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../../../plugins/native/src/threads.hpp"

using tpnative::ThreadPool;

namespace {

/** Counts how often each index of [0, n) was visited. */
class Visits {
 public:
  explicit Visits(std::int64_t n)
      : counts_(
            std::make_unique<std::atomic<int>[]>(static_cast<std::size_t>(n))),
        n_(n) {}
  void visit(std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) {
      counts_[static_cast<std::size_t>(i)].fetch_add(1);
    }
  }
  /** Empty, or the first index not visited exactly once. */
  std::string defect() const {
    for (std::int64_t i = 0; i < n_; ++i) {
      const int c = counts_[static_cast<std::size_t>(i)].load();
      if (c != 1) {
        return "index " + std::to_string(i) + " of " + std::to_string(n_) +
               " ran " + std::to_string(c) + " times";
      }
    }
    return {};
  }

 private:
  std::unique_ptr<std::atomic<int>[]> counts_;
  std::int64_t n_;
};

std::string run_once(std::int64_t n, std::int64_t grain) {
  Visits v(n);
  ThreadPool::instance().parallel_for(
      n, grain, [&](std::int64_t b, std::int64_t e) { v.visit(b, e); });
  return v.defect();
}

/** Restores the pool's size at the end of a test. */
struct PoolSize {
  int before = ThreadPool::instance().size();
  ~PoolSize() { ThreadPool::instance().resize(before); }
};

}  // namespace

TEST_CASE("The native pool runs every index of a parallel_for exactly once",
          "[native][threads]") {
  PoolSize restore;
  for (int threads : {1, 2, 3, 4, 7}) {
    ThreadPool::instance().resize(threads);
    REQUIRE(ThreadPool::instance().size() == threads);
    for (std::int64_t n : {1, 2, 3, 7, 63, 64, 65, 1000, 4097}) {
      for (std::int64_t grain : {1, 2, 16, 1000}) {
        INFO("threads " << threads << ", n " << n << ", grain " << grain);
        CHECK(run_once(n, grain).empty());
      }
    }
  }
}

TEST_CASE("The native pool survives many short jobs back to back",
          "[native][threads]") {
  PoolSize restore;
  ThreadPool::instance().resize(3);
  // Short jobs are where a late worker meets the next job: it must never
  // run a chunk of a job that has finished, nor miss one.
  std::string defect;
  for (int round = 0; round < 3000 && defect.empty(); ++round) {
    defect = run_once(3 + round % 5, 1);
  }
  CHECK(defect.empty());
}

TEST_CASE("A parallel_for inside a pool job runs inline and completely",
          "[native][threads]") {
  PoolSize restore;
  ThreadPool::instance().resize(2);
  const std::int64_t outer = 8;
  const std::int64_t inner = 100;
  Visits v(outer * inner);
  ThreadPool::instance().parallel_for(
      outer, 1, [&](std::int64_t b, std::int64_t e) {
        for (std::int64_t o = b; o < e; ++o) {
          ThreadPool::instance().parallel_for(
              inner, 1, [&](std::int64_t ib, std::int64_t ie) {
                v.visit(o * inner + ib, o * inner + ie);
              });
        }
      });
  CHECK(v.defect().empty());
}

TEST_CASE("Two threads using the native pool at once both finish their jobs",
          "[native][threads]") {
  PoolSize restore;
  ThreadPool::instance().resize(2);
  std::vector<std::string> defects(2);
  std::vector<std::thread> callers;
  for (int t = 0; t < 2; ++t) {
    callers.emplace_back([&defects, t] {
      for (int round = 0; round < 500 && defects[t].empty(); ++round) {
        defects[t] = run_once(50 + t, 1);
      }
    });
  }
  for (std::thread& c : callers) c.join();
  CHECK(defects[0].empty());
  CHECK(defects[1].empty());
}
