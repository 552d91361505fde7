// The typed Keras functions (tensorplug/keras.hpp) against the reference
// backend: each one reaches the op of its name with the attributes the op
// expects, and gives Keras's values. An op the backend does not export yet
// is skipped with a warning.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "tensorplug/errors.hpp"
#include "tensorplug/keras.hpp"
#include "tensorplug/resolve.hpp"

using namespace tensorplug;
namespace K = tensorplug::keras;
using Catch::Matchers::Contains;

namespace {

Backend reference() {
  ResolveOptions resolve;
  resolve.use_environment = false;
  LoadOptions options;
  options.announce = false;
  return load_backend_at(resolve_backend("reference", resolve),
                         Settings::defaults("reference"), options);
}

/// False (with a warning) when `b` lacks one of `ops`.
bool has(const Backend& b, std::initializer_list<const char*> ops) {
  for (const char* name : ops) {
    if (!b.provides(name)) {
      WARN("skipped: the reference backend does not export `" << name
                                                              << "` yet");
      return false;
    }
  }
  return true;
}

Array eval(const Tensor& y) { return y.backend().function({}, {y})({}).at(0); }

std::vector<double> values(const Tensor& y) {
  return eval(y).to_vector<double>();
}

/// Elements of a bool (or uint8) result as 0/1.
std::vector<int> bools(const Tensor& y) {
  const Array a = eval(y);
  REQUIRE(a.dtype().bits == 8);
  std::vector<int> out;
  for (std::byte v : a.bytes()) out.push_back(std::to_integer<int>(v));
  return out;
}

Tensor var(const Backend& b, std::vector<std::int64_t> shape,
           std::initializer_list<double> v) {
  return b.variable(Array::of<double>(std::move(shape), v));
}

void check_close(const std::vector<double>& actual,
                 const std::vector<double>& expected, double tol = 1e-12) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    INFO("element " << i);
    CHECK(actual[i] == Approx(expected[i]).margin(tol));
  }
}

}  // namespace

TEST_CASE(
    "The elementwise Keras functions and scalar operators compute "
    "Keras's values",
    "[app]") {
  const Backend b = reference();
  const Tensor x = var(b, {4}, {-2.0, -0.5, 0.0, 4.0});
  const Tensor y = var(b, {4}, {1.0, -1.0, 0.0, 5.0});
  SECTION("unary") {
    if (has(b, {"abs"})) check_close(values(K::abs(x)), {2, 0.5, 0, 4});
    if (has(b, {"square"})) check_close(values(K::square(x)), {4, 0.25, 0, 16});
    if (has(b, {"sign"})) check_close(values(K::sign(x)), {-1, -1, 0, 1});
    if (has(b, {"sqrt", "abs"})) {
      check_close(values(K::sqrt(K::abs(x))),
                  {std::sqrt(2.0), std::sqrt(0.5), 0, 2});
    }
    if (has(b, {"exp"})) {
      check_close(values(K::exp(x)),
                  {std::exp(-2.0), std::exp(-0.5), 1, std::exp(4.0)});
    }
    if (has(b, {"log", "exp"})) {
      check_close(values(K::log(K::exp(x))), {-2, -0.5, 0, 4}, 1e-12);
    }
  }
  SECTION("pow takes a scalar exponent") {
    if (has(b, {"pow", "constant"})) {
      check_close(values(K::pow(x, 2.0)), {4, 0.25, 0, 16});
      check_close(values(K::pow(y, 3.0)), {1, -1, 0, 125});
    }
  }
  SECTION("binary and comparisons") {
    if (has(b, {"maximum"}))
      check_close(values(K::maximum(x, y)), {1, -0.5, 0, 5});
    if (has(b, {"minimum"}))
      check_close(values(K::minimum(x, y)), {-2, -1, 0, 4});
    if (has(b, {"equal"}))
      CHECK(bools(K::equal(x, y)) == std::vector{0, 0, 1, 0});
    if (has(b, {"greater"}))
      CHECK(bools(K::greater(x, y)) == std::vector{0, 1, 0, 0});
    if (has(b, {"less"}))
      CHECK(bools(K::less(x, y)) == std::vector{1, 0, 0, 1});
  }
  SECTION("clip sends min_value and max_value") {
    if (has(b, {"clip"}))
      check_close(values(K::clip(x, -1.0, 1.0)), {-1, -0.5, 0, 1});
  }
  SECTION("scalars become constants of the tensor's dtype") {
    if (has(b, {"constant"})) {
      const Tensor s = K::scalar(x, 2.5);
      CHECK(dtype::equal(dtype_of(s), dtype::float64));
      CHECK(int_shape(s).empty());
      check_close(values(x + 1.0), {-1, 0.5, 1, 5});
      check_close(values(1.0 + x), {-1, 0.5, 1, 5});
      check_close(values(x - 1.0), {-3, -1.5, -1, 3});
      check_close(values(1.0 - x), {3, 1.5, 1, -3});
      check_close(values(x * 2.0), {-4, -1, 0, 8});
      check_close(values(2.0 * x), {-4, -1, 0, 8});
      check_close(values(x / 2.0), {-1, -0.25, 0, 2});
      check_close(values(1.0 / y), {1, -1, INFINITY, 0.2});
      const Tensor f = b.variable(Array::of<float>({2}, {1.0f, 2.0f}));
      CHECK(dtype::equal(dtype_of(f * 3.0), dtype::float32));
      CHECK(eval(f * 3.0).to_vector<float>() == std::vector<float>{3, 6});
    }
  }
}

