#include "lifecycle/function_cases.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "lifecycle/bitwise.hpp"
#include "lifecycle/eval.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

// Fails the case unless the function returned `n` outputs.
void expect_count(const std::vector<Array>& outputs, std::size_t n) {
  if (outputs.size() != n) {
    throw std::runtime_error(
        fmt::format("the function returned {} outputs, "
                    "expected {}",
                    outputs.size(), n));
  }
}

}  // namespace

void check_functions(Kit& kit, const Backend& b) {
  // Not about dtypes: one dtype, float32 when it is under test.
  const auto primary = primary_float(kit);
  const DLDataType dt = primary ? *primary : kit.dtypes().at(0);
  const std::string dn = dtype_name(dt);
  auto values = [&](std::string_view key, std::vector<std::int64_t> shape,
                    int count) {
    auto rng = kit.rng(fmt::format("function {} {}", key, dn));
    std::vector<Array> out;
    for (int i = 0; i < count; ++i) {
      // Integers from a wide range, so that consecutive values differ.
      out.push_back(random_array(shape, dt, rng,
                                 dt.code == kDLFloat ? -1.0 : -1000.0,
                                 dt.code == kDLFloat ? 1.0 : 1000.0));
    }
    return out;
  };

  kit.run_case(
      "function",
      fmt::format("inputs (2, 3) and (4,) {}, outputs (b, a, b) in order", dn),
      [&] {
        const Tensor a = b.placeholder({2, 3}, dt, "a");
        const Tensor c = b.placeholder({4}, dt, "b");
        const Function f = b.function({a, c}, {c, a, c});
        const auto x = values("order a", {2, 3}, 1).at(0);
        const auto y = values("order b", {4}, 1).at(0);
        const auto out = f({x, y});
        expect_count(out, 3);
        expect_same(kit, y, out[0], "output 0 (input b)");
        expect_same(kit, x, out[1], "output 1 (input a)");
        expect_same(kit, y, out[2], "output 2 (input b)");
      });

  kit.run_case("function",
               fmt::format("no inputs: two variables (3,) {} as outputs", dn),
               [&] {
                 const auto init = values("no inputs", {3}, 2);
                 const Tensor v = b.variable(init[0]);
                 const Tensor w = b.variable(init[1]);
                 const auto out = b.function({}, {w, v})({});
                 expect_count(out, 2);
                 expect_same(kit, init[1], out[0], "output 0");
                 expect_same(kit, init[0], out[1], "output 1");
               });

  kit.run_case(
      "function",
      fmt::format("update v <- x applied after the outputs: output v is the "
                  "old value ({}, (2, 2) {})",
                  "3 calls", dn),
      [&] {
        const auto a = values("after outputs", {2, 2}, 3);
        const Tensor v = b.variable(a[0]);
        const Tensor x = b.placeholder({2, 2}, dt);
        const Function f = b.function({x}, {v}, {{v, x}});
        for (int call = 1; call <= 2; ++call) {
          const auto out = f({a[call]});
          expect_count(out, 1);
          expect_same(kit, a[call - 1], out[0],
                      fmt::format("call {}: output v (the value before the "
                                  "update)",
                                  call));
          if (b.provides("get_value")) {
            expect_same(kit, a[call], b.get_value(v),
                        fmt::format("get_value(v) after call {}", call));
          }
        }
      });

  kit.run_case(
      "function",
      fmt::format("updates computed before any variable changes: v1 <- v2, "
                  "v2 <- v1 swaps them ((3,) {}, 3 calls)",
                  dn),
      [&] {
        const auto a = values("swap", {3}, 2);
        const Tensor v1 = b.variable(a[0]);
        const Tensor v2 = b.variable(a[1]);
        const Function f = b.function({}, {v1, v2}, {{v1, v2}, {v2, v1}});
        for (int call = 0; call < 3; ++call) {
          const auto out = f({});
          expect_count(out, 2);
          const bool swapped = call % 2 == 1;
          expect_same(kit, a[swapped ? 1 : 0], out[0],
                      fmt::format("call {}: output v1", call + 1));
          expect_same(kit, a[swapped ? 0 : 1], out[1],
                      fmt::format("call {}: output v2", call + 1));
        }
      });

  kit.run_case(
      "function",
      fmt::format("repeated calls see the updated state: f(x) has no outputs "
                  "and sets v <- x, g() returns v ((2,) {}, 5 calls)",
                  dn),
      [&] {
        const auto a = values("repeated", {2}, 6);
        const Tensor v = b.variable(a[0]);
        const Tensor x = b.placeholder({2}, dt);
        const Function f = b.function({x}, {}, {{v, x}});
        const Function g = b.function({}, {v});
        for (int call = 1; call <= 5; ++call) {
          expect_count(f({a[call]}), 0);
          expect_same(kit, a[call], g({}).at(0),
                      fmt::format("g() after call {} of f", call));
        }
      });

  kit.run_case(
      "function",
      fmt::format("release: after a function is destroyed, its variable and "
                  "other functions still work ((2,) {})",
                  dn),
      [&] {
        const auto a = values("release", {2}, 3);
        const Tensor v = b.variable(a[0]);
        const Tensor x = b.placeholder({2}, dt);
        const Function keep = b.function({x}, {x});
        {
          const Function gone = b.function({x}, {v}, {{v, x}});
          gone({a[1]});
        }  // callable released here
        expect_same(kit, a[1], b.function({}, {v})({}).at(0),
                    "v read by a new function");
        expect_same(kit, a[2], keep({a[2]}).at(0),
                    "a function created before the release");
        const Function again = b.function({x}, {v}, {{v, x}});
        expect_same(kit, a[1], again({a[2]}).at(0),
                    "a new function updating v");
      });

  kit.run_case(
      "function",
      fmt::format("a function keeps its variable after the application "
                  "released it (TP_ABI_14, (2,) {})",
                  dn),
      [&] {
        const auto a = values("released variable", {2}, 3);
        Function f;
        {
          const Tensor v = b.variable(a[0]);
          const Tensor x = b.placeholder({2}, dt);
          f = b.function({x}, {v}, {{v, x}});
        }  // tensor_release for v and x; f still uses them
        expect_same(kit, a[0], f({a[1]}).at(0), "call 1: output v");
        expect_same(kit, a[1], f({a[2]}).at(0), "call 2: output v");
      });

  if (!b.provides("set_value")) {
    kit.not_provided("set_value");
    return;
  }
  kit.run_case("set_value",
               fmt::format("a function sees the value set ((2, 2) {})", dn),
               [&] {
                 const auto a = values("set_value", {2, 2}, 2);
                 const Tensor v = b.variable(a[0]);
                 const Function f = b.function({}, {v});
                 expect_same(kit, a[0], f({}).at(0), "before set_value");
                 b.set_value(v, a[1]);
                 expect_same(kit, a[1], f({}).at(0), "after set_value");
                 if (b.provides("get_value")) {
                   expect_same(kit, a[1], b.get_value(v), "get_value");
                 }
               });
}

}  // namespace tensorplug::conformance
