// dot, batch_dot, transpose and permute_dimensions in the reference backend:
// values against hand-computed results, shape inference with unknown
// dimensions, dtypes, error messages and gradients.
#include <catch2/catch.hpp>

#include "gradcheck.hpp"
#include "ops_test_util.hpp"
#include "tensorplug/errors.hpp"

using namespace tensorplug;
using namespace tensorplug::test;

namespace {

Array f32(std::vector<std::int64_t> shape, std::vector<float> v) {
  return Array::of<float>(std::move(shape), std::span<const float>(v));
}
std::vector<double> iota(std::size_t n, double start = 1) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = start + static_cast<double>(i);
  return v;
}

Tensor var(const Backend& b, std::vector<std::int64_t> shape) {
  std::size_t n = 1;
  for (auto d : shape) n *= static_cast<std::size_t>(d);
  return b.variable(f64(std::move(shape), iota(n)));
}

/** Small values around 0 (distinct, no ties) for gradient checks. */
Array gc(std::vector<std::int64_t> shape, double offset = 0) {
  std::size_t n = 1;
  for (auto d : shape) n *= static_cast<std::size_t>(d);
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = 0.1 * static_cast<double>((i * 7 + 3) % 11) - 0.5 + offset;
  }
  return f64(std::move(shape), v);
}

}  // namespace

TEST_CASE("dot multiplies matrices and follows Keras's N-D rule", "[ops]") {
  const Backend b = load_reference_backend();
  SECTION("2-D by 2-D is a matrix product") {
    const Tensor z =
        op("dot", {var(b, {2, 3}), b.variable(f64({3, 2}, iota(6, 7)))});
    const Array out = eval(b, z);
    CHECK(out.shape() == std::vector<std::int64_t>{2, 2});
    CHECK(out.to_vector<double>() == std::vector<double>{58, 64, 139, 154});
  }
  SECTION("1-D by 1-D is the inner product, a scalar") {
    const Array out =
        eval(b, op("dot", {var(b, {3}), b.variable(f64({3}, {4, 5, 6}))}));
    CHECK(out.shape().empty());
    CHECK(out.to_vector<double>() == std::vector<double>{32});
  }
  SECTION("2-D by 1-D and 1-D by 2-D as numpy.dot") {
    CHECK(eval(b, op("dot", {var(b, {2, 3}), b.variable(f64({3}, {1, 1, 1}))}))
              .to_vector<double>() == std::vector<double>{6, 15});
    CHECK(eval(b, op("dot", {b.variable(f64({2}, {1, 1})), var(b, {2, 3})}))
              .to_vector<double>() == std::vector<double>{5, 7, 9});
  }
  SECTION("N-D gives x.shape[:-1] + y.shape[:-2] + y.shape[-1:]") {
    const Array x = gc({2, 3});
    const Array y = gc({4, 3, 5}, 0.3);
    const Array out = eval(b, op("dot", {b.variable(x), b.variable(y)}));
    REQUIRE(out.shape() == std::vector<std::int64_t>{2, 4, 5});
    const auto xv = x.to_vector<double>();
    const auto yv = y.to_vector<double>();
    const auto ov = out.to_vector<double>();
    for (int m = 0; m < 2; ++m)
      for (int c = 0; c < 4; ++c)
        for (int n = 0; n < 5; ++n) {
          double s = 0;
          for (int k = 0; k < 3; ++k)
            s += xv[m * 3 + k] * yv[(c * 3 + k) * 5 + n];
          CHECK(ov[(m * 4 + c) * 5 + n] == Approx(s));
        }
    CHECK(int_shape(op("dot", {var(b, {2, 2, 3}), var(b, {3, 4})})) ==
          std::vector<std::int64_t>{2, 2, 4});
  }
  SECTION("unknown dimensions propagate") {
    const Tensor x = b.placeholder({-1, 3}, dtype::float32);
    const Tensor z =
        op("dot", {x, b.variable(f32({3, 2}, {1, 0, 0, 1, 1, 1}))});
    CHECK(int_shape(z) == std::vector<std::int64_t>{-1, 2});
    const auto out = b.function({x}, {z})({f32({1, 3}, {1, 2, 3})})[0];
    CHECK(out.to_vector<float>() == std::vector<float>{4, 5});
  }
  SECTION("float32 and float16 (computed in float32)") {
    const Tensor x = b.variable(f32({2, 2}, {1, 2, 3, 4}));
    const Tensor y = b.variable(f32({2, 2}, {0.5f, 1, 1.5f, 2}));
    CHECK(eval(b, op("dot", {x, y})).to_vector<float>() ==
          std::vector<float>{3.5f, 5, 7.5f, 11});
    auto half = [](const Tensor& t) {
      return op("cast", {t}, {{"dtype", dtype::float16}});
    };
    const Tensor z = op("cast", {op("dot", {half(x), half(y)})},
                        {{"dtype", dtype::float32}});
    CHECK(eval(b, z).to_vector<float>() ==
          std::vector<float>{3.5f, 5, 7.5f, 11});
  }
  SECTION("errors name the op and both shapes") {
    CHECK_THAT(
        error_of([&] {
          op("dot", {var(b, {2, 3}), var(b, {4, 5})});
        }),
        Catch::Contains("dot: cannot contract (2, 3) with (4, 5): 3 != 4"));
    CHECK_THAT(
        error_of([&] {
          op("dot", {var(b, {2, 2}), b.variable(f32({2, 2}, {1, 2, 3, 4}))});
        }),
        Catch::Contains(
            "dot: operand dtypes differ: float64 (2, 2) and float32 (2, 2)"));
    const Tensor i = b.variable(Array::of<std::int32_t>({2}, {1, 2}));
    CHECK_THAT(error_of([&] {
                 op("dot", {i, i});
               }),
               Catch::Contains("dot: dtype int32 is not supported"));
    const Tensor p = b.placeholder({-1, 3}, dtype::float64);
    const Tensor q = b.placeholder({-1, 2}, dtype::float64);
    const Tensor z = op("dot", {p, q});  // unknown: checked at call time
    CHECK_THAT(
        error_of([&] {
          b.function({p, q}, {z})({gc({1, 3}), gc({4, 2})});
        }),
        Catch::Contains("dot: cannot contract (1, 3) with (4, 2): 3 != 4"));
  }
}