TEST_CASE("The activation functions pass their keyword arguments", "[app]") {
  const Backend b = reference();
  const Tensor x = var(b, {2, 3}, {-2.0, 0.5, 3.0, 1.0, 2.0, 3.0});
  SECTION("relu with alpha, max_value and threshold") {
    if (!has(b, {"relu"})) return;
    check_close(values(K::relu(x)), {0, 0.5, 3, 1, 2, 3});
    check_close(values(K::relu(x, 0.1)), {-0.2, 0.5, 3, 1, 2, 3});
    check_close(values(K::relu(x, 0.0, 2.5)), {0, 0.5, 2.5, 1, 2, 2.5});
    check_close(values(K::relu(x, 0.0, std::nullopt, 0.75)),
                {0, 0, 3, 1, 2, 3});
  }
  SECTION("sigmoid, tanh, softplus, elu") {
    if (has(b, {"sigmoid"})) {
      CHECK(values(K::sigmoid(x))[0] == Approx(1 / (1 + std::exp(2.0))));
    }
    if (has(b, {"tanh"}))
      CHECK(values(K::tanh(x))[1] == Approx(std::tanh(0.5)));
    if (has(b, {"softplus"})) {
      CHECK(values(K::softplus(x))[0] == Approx(std::log1p(std::exp(-2.0))));
    }
    if (has(b, {"elu"})) {
      CHECK(values(K::elu(x))[0] == Approx(std::expm1(-2.0)));
      CHECK(values(K::elu(x, 0.5))[0] == Approx(0.5 * std::expm1(-2.0)));
      CHECK(values(K::elu(x, 0.5))[2] == Approx(3.0));
    }
  }
  SECTION("softmax over the axis asked for") {
    if (!has(b, {"softmax"})) return;
    const auto last = values(K::softmax(x));
    const double z = std::exp(-2.0) + std::exp(0.5) + std::exp(3.0);
    CHECK(last[0] == Approx(std::exp(-2.0) / z));
    CHECK(last[3] == Approx(std::exp(1.0) /
                            (std::exp(1.0) + std::exp(2.0) + std::exp(3.0))));
    const auto first = values(K::softmax(x, 0));
    CHECK(first[0] ==
          Approx(std::exp(-2.0) / (std::exp(-2.0) + std::exp(1.0))));
    CHECK(first[2] == Approx(0.5));
  }
}

