// Activations (relu, sigmoid, tanh, softplus, elu) and clip of the reference
// backend: Keras 2 values, dtypes, errors and gradients.
#include <cmath>
#include <limits>

#include "ops_test_util.hpp"

using namespace tensorplug;
using namespace tensorplug::test;

namespace {
double sigmoid(double v) { return 1 / (1 + std::exp(-v)); }
}  // namespace

TEST_CASE("relu follows Keras 2.2 with alpha, max_value and threshold",
          "[ops]") {
  const Backend b = load_reference_backend();
  const Array x = make({6}, {-2, -0.5, 0, 0.5, 2, 8});
  SECTION("defaults") {
    check_close(values(run(b, "relu", {x})), {0, 0, 0, 0.5, 2, 8});
  }
  SECTION("alpha") {
    check_close(values(run(b, "relu", {x}, {{"alpha", 0.1}})),
                {-0.2, -0.05, 0, 0.5, 2, 8});
  }
  SECTION("max_value, and max_value None") {
    check_close(values(run(b, "relu", {x}, {{"max_value", 6.0}})),
                {0, 0, 0, 0.5, 2, 6});
    check_close(values(run(b, "relu", {x}, {{"max_value", None{}}})),
                {0, 0, 0, 0.5, 2, 8});
  }
  SECTION("threshold: x for threshold <= x, alpha * (x - threshold) below") {
    check_close(
        values(run(b, "relu", {x},
                   {{"threshold", 0.5}, {"alpha", 0.5}, {"max_value", 4}})),
        {-1.25, -0.5, -0.25, 0.5, 2, 4});
  }
  SECTION("float64 and float16") {
    check_close(values(run(b, "relu", {make({2}, {-1, 3}, kF64)})), {0, 3}, 0);
    const Array h =
        run(b, "relu", {make({2}, {-1, 3}, kF16)}, {{"alpha", 0.5}});
    CHECK(dtype::equal(h.dtype(), kF16));
    check_close(values(h), {-0.5, 3}, 0);
  }
  SECTION("an unknown attribute, and an integer operand") {
    CHECK_THAT(error_of([&] {
                 run(b, "relu", {x}, {{"beta", 1.0}});
               }),
               Catch::Contains("relu: unknown attribute 'beta'"));
    CHECK_THAT(error_of([&] { run(b, "relu", {make({1}, {1}, kI32)}); }),
               Catch::Contains("relu: operand of shape (1,) has dtype int32"));
  }
}

TEST_CASE("sigmoid, tanh, softplus and elu compute stably", "[ops]") {
  const Backend b = load_reference_backend();
  const Array x = make({5}, {-800, -1, 0, 2, 800}, kF64);
  SECTION("sigmoid") {
    check_close(values(run(b, "sigmoid", {x})),
                {0, sigmoid(-1), 0.5, sigmoid(2), 1}, 1e-15);
  }
  SECTION("tanh") {
    check_close(values(run(b, "tanh", {x})),
                {-1, std::tanh(-1.0), 0, std::tanh(2.0), 1}, 1e-15);
  }
  SECTION("softplus does not overflow") {
    check_close(values(run(b, "softplus", {x})),
                {0, std::log1p(std::exp(-1.0)), std::log(2.0),
                 std::log1p(std::exp(2.0)), 800},
                1e-15);
  }
  SECTION("elu with the default and a custom alpha") {
    check_close(values(run(b, "elu", {x})), {-1, std::expm1(-1.0), 0, 2, 800},
                1e-15);
    check_close(values(run(b, "elu", {x}, {{"alpha", 0.5}})),
                {-0.5, 0.5 * std::expm1(-1.0), 0, 2, 800}, 1e-15);
  }
  SECTION("float32 and float16") {
    check_close(values(run(b, "sigmoid", {make({2}, {0, 1})})),
                {0.5, sigmoid(1)}, 1e-7);
    const Array h = run(b, "tanh", {make({2}, {0, 1}, kF16)});
    CHECK(dtype::equal(h.dtype(), kF16));
    check_close(values(h), {0, static_cast<double>(_Float16(std::tanh(1.0f)))},
                0);
  }
}

TEST_CASE("clip bounds values like Keras 2", "[ops]") {
  const Backend b = load_reference_backend();
  const Array x = make({5}, {-3, -1, 0, 1, 3});
  SECTION("both bounds") {
    check_close(
        values(run(b, "clip", {x}, {{"min_value", -1.5}, {"max_value", 2.0}})),
        {-1.5, -1, 0, 1, 2});
  }
  SECTION("max_value < min_value means max_value = min_value") {
    check_close(
        values(run(b, "clip", {x}, {{"min_value", 0.5}, {"max_value", -2.0}})),
        {0.5, 0.5, 0.5, 0.5, 0.5});
  }
  SECTION("None bounds are unbounded") {
    check_close(values(run(b, "clip", {x},
                           {{"min_value", None{}}, {"max_value", 0.0}})),
                {-3, -1, 0, 0, 0});
  }
  SECTION("integers round the bounds inward") {
    CHECK(values(run(b, "clip", {make({4}, {-3, -1, 2, 5}, kI64)},
                     {{"min_value", -1.5}, {"max_value", 2.5}})) ==
          std::vector<double>{-1, -1, 2, 2});
    CHECK(values(run(b, "clip", {make({2}, {-7, 7}, kI32)},
                     {{"min_value", -1e20}, {"max_value", 1e20}})) ==
          std::vector<double>{-7, 7});
  }
  SECTION("float16") {
    check_close(values(run(b, "clip", {make({2}, {-3, 0.25}, kF16)},
                           {{"min_value", -1}, {"max_value", 1}})),
                {-1, 0.25}, 0);
  }
  SECTION("a NaN bound is an error") {
    CHECK_THAT(error_of([&] {
                 run(b, "clip", {x},
                     {{"min_value", std::nan("")}, {"max_value", 1.0}});
               }),
               Catch::Contains("clip: min_value is NaN"));
  }
}

TEST_CASE("Activations and clip have gradients matching finite differences",
          "[ops]") {
  const Backend b = load_reference_backend();
  const Array x =
      make({2, 4}, {-2.1, -0.7, -0.2, 0.3, 0.9, 1.6, 2.4, 7.5}, kF64);
  using V = std::vector<Tensor>;
  SECTION("sigmoid, tanh, softplus, elu") {
    for (const char* name : {"sigmoid", "tanh", "softplus", "elu"}) {
      check_gradient(b, [&](const V& v) { return op(name, {v[0]}); }, {x});
    }
    check_gradient(b,
                   [](const V& v) {
                     return op("elu", {v[0]}, {{"alpha", 0.4}});
                   },
                   {x});
  }
  SECTION("relu with every attribute") {
    check_gradient(b, [](const V& v) { return op("relu", {v[0]}); }, {x});
    check_gradient(
        b,
        [](const V& v) {
          return op("relu", {v[0]},
                    {{"alpha", 0.2}, {"max_value", 2.0}, {"threshold", 0.5}});
        },
        {x});
  }
  SECTION("clip passes the gradient inside the bounds only") {
    check_gradient(
        b,
        [](const V& v) {
          return op("clip", {v[0]}, {{"min_value", -1.0}, {"max_value", 2.0}});
        },
        {x});
  }
}
