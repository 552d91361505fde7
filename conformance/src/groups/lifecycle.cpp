// The "lifecycle" group of the conformance kit (docs/conformance.md):
// thousands of create/release cycles with stable memory, and contexts used
// from several threads at once (TP_ABI_10, TP_ABI_12), and results held
// while the backend computes on (TP_ABI_22).
//
// Memory: every cycle makes and releases objects through the host, exactly
// as an application does (a Tensor's destructor calls tensor_release, a
// Function's calls the callable's release, the last object of a Backend
// shuts its context down). Heap growth is measured around the cycles
// (lifecycle/memory_meter.hpp); a backend that keeps anything per cycle
// fails with "leaks ~N bytes per cycle (...)".
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "kit.hpp"
#include "lifecycle/eval.hpp"
#include "lifecycle/held_results.hpp"
#include "lifecycle/memory_meter.hpp"
#include "lifecycle/thread_cases.hpp"
#include "tensorplug/ops.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

// Cycles before the first measurement: long enough for the allocator's
// caches, the backend's pools and the host's tables to reach their size.
constexpr int kWarmup = 100;
// Loading a whole backend (export table read, dlopen refcount, context
// init/shutdown) grows the heap in small steps for its first ~170 cycles
// (the system loader's and the host's tables reaching their size; measured
// with the minimal fixture, flat afterwards): a longer warm-up of its own,
// and enough cycles for the median chunk to see a real leak.
constexpr int kLoadWarmup = 250;
int load_cycles(int cycles) { return std::max(200, cycles / 10); }

void leak_case(Kit& kit, std::string_view entry, std::string_view name,
               const std::function<void()>& cycle, int warmup, int cycles) {
  kit.run_case(entry, fmt::format("{} x {}", name, cycles), [&] {
    const std::string leak =
        leak_message(measure_growth(cycle, warmup, cycles));
    if (!leak.empty()) kit.record_failure(leak);
  });
}

// The first elementwise op the backend exports, with its operand count.
std::optional<std::pair<std::string, int>> elementwise_op(const Backend& b) {
  for (const char* op : {"add", "multiply", "subtract", "maximum"}) {
    if (b.provides(op)) return std::pair<std::string, int>(op, 2);
  }
  for (const char* op : {"negative", "abs", "square", "relu"}) {
    if (b.provides(op)) return std::pair<std::string, int>(op, 1);
  }
  return std::nullopt;
}

void check_memory(Kit& kit, const Backend& b) {
  const int n = kit.options().cycles;
  const auto primary = primary_float(kit);
  const DLDataType dt = primary ? *primary : kit.dtypes().at(0);
  const std::string dn = dtype_name(dt);
  auto rng = kit.rng("lifecycle values " + dn);
  const Array value = random_array({4, 4}, dt, rng);

  leak_case(
      kit, "placeholder",
      fmt::format("create and release a placeholder (None, 3) {}", dn),
      [&] {
        b.placeholder({-1, 3}, dt);
      },
      kWarmup, n);
  leak_case(
      kit, "variable",
      fmt::format("create and release a variable (4, 4) {}", dn),
      [&] { b.variable(value); }, kWarmup, n);
  {
    // Built in the case body, not here: outside a case nothing may call the
    // backend. The cycle objects are created lazily on the first cycle.
    std::optional<Tensor> p, v;
    auto setup = [&] {
      if (!p) p = b.placeholder({4, 4}, dt);
      if (!v) v = b.variable(value);
    };
    leak_case(
        kit, "function",
        fmt::format("create, call and release a function x -> (x, v), "
                    "v <- x ((4, 4) {})",
                    dn),
        [&] {
          setup();
          const Function f = b.function({*p}, {*p, *v}, {{*v, *p}});
          f({value});
        },
        kWarmup, n);
    std::optional<Function> once;
    leak_case(
        kit, "function",
        fmt::format("call one function x -> (x, v), v <- x ((4, 4) {})", dn),
        [&] {
          setup();
          if (!once) once = b.function({*p}, {*p, *v}, {{*v, *p}});
          (*once)({value});
        },
        kWarmup, n);
  }
  if (const auto op = elementwise_op(b)) {
    std::optional<Tensor> p, v;
    leak_case(
        kit, op->first,
        fmt::format("build, compile, call and release {}(x{}) ((4, 4) {})",
                    op->first, op->second == 2 ? ", v" : "", dn),
        [&] {
          if (!p) p = b.placeholder({4, 4}, dt);
          if (!v) v = b.variable(value);
          const Tensor t = op->second == 2 ? b.op(op->first, {*p, *v}, {})
                                           : b.op(op->first, {*p}, {});
          b.function({*p}, {t})({value});
        },
        kWarmup, n);
  } else {
    kit.skip_case("ops", "build, compile, call and release an elementwise op",
                  "the backend exports none of add, multiply, subtract, "
                  "maximum, negative, abs, square, relu");
  }
  leak_case(
      kit, "context",
      fmt::format("load a backend instance, use it, shut it down ({})", dn),
      [&] {
        const Backend x = kit.load_backend();
        const Tensor v = x.variable(value);
        x.function({}, {v})({});
      },
      kLoadWarmup, load_cycles(n));
}

}  // namespace
}  // namespace tensorplug::conformance

TEST_CASE("create/release cycles keep memory stable; contexts work in threads",
          "[lifecycle]") {
  using namespace tensorplug::conformance;
  Kit& kit = Kit::instance();
  const tensorplug::Backend& b = kit.backend();
  check_memory(kit, b);
  check_threads(kit, b);
  check_held_results(kit, b);
}