TEST_CASE("The linear algebra functions follow Keras's shapes", "[app]") {
  const Backend b = reference();
  const Tensor a = var(b, {2, 3}, {1, 2, 3, 4, 5, 6});
  const Tensor c = var(b, {3, 2}, {1, 0, 0, 1, 1, 1});
  SECTION("dot and transpose") {
    if (has(b, {"dot"})) check_close(values(K::dot(a, c)), {4, 5, 10, 11});
    if (has(b, {"transpose"})) {
      CHECK(int_shape(K::transpose(a)) == Ints{3, 2});
      check_close(values(K::transpose(a)), {1, 4, 2, 5, 3, 6});
    }
  }
  SECTION("permute_dimensions sends the pattern") {
    if (!has(b, {"permute_dimensions"})) return;
    const Tensor t = var(b, {1, 2, 3}, {1, 2, 3, 4, 5, 6});
    const Tensor p = K::permute_dimensions(t, {2, 0, 1});
    CHECK(int_shape(p) == Ints{3, 1, 2});
    check_close(values(p), {1, 4, 2, 5, 3, 6});
  }
  SECTION("batch_dot with and without axes") {
    if (!has(b, {"batch_dot"})) return;
    const Tensor x = var(b, {2, 2}, {1, 2, 3, 4});
    const Tensor y = var(b, {2, 2}, {5, 6, 7, 8});
    // Keras: batch_dot of (2, 2) and (2, 2) with axes=1 is (2, 1).
    const Tensor r = K::batch_dot(x, y, 1);
    CHECK(int_shape(r) == Ints{2, 1});
    check_close(values(r), {17, 53});
    check_close(values(K::batch_dot(x, y, {1, 1})), {17, 53});
  }
}

TEST_CASE("The reductions take None, one axis or several, and keepdims",
          "[app]") {
  const Backend b = reference();
  const Tensor x = var(b, {2, 3}, {1, 5, 3, 4, 2, 6});
  SECTION("sum") {
    if (!has(b, {"sum"})) return;
    CHECK(int_shape(K::sum(x)).empty());
    check_close(values(K::sum(x)), {21});
    check_close(values(K::sum(x, 0)), {5, 7, 9});
    check_close(values(K::sum(x, -1)), {9, 12});
    check_close(values(K::sum(x, {0, 1})), {21});
    CHECK(int_shape(K::sum(x, 1, true)) == Ints{2, 1});
    CHECK(int_shape(K::sum(x, std::nullopt, true)) == Ints{1, 1});
  }
  SECTION("mean, max, min") {
    if (has(b, {"mean"})) check_close(values(K::mean(x, 1)), {3, 4});
    if (has(b, {"max"})) check_close(values(K::max(x, 0)), {4, 5, 6});
    if (has(b, {"min"})) check_close(values(K::min(x)), {1});
  }
  SECTION("argmax and argmin give int64 indices") {
    if (has(b, {"argmax"})) {
      const Array a = eval(K::argmax(x));
      CHECK(dtype::equal(a.dtype(), dtype::int64));
      CHECK(a.to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 2});
      CHECK(eval(K::argmax(x, 0)).to_vector<std::int64_t>() ==
            std::vector<std::int64_t>{1, 0, 1});
    }
    if (has(b, {"argmin"})) {
      CHECK(eval(K::argmin(x)).to_vector<std::int64_t>() ==
            std::vector<std::int64_t>{0, 1});
    }
  }
}

