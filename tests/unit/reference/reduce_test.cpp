// sum, mean, max, min, argmax and argmin in the reference backend: axes,
// keepdims, negative axes, dtypes, empty reductions, errors and gradients.
#include <catch2/catch.hpp>

#include "gradcheck.hpp"
#include "ops_test_util.hpp"
#include "tensorplug/errors.hpp"

using namespace tensorplug;
using namespace tensorplug::test;

namespace {

using Shape = std::vector<std::int64_t>;
using D = std::vector<double>;

}  // namespace

TEST_CASE("sum and mean reduce over the given axes", "[ops]") {
  const Backend b = load_reference_backend();
  // [[1, 2, 3], [4, 5, 6]]
  const Tensor x = b.variable(f64({2, 3}, {1, 2, 3, 4, 5, 6}));
  SECTION("all axes by default") {
    const Array s = eval(b, op("sum", {x}));
    CHECK(s.shape().empty());
    CHECK(s.to_vector<double>() == D{21});
    CHECK(eval(b, op("mean", {x}, {{"axis", None{}}})).to_vector<double>() ==
          D{3.5});
  }
  SECTION("one axis, negative axes and lists of axes") {
    CHECK(eval(b, op("sum", {x}, {{"axis", 0}})).to_vector<double>() ==
          D{5, 7, 9});
    CHECK(eval(b, op("sum", {x}, {{"axis", -1}})).to_vector<double>() ==
          D{6, 15});
    CHECK(eval(b, op("mean", {x}, {{"axis", 1}})).to_vector<double>() ==
          D{2, 5});
    CHECK(
        eval(b, op("sum", {x}, {{"axis", Ints{0, -1}}})).to_vector<double>() ==
        D{21});
  }
  SECTION("keepdims keeps reduced axes as 1") {
    const Array s = eval(b, op("sum", {x}, {{"axis", 1}, {"keepdims", true}}));
    CHECK(s.shape() == Shape{2, 1});
    CHECK(int_shape(op("mean", {b.placeholder({-1, 3, 4})},
                       {{"axis", 1}, {"keepdims", true}})) == Shape{-1, 1, 4});
    CHECK(int_shape(op("mean", {b.placeholder({-1, 3, 4})},
                       {{"axis", Ints{0, 2}}})) == Shape{3});
  }
  SECTION("integer and float32/float16 dtypes") {
    const Tensor i = b.variable(Array::of<std::int32_t>({2, 2}, {1, 2, 3, 4}));
    CHECK(eval(b, op("sum", {i}, {{"axis", 0}})).to_vector<std::int32_t>() ==
          std::vector<std::int32_t>{4, 6});
    // integer mean truncates, as TensorFlow's
    CHECK(eval(b, op("mean", {i}, {{"axis", 1}})).to_vector<std::int32_t>() ==
          std::vector<std::int32_t>{1, 3});
    const Tensor l = b.variable(Array::of<std::int64_t>({3}, {5, -7, 1}));
    CHECK(eval(b, op("sum", {l})).to_vector<std::int64_t>() ==
          std::vector<std::int64_t>{-1});
    const Tensor f = b.variable(Array::of<float>({4}, {0.5f, 1.5f, 2, 4}));
    CHECK(eval(b, op("mean", {f})).to_vector<float>() == std::vector<float>{2});
    const Tensor h = op("cast", {f}, {{"dtype", dtype::float16}});
    CHECK(eval(b, op("cast", {op("sum", {h})}, {{"dtype", dtype::float32}}))
              .to_vector<float>() == std::vector<float>{8});
  }
  SECTION("the sum of no element is 0; the mean is an error") {
    const Tensor e = b.variable(f64({0, 3}, {}));
    CHECK(eval(b, op("sum", {e}, {{"axis", 0}})).to_vector<double>() ==
          D{0, 0, 0});
    CHECK_THAT(error_of([&] {
                 op("mean", {e}, {{"axis", 0}});
               }),
               Catch::Contains("mean: cannot reduce zero elements of shape (0, "
                               "3) along axes (0,)"));
    const Tensor p = b.placeholder({-1, 3}, dtype::float64);
    const Tensor m = op("mean", {p});
    CHECK_THAT(
        error_of([&] {
          b.function({p}, {m})({f64({0, 3}, {})});
        }),
        Catch::Contains("mean: cannot reduce zero elements of shape (0, 3)"));
  }
  SECTION("invalid axes are errors") {
    CHECK_THAT(error_of([&] {
                 op("sum", {x}, {{"axis", 2}});
               }),
               Catch::Contains("sum: axis 2 is out of range for shape (2, 3)"));
    CHECK_THAT(error_of([&] {
                 op("sum", {x}, {{"axis", Ints{1, -1}}});
               }),
               Catch::Contains("sum: axis -1 is repeated"));
  }
}

