// The crossentropies and dropout of the reference backend: values against
// closed forms, the context's epsilon, errors, and gradients w.r.t. the
// output (check_gradient, float64); dropout's mask shared by the forward
// pass and the gradient of the same call.
#include <catch2/catch.hpp>

#include <cmath>

#include "gradcheck.hpp"
#include "ops_test_util.hpp"

using namespace tensorplug;
using namespace tensorplug::test;

namespace {

Tensor constant(const Backend& b, const Array& a) {
  return b.op("constant", {}, {{"value", a}});
}

}  // namespace

TEST_CASE("categorical_crossentropy follows Keras 2.2", "[ops][nn]") {
  const Backend b = load_reference_backend();
  SECTION("probabilities, normalised first") {
    const Array y = run(b, "categorical_crossentropy",
                        {make({2, 3}, {0, 1, 0, 0, 0, 1}),
                         make({2, 3}, {0.2, 0.5, 0.3, 0.4, 1.0, 0.6})});
    CHECK(y.shape() == std::vector<std::int64_t>{2});
    check_close(values(y), {-std::log(0.5), -std::log(0.3)});
  }
  SECTION("clipped to the context's epsilon") {
    const Array y =
        run(b, "categorical_crossentropy",
            {make({3}, {1, 0, 0}, kF64), make({3}, {0, 1, 0}, kF64)});
    check_close(values(y), {-std::log(1e-7)});
  }
  SECTION("from logits, axis 0") {
    const Array y = run(b, "categorical_crossentropy",
                        {make({3, 1}, {0, 0, 1}), make({3, 1}, {1, 2, 3})},
                        {{"from_logits", true}, {"axis", 0}});
    const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
    check_close(values(y), {lse - 3});
  }
  SECTION("errors") {
    const Tensor t = b.placeholder({2, 3});
    const Tensor o = b.placeholder({2, 4});
    CHECK_THAT(error_of([&] {
                 b.op("categorical_crossentropy", {t, o}, {});
               }),
               Catch::Contains("categorical_crossentropy: target shape (2, 3) "
                               "does not match output shape (2, 4)"));
    const Tensor o64 = b.placeholder({2, 3}, kF64);
    CHECK_THAT(error_of([&] {
                 b.op("categorical_crossentropy", {t, o64}, {});
               }),
               Catch::Contains("float32"));
  }
  SECTION("gradient w.r.t. the output") {
    const Array t = f64({2, 3}, {0.2, 0.7, 0.1, 0, 0, 1});
    const Array o = f64({2, 3}, {0.2, 0.5, 0.3, 0.4, 1.0, 0.6});
    for (bool logits : {false, true}) {
      INFO("from_logits " << logits);
      check_gradient(b,
                     [&](const std::vector<Tensor>& v) {
                       return op("categorical_crossentropy",
                                 {constant(b, t), v[0]},
                                 {{"from_logits", logits}});
                     },
                     {o});
    }
  }
}

TEST_CASE("sparse_categorical_crossentropy takes class indices", "[ops][nn]") {
  const Backend b = load_reference_backend();
  SECTION("int32 and float targets") {
    const Array o = make({2, 3}, {0.2, 0.5, 0.3, 0.1, 0.1, 0.8});
    check_close(values(run(b, "sparse_categorical_crossentropy",
                           {make({2}, {1, 2}, kI32), o})),
                {-std::log(0.5), -std::log(0.8)});
    check_close(values(run(b, "sparse_categorical_crossentropy",
                           {make({2, 1}, {1, 2}), o})),
                {-std::log(0.5), -std::log(0.8)});
  }
  SECTION("from logits") {
    const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
    check_close(values(run(b, "sparse_categorical_crossentropy",
                           {make({1}, {0}, kI64), make({1, 3}, {1, 2, 3})},
                           {{"from_logits", true}})),
                {lse - 1});
  }
  SECTION("errors") {
    const Tensor o = b.placeholder({2, 3});
    const Tensor t = b.placeholder({3}, kI32);
    CHECK_THAT(error_of([&] {
                 b.op("sparse_categorical_crossentropy", {t, o}, {});
               }),
               Catch::Contains("target shape (3,) does not match output shape "
                               "(2, 3)"));
    CHECK_THAT(error_of([&] {
                 run(b, "sparse_categorical_crossentropy",
                     {make({1}, {3}, kI32), make({1, 3}, {0.2, 0.5, 0.3})});
               }),
               Catch::Contains("target class 3 (element 0) is out of range "
                               "for 3 classes"));
  }
  SECTION("gradient w.r.t. the output") {
    const Array t = make({2}, {2, 0}, kI32);
    const Array o = f64({2, 3}, {0.2, 0.5, 0.3, 0.4, 0.35, 0.25});
    for (bool logits : {false, true}) {
      INFO("from_logits " << logits);
      check_gradient(b,
                     [&](const std::vector<Tensor>& v) {
                       return op("sparse_categorical_crossentropy",
                                 {constant(b, t), v[0]},
                                 {{"from_logits", logits}});
                     },
                     {o});
    }
  }
}