TEST_CASE("dot has gradients for both operands", "[ops]") {
  const Backend b = load_reference_backend();
  auto dot = [](const std::vector<Tensor>& x) {
    return op("dot", {x[0], x[1]});
  };
  SECTION("matrix by matrix") {
    check_gradient(b, dot, {gc({2, 3}), gc({3, 4}, 0.2)});
  }
  SECTION("vector by matrix and matrix by vector") {
    check_gradient(b, dot, {gc({3}), gc({3, 2}, 0.2)});
    check_gradient(b, dot, {gc({2, 3}), gc({3}, 0.2)});
  }
  SECTION("3-D by 3-D") {
    check_gradient(b, dot, {gc({2, 2, 3}), gc({2, 3, 2}, 0.2)});
  }
}

TEST_CASE("batch_dot contracts per batch sample with Keras 2 axes", "[ops]") {
  const Backend b = load_reference_backend();
  SECTION("3-D by 3-D with default axes is a batched matrix product") {
    const Array out =
        eval(b, op("batch_dot", {var(b, {2, 2, 3}), var(b, {2, 3, 1})}));
    CHECK(out.shape() == std::vector<std::int64_t>{2, 2, 1});
    // sample 0: [[1,2,3],[4,5,6]] @ [1,2,3]; sample 1: [[7,8,9],[10,11,12]] @
    // [4,5,6]
    CHECK(out.to_vector<double>() == std::vector<double>{14, 32, 122, 167});
  }
  SECTION("2-D by 2-D gives (batch, 1), with axes 1 or by default") {
    const Tensor x = var(b, {2, 3});
    const Tensor y = b.variable(f64({2, 3}, {1, 0, 1, 0, 1, 0}));
    CHECK(eval(b, op("batch_dot", {x, y}, {{"axes", 1}})).shape() ==
          std::vector<std::int64_t>{2, 1});
    CHECK(eval(b, op("batch_dot", {x, y}, {{"axes", 1}})).to_vector<double>() ==
          std::vector<double>{4, 5});
    CHECK(eval(b, op("batch_dot", {x, y})).to_vector<double>() ==
          std::vector<double>{4, 5});
  }
  SECTION("axes (1, 2) contract x's axis 1 with y's axis 2") {
    const Array out =
        eval(b, op("batch_dot", {var(b, {1, 2, 2}), var(b, {1, 3, 2})},
                   {{"axes", Ints{1, 2}}}));
    // x^T = [[1,3],[2,4]]; y rows [1,2],[3,4],[5,6]: out[i][j] = x[:,i].y[j]
    CHECK(out.shape() == std::vector<std::int64_t>{1, 2, 3});
    CHECK(out.to_vector<double>() ==
          std::vector<double>{7, 15, 23, 10, 22, 34});
  }
  SECTION("3-D by 2-D drops the contracted axis") {
    const Array out =
        eval(b, op("batch_dot", {var(b, {2, 2, 3}),
                                 b.variable(f64({2, 3}, {1, 0, 0, 0, 0, 1}))}));
    CHECK(out.shape() == std::vector<std::int64_t>{2, 2});
    CHECK(out.to_vector<double>() == std::vector<double>{1, 4, 9, 12});
  }
  SECTION("an unknown batch size propagates") {
    const Tensor x = b.placeholder({-1, 4, 3}, dtype::float32);
    const Tensor y = b.placeholder({-1, 3, 5}, dtype::float32);
    CHECK(int_shape(op("batch_dot", {x, y})) ==
          std::vector<std::int64_t>{-1, 4, 5});
  }
  SECTION("errors") {
    CHECK_THAT(
        error_of([&] {
          op("batch_dot", {var(b, {2, 3, 4}), var(b, {2, 5, 6})});
        }),
        Catch::Contains(
            "batch_dot: cannot contract (2, 3, 4) with (2, 5, 6): 4 != 5"));
    CHECK_THAT(
        error_of([&] {
          op("batch_dot", {var(b, {2, 3}), var(b, {3, 3})}, {{"axes", 1}});
        }),
        Catch::Contains("batch_dot: batch sizes differ: (2, 3) and (3, 3)"));
    CHECK_THAT(
        error_of([&] {
          op("batch_dot", {var(b, {2, 2}), var(b, {2, 2})}, {{"axes", 0}});
        }),
        Catch::Contains("batch_dot: cannot contract the batch axis 0"));
    CHECK_THAT(
        error_of([&] {
          op("batch_dot", {var(b, {2}), var(b, {2, 2})});
        }),
        Catch::Contains(
            "batch_dot: operands must have rank >= 2, got (2,) and (2, 2)"));
    CHECK_THAT(
        error_of([&] {
          op("batch_dot", {var(b, {2, 2}), var(b, {2, 2})}, {{"axes", 2}});
        }),
        Catch::Contains("batch_dot: axis 2 is out of range for shape (2, 2)"));
  }
}