TEST_CASE("The shape functions send their shape and axis", "[app]") {
  const Backend b = reference();
  const Tensor x = var(b, {2, 3}, {1, 2, 3, 4, 5, 6});
  SECTION("reshape, flatten, batch_flatten") {
    if (has(b, {"reshape"})) {
      CHECK(int_shape(K::reshape(x, {3, 2})) == Ints{3, 2});
      CHECK(int_shape(K::reshape(x, {-1})) == Ints{6});
    }
    if (has(b, {"flatten"})) CHECK(int_shape(K::flatten(x)) == Ints{6});
    if (has(b, {"batch_flatten"})) {
      const Tensor t = var(b, {2, 1, 3}, {1, 2, 3, 4, 5, 6});
      CHECK(int_shape(K::batch_flatten(t)) == Ints{2, 3});
      check_close(values(K::batch_flatten(t)), {1, 2, 3, 4, 5, 6});
    }
  }
  SECTION("expand_dims and squeeze") {
    if (has(b, {"expand_dims"})) {
      CHECK(int_shape(K::expand_dims(x)) == Ints{2, 3, 1});
      CHECK(int_shape(K::expand_dims(x, 0)) == Ints{1, 2, 3});
    }
    if (has(b, {"squeeze"})) {
      const Tensor t = var(b, {2, 1, 3}, {1, 2, 3, 4, 5, 6});
      CHECK(int_shape(K::squeeze(t, 1)) == Ints{2, 3});
    }
  }
  SECTION("concatenate") {
    if (!has(b, {"concatenate"})) return;
    const Tensor y = var(b, {2, 1}, {7, 8});
    check_close(values(K::concatenate({x, y})), {1, 2, 3, 7, 4, 5, 6, 8});
    CHECK(int_shape(K::concatenate({x, x}, 0)) == Ints{4, 3});
  }
  SECTION("one_hot and gather") {
    const Tensor idx = b.variable(Array::of<std::int64_t>({3}, {2, 0, 1}));
    if (has(b, {"one_hot"})) {
      const Tensor h = K::one_hot(idx, 4);
      CHECK(int_shape(h) == Ints{3, 4});
    }
    if (has(b, {"gather"})) {
      const Tensor g = K::gather(x, idx);
      CHECK(int_shape(g) == Ints{3, 3});
      check_close(values(K::gather(
                      x, b.variable(Array::of<std::int64_t>({2}, {1, 0})))),
                  {4, 5, 6, 1, 2, 3});
    }
  }
}

TEST_CASE("The values functions make tensors of the asked shape and dtype",
          "[app]") {
  const Backend b = reference();
  SECTION("zeros and ones default to floatx") {
    if (has(b, {"zeros"})) {
      const Tensor z = K::zeros(b, {2, 3});
      CHECK(int_shape(z) == Ints{2, 3});
      CHECK(dtype::equal(dtype_of(z), dtype::float32));
      CHECK(
          dtype::equal(dtype_of(K::zeros(b, {2}, dtype::int64)), dtype::int64));
    }
    if (has(b, {"ones"})) {
      CHECK(values(K::ones(b, {2}, dtype::float64)) ==
            std::vector<double>{1, 1});
    }
  }
  SECTION("constant from an array and from a value") {
    if (!has(b, {"constant"})) return;
    const Tensor c = K::constant(b, Array::of<double>({2}, {1.5, -2}));
    CHECK(values(c) == std::vector<double>{1.5, -2});
    const Tensor f = K::constant(b, 7.0, {2, 2}, dtype::float64);
    CHECK(values(f) == std::vector<double>{7, 7, 7, 7});
    CHECK(dtype::equal(dtype_of(K::scalar(b, 1.0)), dtype::float32));
  }
  SECTION("random_uniform and random_normal with a seed") {
    if (has(b, {"random_uniform"})) {
      const auto u =
          values(K::random_uniform(b, {100}, -1.0, 2.0, dtype::float64, 42));
      for (double v : u) {
        CHECK(v >= -1.0);
        CHECK(v < 2.0);
      }
      CHECK(values(K::random_uniform(b, {100}, -1.0, 2.0, dtype::float64,
                                     42)) == u);
    }
    if (has(b, {"random_normal"})) {
      const auto n =
          values(K::random_normal(b, {2000}, 3.0, 0.5, dtype::float64, 7));
      double mean = 0;
      for (double v : n) mean += v / n.size();
      CHECK(mean == Approx(3.0).margin(0.1));
    }
  }
  SECTION("cast") {
    if (!has(b, {"cast"})) return;
    const Tensor x = var(b, {2}, {1.75, -2.0});
    const Array a = eval(K::cast(x, dtype::float32));
    CHECK(a.to_vector<float>() == std::vector<float>{1.75f, -2.0f});
  }
}