TEST_CASE("binary_crossentropy is elementwise, via logits", "[ops][nn]") {
  const Backend b = load_reference_backend();
  SECTION("probabilities") {
    check_close(
        values(run(b, "binary_crossentropy",
                   {make({2}, {1, 0}, kF64), make({2}, {0.8, 0.3}, kF64)})),
        {-std::log(0.8), -std::log(0.7)}, 1e-9);
  }
  SECTION("logits") {
    check_close(values(run(b, "binary_crossentropy",
                           {make({2}, {1, 0}), make({2}, {0, 100})},
                           {{"from_logits", true}})),
                {std::log(2.0), 100});
  }
  SECTION("errors") {
    const Tensor t = b.placeholder({2});
    const Tensor o = b.placeholder({3});
    CHECK_THAT(error_of([&] {
                 b.op("binary_crossentropy", {t, o}, {});
               }),
               Catch::Contains("binary_crossentropy: target shape (2,) and "
                               "output shape (3,) differ"));
  }
  SECTION("gradient w.r.t. the output") {
    const Array t = f64({2, 2}, {1, 0, 0.3, 1});
    const Array o = f64({2, 2}, {0.8, 0.3, 0.6, 0.1});
    for (bool logits : {false, true}) {
      INFO("from_logits " << logits);
      check_gradient(b,
                     [&](const std::vector<Tensor>& v) {
                       return op("binary_crossentropy", {constant(b, t), v[0]},
                                 {{"from_logits", logits}});
                     },
                     {o});
    }
  }
}

TEST_CASE("dropout keeps 1 - level of the values, scaled, per call",
          "[ops][nn]") {
  const Backend b = load_reference_backend();
  std::vector<double> ones(1000, 1.0);
  const Tensor x = b.placeholder({1000}, kF64);
  SECTION("level 0 is the identity") {
    const Array y = run(b, "dropout", {f64({1000}, ones)}, {{"level", 0.0}});
    CHECK(values(y) == ones);
  }
  SECTION("kept values are scaled by 1 / (1 - level); re-drawn each call") {
    const Function f =
        b.function({x}, {b.op("dropout", {x}, {{"level", 0.25}, {"seed", 7}})});
    const auto first = values(f({f64({1000}, ones)}).at(0));
    std::size_t kept = 0;
    for (double v : first) {
      CHECK((v == 0.0 || std::abs(v - 4.0 / 3.0) < 1e-12));
      kept += v != 0.0;
    }
    CHECK(kept > 650);
    CHECK(kept < 850);
    const auto second = values(f({f64({1000}, ones)}).at(0));
    CHECK(first != second);
  }
  SECTION("a seed gives the same sequence in another graph") {
    auto draw = [&] {
      const Function f = b.function(
          {x}, {b.op("dropout", {x}, {{"level", 0.5}, {"seed", 3}})});
      return values(f({f64({1000}, ones)}).at(0));
    };
    CHECK(draw() == draw());
  }
  SECTION("noise_shape broadcasts one mask") {
    const Array y = run(b, "dropout", {f64({3, 4}, std::vector<double>(12, 1))},
                        {{"level", 0.5}, {"noise_shape", Ints{3, 1}}});
    const auto v = values(y);
    for (std::size_t r = 0; r < 3; ++r) {
      for (std::size_t c = 1; c < 4; ++c) CHECK(v[r * 4 + c] == v[r * 4]);
    }
  }
  SECTION("the gradient uses the mask of the same call") {
    const Tensor y = b.op("dropout", {x}, {{"level", 0.5}});
    const Tensor loss = op("sum", {y});
    const Function f = b.function({x}, {y, gradients(loss, {x}).at(0)});
    const auto out = f({f64({1000}, ones)});
    CHECK(values(out[0]) == values(out[1]));
  }
  SECTION("errors") {
    CHECK_THAT(error_of([&] {
                 b.op("dropout", {x}, {{"level", 1.0}});
               }),
               Catch::Contains("dropout: level 1 is not in [0, 1)"));
    CHECK_THAT(error_of([&] {
                 b.op("dropout", {x}, {{"level", -0.1}});
               }),
               Catch::Contains("is not in [0, 1)"));
    CHECK_THAT(
        error_of([&] {
          b.op("dropout", {x}, {{"level", 0.5}, {"noise_shape", Ints{2}}});
        }),
        Catch::Contains("dropout: noise_shape (2,) does not broadcast "
                        "to x shape (1000,)"));
    const Tensor i = b.placeholder({2}, kI32);
    CHECK_THAT(error_of([&] {
                 b.op("dropout", {i}, {{"level", 0.5}});
               }),
               Catch::Contains("dropout: x has dtype int32"));
  }
}