TEST_CASE("batch_dot has gradients for both operands", "[ops]") {
  const Backend b = load_reference_backend();
  auto bd = [](Attrs attrs) {
    return [attrs](const std::vector<Tensor>& x) {
      return op("batch_dot", {x[0], x[1]}, attrs);
    };
  };
  SECTION("3-D by 3-D") {
    check_gradient(b, bd({}), {gc({2, 2, 3}), gc({2, 3, 4}, 0.2)});
  }
  SECTION("2-D by 2-D, axes 1") {
    check_gradient(b, bd({{"axes", 1}}), {gc({3, 4}), gc({3, 4}, 0.2)});
  }
  SECTION("3-D by 2-D") {
    check_gradient(b, bd({}), {gc({2, 2, 3}), gc({2, 3}, 0.2)});
  }
  SECTION("axes (1, 2)") {
    check_gradient(b, bd({{"axes", Ints{1, 2}}}),
                   {gc({2, 3, 2}), gc({2, 4, 3}, 0.2)});
  }
}

TEST_CASE("transpose and permute_dimensions reorder axes", "[ops]") {
  const Backend b = load_reference_backend();
  SECTION("transpose reverses the axes") {
    const Array out = eval(b, op("transpose", {var(b, {2, 3})}));
    CHECK(out.shape() == std::vector<std::int64_t>{3, 2});
    CHECK(out.to_vector<double>() == std::vector<double>{1, 4, 2, 5, 3, 6});
    CHECK(int_shape(op("transpose", {b.placeholder({-1, 2, 5})})) ==
          std::vector<std::int64_t>{5, 2, -1});
  }
  SECTION("permute_dimensions follows the pattern") {
    const Array out = eval(b, op("permute_dimensions", {var(b, {2, 3, 2})},
                                 {{"pattern", Ints{1, 0, 2}}}));
    CHECK(out.shape() == std::vector<std::int64_t>{3, 2, 2});
    CHECK(out.to_vector<double>() ==
          std::vector<double>{1, 2, 7, 8, 3, 4, 9, 10, 5, 6, 11, 12});
  }
  SECTION("int32 and bool values are moved unchanged") {
    const Tensor i = b.variable(Array::of<std::int32_t>({2, 2}, {1, 2, 3, 4}));
    CHECK(eval(b, op("transpose", {i})).to_vector<std::int32_t>() ==
          std::vector<std::int32_t>{1, 3, 2, 4});
    const Tensor l = b.variable(Array::of<std::int64_t>({1, 2}, {5, 6}));
    CHECK(eval(b, op("permute_dimensions", {l}, {{"pattern", Ints{1, 0}}}))
              .shape() == std::vector<std::int64_t>{2, 1});
  }
  SECTION("an invalid pattern is an error") {
    CHECK_THAT(
        error_of([&] {
          op("permute_dimensions", {var(b, {2, 3})}, {{"pattern", Ints{0}}});
        }),
        Catch::Contains("permute_dimensions: pattern (0,) has 1 axes but the "
                        "operand has shape (2, 3)"));
    CHECK_THAT(
        error_of([&] {
          op("permute_dimensions", {var(b, {2, 3})}, {{"pattern", Ints{0, 0}}});
        }),
        Catch::Contains("is not a permutation"));
  }
  SECTION("gradients") {
    check_gradient(
        b, [](const std::vector<Tensor>& x) { return op("transpose", {x[0]}); },
        {gc({2, 3, 4})});
    check_gradient(
        b,
        [](const std::vector<Tensor>& x) {
          return op("permute_dimensions", {x[0]}, {{"pattern", Ints{2, 0, 1}}});
        },
        {gc({2, 3, 4})});
  }
}
