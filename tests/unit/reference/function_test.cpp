// `function` on the reference backend: updates applied in order over calls,
// outputs computed before the updates, independent callables in two
// contexts used from two threads, and gradient-based SGD updates.
#include <catch2/catch.hpp>

#include <thread>

#include "gradcheck.hpp"
#include "ops_test_util.hpp"

using namespace tensorplug;
using namespace tensorplug::test;

TEST_CASE("A function's updates apply at every call, after the outputs",
          "[ops][function]") {
  const Backend b = load_reference_backend();
  const Tensor v = b.variable(make({2}, {0, 10}, kF64), "v");
  const Tensor one = b.op("constant", {}, {{"value", make({2}, {1, 1}, kF64)}});
  const Function f = b.function({}, {v}, {{v, op("add", {v, one})}});
  SECTION("each call sees the value left by the previous one") {
    CHECK(values(f({}).at(0)) == std::vector<double>{0, 10});
    CHECK(values(f({}).at(0)) == std::vector<double>{1, 11});
    CHECK(values(f({}).at(0)) == std::vector<double>{2, 12});
    CHECK(values(b.get_value(v)) == std::vector<double>{3, 13});
  }
  SECTION("two variables updated from each other's old values (a swap)") {
    const Tensor a = b.variable(make({1}, {1}, kF64), "a");
    const Tensor c = b.variable(make({1}, {2}, kF64), "c");
    const Function swap = b.function({}, {a, c}, {{a, c}, {c, a}});
    const auto out = swap({});
    CHECK(values(out[0]) == std::vector<double>{1});
    CHECK(values(b.get_value(a)) == std::vector<double>{2});
    CHECK(values(b.get_value(c)) == std::vector<double>{1});
  }
}

TEST_CASE("Callables of two contexts run independently in two threads",
          "[ops][function]") {
  const Backend b1 = load_reference_backend();
  const Backend b2 = load_reference_backend();
  auto make_counter = [](const Backend& b, double start) {
    const Tensor v = b.variable(make({1}, {start}, kF64));
    const Tensor one = b.op("constant", {}, {{"value", make({1}, {1}, kF64)}});
    return std::make_pair(v, b.function({}, {v}, {{v, op("add", {v, one})}}));
  };
  auto [v1, f1] = make_counter(b1, 0);
  auto [v2, f2] = make_counter(b2, 1000);
  std::vector<double> last1, last2;
  std::thread t1([&] {
    for (int i = 0; i < 200; ++i) last1 = values(f1({}).at(0));
  });
  std::thread t2([&] {
    for (int i = 0; i < 300; ++i) last2 = values(f2({}).at(0));
  });
  t1.join();
  t2.join();
  CHECK(last1 == std::vector<double>{199});
  CHECK(last2 == std::vector<double>{1299});
  CHECK(values(b1.get_value(v1)) == std::vector<double>{200});
  CHECK(values(b2.get_value(v2)) == std::vector<double>{1300});
}

TEST_CASE("SGD updates from gradients decrease a quadratic loss",
          "[ops][function]") {
  const Backend b = load_reference_backend();
  const Tensor w = b.variable(make({2}, {3, -2}, kF64), "w");
  const Tensor target =
      b.op("constant", {}, {{"value", make({2}, {1, 0.5}, kF64)}});
  const Tensor lr = b.op("constant", {}, {{"value", make({}, {0.1}, kF64)}});
  const Tensor loss = op("sum", {op("square", {op("subtract", {w, target})})});
  const Tensor grad = gradients(loss, {w}).at(0);
  const Function step = b.function(
      {}, {loss}, {{w, op("subtract", {w, op("multiply", {lr, grad})})}});
  double previous = values(step({}).at(0)).at(0);
  CHECK(previous == Approx(4 + 6.25));
  for (int i = 0; i < 60; ++i) {
    const double current = values(step({}).at(0)).at(0);
    CHECK(current < previous);
    previous = current;
  }
  CHECK(previous < 1e-4);
  check_close(values(b.get_value(w)), {1, 0.5}, 1e-3);
}
