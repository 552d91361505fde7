// `gradients` and `stop_gradient` in the reference backend: reverse mode over
// the graph, zeros for unreached targets, errors for non-float targets.
#include <catch2/catch.hpp>

#include "gradcheck.hpp"
#include "ops_test_util.hpp"
#include "tensorplug/errors.hpp"

using namespace tensorplug;
using namespace tensorplug::test;

TEST_CASE("gradients sums the contributions of every path to a target",
          "[ops][gradients]") {
  const Backend b = load_reference_backend();
  const Tensor x = b.placeholder({2}, dtype::of<double>(), "x");
  const Tensor y = b.placeholder({2}, dtype::of<double>(), "y");
  SECTION("x + x + y gives 2 for x and 1 for y") {
    const Tensor loss = op("add", {op("add", {x, x}), y});
    const auto g = gradients(loss, {x, y});
    REQUIRE(g.size() == 2);
    const auto out =
        b.function({x, y}, g)({f64({2}, {1, 2}), f64({2}, {3, 4})});
    CHECK(out[0].to_vector<double>() == std::vector<double>{2, 2});
    CHECK(out[1].to_vector<double>() == std::vector<double>{1, 1});
  }
  SECTION("a broadcast-free chain through the loss itself gives ones") {
    const auto g = gradients(x, {x});
    const auto out = b.function({x}, g)({f64({2}, {5, 6})});
    CHECK(out[0].to_vector<double>() == std::vector<double>{1, 1});
  }
  SECTION("a target the loss does not depend on gets zeros of its shape") {
    const Tensor z = b.variable(f64({3}, {1, 2, 3}), "z");
    const auto g = gradients(op("add", {x, x}), {z});
    const auto out = b.function({x}, g)({f64({2}, {1, 2})});
    CHECK(out[0].shape() == std::vector<std::int64_t>{3});
    CHECK(out[0].to_vector<double>() == std::vector<double>{0, 0, 0});
  }
  SECTION("variables are targets too") {
    const Tensor v = b.variable(f64({2}, {1, 2}), "v");
    const auto g = gradients(op("add", {v, x}), {v});
    const auto out = b.function({x}, g)({f64({2}, {0, 0})});
    CHECK(out[0].to_vector<double>() == std::vector<double>{1, 1});
  }
  SECTION("the gradient of a float32 graph is float32") {
    const Tensor w = b.placeholder({2}, dtype::of<float>(), "w");
    const auto g = gradients(op("add", {w, w}), {w});
    CHECK(dtype::equal(dtype_of(g[0]), dtype::of<float>()));
    const auto out = b.function({w}, g)({Array::of<float>({2}, {1.0f, 2.0f})});
    CHECK(out[0].to_vector<float>() == std::vector<float>{2, 2});
  }
}

TEST_CASE("stop_gradient is the identity and blocks the gradient",
          "[ops][gradients]") {
  const Backend b = load_reference_backend();
  const Tensor x = b.placeholder({2}, dtype::of<double>(), "x");
  SECTION("forward value") {
    const auto out =
        b.function({x}, {op("stop_gradient", {x})})({f64({2}, {1, -2})});
    CHECK(out[0].to_vector<double>() == std::vector<double>{1, -2});
  }
  SECTION("gradient through stop_gradient is zero") {
    const auto g = gradients(op("stop_gradient", {x}), {x});
    const auto out = b.function({x}, g)({f64({2}, {1, -2})});
    CHECK(out[0].to_vector<double>() == std::vector<double>{0, 0});
  }
  SECTION("only the stopped path is blocked") {
    const Tensor loss = op("add", {op("stop_gradient", {x}), x});
    const auto out = b.function({x}, gradients(loss, {x}))({f64({2}, {1, -2})});
    CHECK(out[0].to_vector<double>() == std::vector<double>{1, 1});
  }
}

TEST_CASE("gradients rejects non-float targets and losses naming them",
          "[ops][gradients]") {
  const Backend b = load_reference_backend();
  const Tensor x = b.placeholder({2}, dtype::of<double>(), "x");
  const Tensor i = b.placeholder({2}, dtype::of<std::int32_t>(), "counts");
  SECTION("integer target") {
    const auto m = error_of([&] { gradients(op("add", {x, x}), {x, i}); });
    CHECK_THAT(m, Catch::Contains("target 1"));
    CHECK_THAT(m, Catch::Contains("'counts'"));
    CHECK_THAT(m, Catch::Contains("int32"));
  }
  SECTION("integer loss") {
    const auto m = error_of([&] { gradients(op("add", {i, i}), {x}); });
    CHECK_THAT(m, Catch::Contains("gradients: the loss"));
    CHECK_THAT(m, Catch::Contains("int32"));
  }
}