TEST_CASE("max and min reduce to the extreme values", "[ops]") {
  const Backend b = load_reference_backend();
  const Tensor x = b.variable(f64({2, 3}, {3, -1, 2, 0, 5, -4}));
  SECTION("values") {
    CHECK(eval(b, op("max", {x})).to_vector<double>() == D{5});
    CHECK(eval(b, op("min", {x})).to_vector<double>() == D{-4});
    CHECK(eval(b, op("max", {x}, {{"axis", 0}})).to_vector<double>() ==
          D{3, 5, 2});
    CHECK(eval(b, op("min", {x}, {{"axis", 1}, {"keepdims", true}})).shape() ==
          Shape{2, 1});
    CHECK(eval(b, op("min", {x}, {{"axis", 1}})).to_vector<double>() ==
          D{-1, -4});
    const Tensor i = b.variable(Array::of<std::int64_t>({3}, {-5, 9, 2}));
    CHECK(eval(b, op("max", {i})).to_vector<std::int64_t>() ==
          std::vector<std::int64_t>{9});
  }
  SECTION("a NaN propagates") {
    const Tensor n = b.variable(f64({3}, {1, std::nan(""), 2}));
    CHECK(std::isnan(eval(b, op("max", {n})).to_vector<double>()[0]));
  }
  SECTION("no element is an error") {
    CHECK_THAT(error_of([&] {
                 op("max", {b.variable(f64({2, 0}, {}))}, {{"axis", 1}});
               }),
               Catch::Contains("max: cannot reduce zero elements of shape (2, "
                               "0) along axes (1,)"));
    CHECK_THAT(
        error_of([&] { op("min", {b.variable(f64({0}, {}))}); }),
        Catch::Contains("min: cannot reduce zero elements of shape (0,)"));
  }
  SECTION("bool operands are refused") {
    const Tensor t = op("greater", {x, b.variable(f64({}, {0}))});
    CHECK_THAT(error_of([&] { op("sum", {t}); }),
               Catch::Contains("sum: dtype bool is not supported"));
  }
}

TEST_CASE("argmax and argmin give int64 positions along an axis", "[ops]") {
  const Backend b = load_reference_backend();
  const Tensor x = b.variable(f64({2, 3}, {3, -1, 3, 0, 5, -4}));
  SECTION("the last axis by default; ties give the first position") {
    const Tensor a = op("argmax", {x});
    CHECK(dtype::equal(dtype_of(a), dtype::int64));
    CHECK(eval(b, a).to_vector<std::int64_t>() ==
          std::vector<std::int64_t>{0, 1});
    CHECK(eval(b, op("argmin", {x})).to_vector<std::int64_t>() ==
          std::vector<std::int64_t>{1, 2});
  }
  SECTION("another axis and integer operands") {
    CHECK(eval(b, op("argmax", {x}, {{"axis", 0}})).to_vector<std::int64_t>() ==
          std::vector<std::int64_t>{0, 1, 0});
    const Tensor i = b.variable(Array::of<std::int32_t>({2, 2}, {4, 1, 2, 8}));
    CHECK(
        eval(b, op("argmin", {i}, {{"axis", -2}})).to_vector<std::int64_t>() ==
        std::vector<std::int64_t>{1, 0});
    CHECK(int_shape(op("argmax", {b.placeholder({-1, 10})})) == Shape{-1});
  }
  SECTION("errors") {
    CHECK_THAT(
        error_of([&] {
          op("argmax", {x}, {{"axis", 2}});
        }),
        Catch::Contains("argmax: axis 2 is out of range for shape (2, 3)"));
    CHECK_THAT(error_of([&] {
                 op("argmin", {b.variable(f64({2, 0}, {}))});
               }),
               Catch::Contains("argmin: cannot reduce zero elements of shape "
                               "(2, 0) along axis 1"));
  }
}

TEST_CASE("reductions have gradients", "[ops]") {
  const Backend b = load_reference_backend();
  const Array x = f64({2, 3, 2}, {0.3, -0.2, 0.9, 0.1, -0.7, 0.5, 0.8, -0.4,
                                  0.05, 0.6, -0.9, 0.2});
  for (const char* name : {"sum", "mean", "max", "min"}) {
    SECTION(name) {
      auto f = [name](Attrs attrs) {
        return [name, attrs](const std::vector<Tensor>& t) {
          return op(name, {t[0]}, attrs);
        };
      };
      check_gradient(b, f({}), {x});
      check_gradient(b, f({{"axis", 1}}), {x});
      check_gradient(b, f({{"axis", Ints{0, 2}}, {"keepdims", true}}), {x});
      check_gradient(b, f({{"axis", -1}, {"keepdims", false}}), {x});
    }
  }
  SECTION("max routes the gradient to the first of tied maxima") {
    const Tensor v = b.placeholder({3}, dtype::float64);
    const auto g = gradients(op("max", {v}), {v});
    CHECK(b.function({v}, g)({f64({3}, {2, 5, 5})})[0].to_vector<double>() ==
          D{0, 1, 0});
  }
}
