#include "lifecycle/thread_cases.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <latch>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "lifecycle/bitwise.hpp"
#include "lifecycle/eval.hpp"
#include "tensorplug/ops.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

// The computation each thread repeats: a variable updated at every call.
// With `add`: out = v + x, v <- v + x (a running sum, so every result
// depends on every earlier call of that context); without ops: out = v,
// v <- x (every result is the previous call's input).
struct Chain {
  bool use_add = false;
  DLDataType dtype{};
  Array initial;

  // One compiled chain on `b`: the variable and the function.
  struct Built {
    Tensor v;
    Function f;
  };
  Built build(const Backend& b) const {
    Built out;
    out.v = b.variable(initial);
    const Tensor x = b.placeholder(initial.shape(), dtype);
    if (use_add) {
      const Tensor sum = b.op("add", {out.v, x}, {});
      out.f = b.function({x}, {sum}, {{out.v, sum}});
    } else {
      out.f = b.function({x}, {out.v}, {{out.v, x}});
    }
    return out;
  }

  // `rounds` times: build a fresh chain and feed it every input.
  std::vector<Array> run(const Backend& b, const std::vector<Array>& inputs,
                         int rounds) const {
    std::vector<Array> results;
    results.reserve(inputs.size() * static_cast<std::size_t>(rounds));
    for (int r = 0; r < rounds; ++r) {
      const Built c = build(b);
      for (const Array& in : inputs) results.push_back(c.f({in}).at(0));
    }
    return results;
  }
};

// What one thread did: its results, or why it stopped.
struct ThreadResult {
  std::vector<Array> results;
  std::string error;
};

// Runs `work(i)` for i = 0, 1 on two threads released together, so that
// their calls overlap. Exceptions are caught inside the thread (Catch2's
// assertions are not thread-safe; nothing is recorded from the threads).
std::vector<ThreadResult> run_two(
    const std::function<std::vector<Array>(int)>& work) {
  std::vector<ThreadResult> out(2);
  std::latch start(2);
  auto body = [&](int i) {
    start.arrive_and_wait();
    try {
      out[i].results = work(i);
    } catch (const std::exception& e) {
      out[i].error = e.what();
    } catch (...) {
      out[i].error = "an exception of unknown type";
    }
  };
  std::thread t0(body, 0);
  std::thread t1(body, 1);
  t0.join();
  t1.join();
  return out;
}

// Records a failure for each thread whose results differ from `expected`.
void compare_threads(Kit& kit, const std::vector<ThreadResult>& got,
                     const std::vector<std::vector<Array>>& expected) {
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!got[i].error.empty()) {
      kit.record_failure(fmt::format("thread {}: {}", i, got[i].error));
      continue;
    }
    if (got[i].results.size() != expected[i].size()) {
      kit.record_failure(fmt::format("thread {}: {} results, expected {}", i,
                                     got[i].results.size(),
                                     expected[i].size()));
      continue;
    }
    for (std::size_t k = 0; k < expected[i].size(); ++k) {
      const std::string diff =
          bitwise_difference(expected[i][k], got[i].results[k]);
      if (!diff.empty()) {
        kit.record_failure(fmt::format(
            "thread {}, call {}: differs from the single-threaded result: {}",
            i, k, diff));
        break;  // the rest of a chain follows from the first difference
      }
    }
  }
}

}  // namespace

void check_threads(Kit& kit, const Backend& b) {
  const auto primary = primary_float(kit);
  const DLDataType dt = primary ? *primary : kit.dtypes().at(0);
  const std::string dn = dtype_name(dt);
  Chain chain;
  chain.dtype = dt;
  chain.use_add = b.provides("add");
  {
    auto rng = kit.rng("threads initial " + dn);
    chain.initial = random_array({3, 4}, dt, rng);
  }
  // Per thread: `calls` inputs, fed `rounds` times to fresh chains.
  const int calls = 25;
  const int rounds = std::max(2, kit.options().cycles / 100);
  std::vector<std::vector<Array>> inputs(2);
  for (int i = 0; i < 2; ++i) {
    auto rng = kit.rng(fmt::format("threads inputs {} {}", i, dn));
    for (int k = 0; k < calls; ++k) {
      inputs[i].push_back(random_array({3, 4}, dt, rng));
    }
  }
  const std::string what = chain.use_add
                               ? fmt::format("v <- v + x, (3, 4) {}", dn)
                               : fmt::format("v <- x, (3, 4) {}", dn);

  kit.run_case(
      "threads",
      fmt::format("two contexts, two threads at once: each builds and calls "
                  "{} functions {} times ({})",
                  rounds, calls, what),
      [&] {
        std::vector<std::vector<Array>> expected(2);
        {
          const Backend single = kit.load_backend();
          for (int i = 0; i < 2; ++i) {
            expected[i] = chain.run(single, inputs[i], rounds);
          }
        }
        const std::vector<Backend> contexts = {kit.load_backend(),
                                               kit.load_backend()};
        compare_threads(kit, run_two([&](int i) {
                          return chain.run(contexts[i], inputs[i], rounds);
                        }),
                        expected);
      });

  kit.run_case(
      "threads",
      fmt::format("a function called from two threads, one callable per "
                  "context (TP_ABI_12): {} calls each ({})",
                  calls * rounds, what),
      [&] {
        std::vector<Array> all[2];
        for (int i = 0; i < 2; ++i) {
          for (int r = 0; r < rounds; ++r) {
            all[i].insert(all[i].end(), inputs[i].begin(), inputs[i].end());
          }
        }
        std::vector<std::vector<Array>> expected(2);
        {
          const Backend single = kit.load_backend();
          for (int i = 0; i < 2; ++i)
            expected[i] = chain.run(single, all[i], 1);
        }
        // Built here, on this thread; called only from the worker threads.
        const std::vector<Backend> contexts = {kit.load_backend(),
                                               kit.load_backend()};
        const std::vector<Chain::Built> built = {chain.build(contexts[0]),
                                                 chain.build(contexts[1])};
        compare_threads(kit, run_two([&](int i) {
                          std::vector<Array> results;
                          for (const Array& in : all[i]) {
                            results.push_back(built[i].f({in}).at(0));
                          }
                          return results;
                        }),
                        expected);
      });

  kit.run_case(
      "threads",
      fmt::format("two threads each load, use and shut down a context {} "
                  "times at once ({})",
                  rounds, what),
      [&] {
        std::vector<std::vector<Array>> expected(2);
        {
          const Backend single = kit.load_backend();
          for (int i = 0; i < 2; ++i) {
            expected[i] = chain.run(single, {inputs[i][0]}, rounds);
          }
        }
        compare_threads(kit, run_two([&](int i) {
                          std::vector<Array> results;
                          for (int r = 0; r < rounds; ++r) {
                            const Backend own = kit.load_backend();
                            const auto one = chain.run(own, {inputs[i][0]}, 1);
                            results.insert(results.end(), one.begin(),
                                           one.end());
                          }
                          return results;
                        }),
                        expected);
      });
}

}  // namespace tensorplug::conformance
