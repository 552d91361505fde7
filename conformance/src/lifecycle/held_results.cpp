#include "lifecycle/held_results.hpp"

#include <fmt/format.h>

#include <exception>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "lifecycle/bitwise.hpp"
#include "lifecycle/eval.hpp"
#include "tensorplug/ops.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

// Calls whose results are held at once: enough that a backend recycling a
// few output buffers (a ring, a pool that ignores who still holds one)
// overwrites some of them.
constexpr int kHeld = 8;
// Large enough for every in-tree backend to hand the result out of a pooled
// buffer without a copy, small enough to cost nothing.
const std::vector<std::int64_t> kShape = {33, 65};

// The computation: with `add`, s = v + x, out = s + x (an intermediate
// nobody else holds, which a backend may hand out without a copy), v <- s;
// without ops, out = v, v <- x.
struct Step {
  bool use_add = false;
  DLDataType dtype{};
  Array initial;

  struct Built {
    Tensor v;
    Function f;
  };
  Built build(const Backend& b) const {
    Built out;
    out.v = b.variable(initial);
    const Tensor x = b.placeholder(kShape, dtype);
    if (use_add) {
      const Tensor s = b.op("add", {out.v, x}, {});
      const Tensor y = b.op("add", {s, x}, {});
      out.f = b.function({x}, {y}, {{out.v, s}});
    } else {
      out.f = b.function({x}, {out.v}, {{out.v, x}});
    }
    return out;
  }
};

// What the chain gives when every result is copied at once (an Array copy
// owns its bytes) and released before the next call: the expected values.
struct Expected {
  std::vector<Array> results;
  std::vector<Array> values;  // get_value after each call
};
Expected copied_at_once(const Backend& b, const Step& step,
                        const std::vector<Array>& inputs, bool get_values) {
  Expected e;
  const Step::Built c = step.build(b);
  for (const Array& x : inputs) {
    e.results.push_back(Array(c.f({x}).at(0)));
    if (get_values) e.values.push_back(Array(b.get_value(c.v)));
  }
  return e;
}

void compare(Kit& kit, const std::vector<Array>& expected,
             const std::vector<Array>& held, std::string_view what) {
  for (std::size_t k = 0; k < expected.size() && k < held.size(); ++k) {
    const std::string diff = bitwise_difference(expected[k], held[k]);
    if (!diff.empty()) {
      kit.record_failure(
          fmt::format("{} {}, held while the backend made {} more, changed: {}",
                      what, k, held.size() - k - 1, diff));
    }
  }
}

}  // namespace

void check_held_results(Kit& kit, const Backend& b) {
  const auto primary = primary_float(kit);
  const DLDataType dt = primary ? *primary : kit.dtypes().at(0);
  const std::string dn = dtype_name(dt);
  Step step;
  step.dtype = dt;
  step.use_add = b.provides("add");
  std::vector<Array> inputs;
  {
    auto rng = kit.rng("held results " + dn);
    step.initial = random_array(kShape, dt, rng);
    for (int k = 0; k < 2 * kHeld; ++k) {
      inputs.push_back(random_array(kShape, dt, rng));
    }
  }
  const bool get_values = b.provides("get_value");
  const std::string what =
      step.use_add
          ? fmt::format("y = (v + x) + x, v <- v + x, {} {}",
                        format_shape(kShape), dn)
          : fmt::format("y = v, v <- x, {} {}", format_shape(kShape), dn);

  kit.run_case(
      "function",
      fmt::format("the results of {} calls{}, all held, keep their values "
                  "while the backend goes on computing (TP_ABI_22): {}",
                  kHeld, get_values ? " and get_value" : "", what),
      [&] {
        const std::vector<Array> first(inputs.begin(), inputs.begin() + kHeld);
        Expected expected;
        {
          const Backend fresh = kit.load_backend();
          expected = copied_at_once(fresh, step, first, get_values);
        }
        const Step::Built c = step.build(b);
        std::vector<Array> results, values;
        for (const Array& x : first) {
          std::vector<Array> out = c.f({x});
          results.push_back(std::move(out.at(0)));  // held, not copied
          if (get_values) values.push_back(b.get_value(c.v));
        }
        compare(kit, expected.results, results, "call result");
        compare(kit, expected.values, values, "get_value after call");
      });

  kit.run_case(
      "function",
      fmt::format("the results of {} calls, released on another thread while "
                  "the context makes {} more (TP_ABI_22): {}",
                  kHeld, kHeld, what),
      [&] {
        Expected expected;
        {
          const Backend fresh = kit.load_backend();
          expected = copied_at_once(fresh, step, inputs, false);
        }
        const Step::Built c = step.build(b);
        std::vector<Array> held;
        for (int k = 0; k < kHeld; ++k) {
          std::vector<Array> out = c.f({inputs[k]});
          held.push_back(std::move(out.at(0)));
        }
        // The other thread compares what it holds, then lets go of each
        // result (its deleter runs there) while this thread calls on.
        std::vector<std::string> released_diffs;
        std::string released_error;
        std::thread releaser([&] {
          try {
            for (int k = 0; k < kHeld; ++k) {
              const std::string diff =
                  bitwise_difference(expected.results[k], held[k]);
              if (!diff.empty()) {
                released_diffs.push_back(
                    fmt::format("call result {}: {}", k, diff));
              }
              held[k] = Array();  // its deleter runs on this thread
            }
          } catch (const std::exception& e) {
            released_error = e.what();
          }
        });
        std::vector<Array> later;
        try {
          for (int k = kHeld; k < 2 * kHeld; ++k) {
            later.push_back(Array(c.f({inputs[k]}).at(0)));
          }
        } catch (...) {
          releaser.join();
          throw;
        }
        releaser.join();
        for (const std::string& d : released_diffs) {
          kit.record_failure(
              fmt::format("{}, read before its release on another thread", d));
        }
        if (!released_error.empty()) {
          kit.record_failure("releasing results on another thread: " +
                             released_error);
        }
        const std::vector<Array> rest(expected.results.begin() + kHeld,
                                      expected.results.end());
        for (std::size_t k = 0; k < rest.size() && k < later.size(); ++k) {
          const std::string diff = bitwise_difference(rest[k], later[k]);
          if (!diff.empty()) {
            kit.record_failure(fmt::format(
                "call {}, made while another thread released earlier "
                "results, differs from the single-threaded result: {}",
                kHeld + k, diff));
            break;
          }
        }
      });
}

}  // namespace tensorplug::conformance