TEST_CASE(
    "The neural network functions pass data_format, strides and "
    "padding",
    "[app]") {
  const Backend b = reference();
  SECTION("bias_add in both data formats") {
    if (!has(b, {"bias_add"})) return;
    const Tensor x = var(b, {1, 2, 2}, {0, 0, 0, 0});
    const Tensor bias = var(b, {2}, {1, 2});
    check_close(values(K::bias_add(x, bias)), {1, 2, 1, 2});
    check_close(values(K::bias_add(x, bias, "channels_first")), {1, 1, 2, 2});
  }
  SECTION("conv2d and pool2d") {
    std::vector<double> img(16);
    for (int i = 0; i < 16; ++i) img[i] = i;
    const Tensor x = b.variable(
        Array::of<double>({1, 4, 4, 1}, std::span<const double>(img)));
    if (has(b, {"conv2d"})) {
      const Tensor k = b.variable(
          Array(std::vector<std::int64_t>{2, 2, 1, 1}, dtype::float64));
      const Tensor ones = var(b, {2, 2, 1, 1}, {1, 1, 1, 1});
      CHECK(int_shape(K::conv2d(x, k)) == Ints{1, 3, 3, 1});
      CHECK(int_shape(K::conv2d(x, k, {1, 1}, "same")) == Ints{1, 4, 4, 1});
      CHECK(int_shape(K::conv2d(x, k, {2, 2})) == Ints{1, 2, 2, 1});
      check_close(values(K::conv2d(x, ones, {2, 2})), {10, 18, 42, 50});
      const Tensor xf = K::permute_dimensions(x, {0, 3, 1, 2});
      CHECK(int_shape(K::conv2d(xf, k, {1, 1}, "valid", "channels_first")) ==
            Ints{1, 1, 3, 3});
    }
    if (has(b, {"pool2d"})) {
      check_close(values(K::pool2d(x, {2, 2}, {2, 2})), {5, 7, 13, 15});
      check_close(
          values(K::pool2d(x, {2, 2}, {2, 2}, "valid", std::nullopt, "avg")),
          {2.5, 4.5, 10.5, 12.5});
    }
  }
  SECTION("crossentropies") {
    const Tensor target = var(b, {2, 2}, {1, 0, 0, 1});
    const Tensor output = var(b, {2, 2}, {0.8, 0.2, 0.4, 0.6});
    if (has(b, {"categorical_crossentropy"})) {
      check_close(values(K::categorical_crossentropy(target, output)),
                  {-std::log(0.8), -std::log(0.6)}, 1e-6);
    }
    if (has(b, {"categorical_crossentropy", "log"})) {
      check_close(
          values(K::categorical_crossentropy(target, K::log(output), true)),
          {-std::log(0.8), -std::log(0.6)}, 1e-6);
    }
    if (has(b, {"sparse_categorical_crossentropy"})) {
      const Tensor labels = b.variable(Array::of<std::int64_t>({2}, {0, 1}));
      check_close(values(K::sparse_categorical_crossentropy(labels, output)),
                  {-std::log(0.8), -std::log(0.6)}, 1e-6);
    }
    if (has(b, {"binary_crossentropy"})) {
      const auto v = values(K::binary_crossentropy(target, output));
      CHECK(v[0] == Approx(-std::log(0.8)).margin(1e-6));
      CHECK(v[1] == Approx(-std::log(0.8)).margin(1e-6));
    }
  }
  SECTION("dropout with a seed and stop_gradient") {
    if (has(b, {"dropout", "ones"})) {
      const auto v =
          values(K::dropout(K::ones(b, {1000}, dtype::float64), 0.5, 3));
      std::size_t kept = 0;
      for (double e : v) {
        CHECK((e == 0.0 || e == Approx(2.0)));
        if (e != 0.0) ++kept;
      }
      CHECK(kept > 400);
      CHECK(kept < 600);
    }
    if (has(b, {"stop_gradient", "gradients", "sum"})) {
      const Tensor w = var(b, {2}, {1, 2});
      const auto g = K::gradients(K::sum(K::stop_gradient(w) * w), {w});
      check_close(values(g.at(0)), {1, 2});
    }
  }
}

TEST_CASE("A wrapper for an op the backend lacks raises NotProvidedError",
          "[app]") {
  const Backend b = reference();
  const Tensor x = var(b, {2}, {1, 2});
  CHECK_THROWS_AS(tensorplug::op("no_such_op", {x}), NotProvidedError);
  CHECK_THROWS_WITH(K::relu(Tensor{}), Contains("empty Tensor"));
}
