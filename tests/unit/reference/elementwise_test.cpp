// Elementwise binary and unary ops of the reference backend: values,
// NumPy broadcasting, dtypes (float16 included), errors and gradients.
#include <cmath>
#include <limits>

#include "ops_test_util.hpp"

using namespace tensorplug;
using namespace tensorplug::test;

TEST_CASE("Binary arithmetic ops compute elementwise with NumPy broadcasting",
          "[ops]") {
  const Backend b = load_reference_backend();
  const Array a = make({2, 3}, {1, 2, 3, 4, 5, 6});
  const Array row = make({3}, {10, 20, 30});
  const Array col = make({2, 1}, {2, 4});
  SECTION("add") {
    check_close(values(run(b, "add", {a, row})), {11, 22, 33, 14, 25, 36});
  }
  SECTION("subtract") {
    check_close(values(run(b, "subtract", {a, col})), {-1, 0, 1, 0, 1, 2});
  }
  SECTION("multiply, both operands broadcast") {
    const Array out = run(b, "multiply", {col, row});
    CHECK(out.shape() == std::vector<std::int64_t>{2, 3});
    check_close(values(out), {20, 40, 60, 40, 80, 120});
  }
  SECTION("an op called without attributes takes their defaults") {
    const Tensor x = b.variable(a);
    check_close(values(eval(b, b.op("negative", {x}))),
                {-1, -2, -3, -4, -5, -6});
  }
  SECTION("divide") {
    check_close(values(run(b, "divide", {a, col})),
                {0.5, 1, 1.5, 1, 1.25, 1.5});
  }
  SECTION("a scalar operand") {
    check_close(values(run(b, "multiply", {a, make({}, {-1})})),
                {-1, -2, -3, -4, -5, -6});
  }
  SECTION("pow with a scalar exponent and with a tensor exponent") {
    check_close(values(run(b, "pow", {a, make({}, {2})})),
                {1, 4, 9, 16, 25, 36});
    check_close(values(run(b, "pow",
                           {make({3}, {4, 9, 2}), make({3}, {0.5, 0.5, -1})})),
                {2, 3, 0.5});
  }
  SECTION("maximum and minimum, with NaN propagating") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const Array x = make({4}, {1, 5, nan, 2});
    const Array y = make({4}, {3, 4, 0, nan});
    check_close(values(run(b, "maximum", {x, y})), {3, 5, nan, nan});
    check_close(values(run(b, "minimum", {x, y})), {1, 4, nan, nan});
  }
  SECTION("float64 and float16") {
    check_close(
        values(run(b, "add",
                   {make({2}, {0.1, 0.2}, kF64), make({2}, {0.2, 0.4}, kF64)})),
        {0.1 + 0.2, 0.2 + 0.4}, 1e-15);
    const Array h = run(
        b, "multiply", {make({3}, {1.5, -2, 0.1}, kF16), make({1}, {3}, kF16)});
    CHECK(dtype::equal(h.dtype(), kF16));
    check_close(values(h), {4.5, -6, 0.2999}, 1e-3);
  }
}

TEST_CASE(
    "Integer arithmetic wraps, divides by flooring and refuses a zero "
    "divisor",
    "[ops]") {
  const Backend b = load_reference_backend();
  SECTION("int32 results") {
    const Array x = make({4}, {7, -7, 7, -7}, kI32);
    const Array y = make({4}, {2, 2, -2, -2}, kI32);
    const Array q = run(b, "divide", {x, y});
    CHECK(dtype::equal(q.dtype(), kI32));
    CHECK(values(q) == std::vector<double>{3, -4, -4, 3});
    CHECK(values(run(b, "subtract", {x, y})) ==
          std::vector<double>{5, -9, 9, -5});
    CHECK(values(run(b, "maximum", {x, y})) ==
          std::vector<double>{7, 2, 7, -2});
  }
  SECTION("overflow wraps around instead of being undefined") {
    const double max32 = std::numeric_limits<std::int32_t>::max();
    const double min32 = std::numeric_limits<std::int32_t>::min();
    CHECK(values(run(b, "add",
                     {make({1}, {max32}, kI32), make({1}, {1}, kI32)})) ==
          std::vector<double>{min32});
    CHECK(values(run(b, "divide",
                     {make({1}, {min32}, kI32), make({1}, {-1}, kI32)})) ==
          std::vector<double>{min32});
    CHECK(values(run(b, "negative", {make({1}, {min32}, kI32)})) ==
          std::vector<double>{min32});
  }
  SECTION("pow on int64 is exact") {
    CHECK(values(
              run(b, "pow",
                  {make({3}, {3, -2, 0}, kI64), make({3}, {4, 3, 0}, kI64)})) ==
          std::vector<double>{81, -8, 1});
  }
  SECTION("division by zero is an error at call time") {
    const std::string m = error_of([&] {
      run(b, "divide", {make({2}, {1, 2}, kI64), make({2}, {1, 0}, kI64)});
    });
    CHECK_THAT(m, Catch::Contains("divide: integer division by zero"));
  }
  SECTION("a negative integer exponent is an error") {
    const std::string m = error_of([&] {
      run(b, "pow", {make({1}, {2}, kI32), make({1}, {-1}, kI32)});
    });
    CHECK_THAT(m,
               Catch::Contains("pow: integer 2 to a negative integer power"));
  }
}

TEST_CASE("Comparisons return bool tensors", "[ops]") {
  const Backend b = load_reference_backend();
  const Array x = make({2, 2}, {1, 2, 3, 4});
  const Array y = make({2}, {2, 2});
  SECTION("equal, greater, less with broadcasting") {
    const Array eq = run(b, "equal", {x, y});
    CHECK(dtype::equal(eq.dtype(), kBool));
    CHECK(values(eq) == std::vector<double>{0, 1, 0, 0});
    CHECK(values(run(b, "greater", {x, y})) == std::vector<double>{0, 0, 1, 1});
    CHECK(values(run(b, "less", {x, y})) == std::vector<double>{1, 0, 0, 0});
  }
  SECTION("bool and int operands") {
    CHECK(values(run(
              b, "equal",
              {make({3}, {1, 0, 1}, kBool), make({3}, {1, 1, 0}, kBool)})) ==
          std::vector<double>{1, 0, 0});
    CHECK(values(run(b, "greater",
                     {make({2}, {5, -5}, kI64), make({2}, {-5, 5}, kI64)})) ==
          std::vector<double>{1, 0});
  }
  SECTION("float16") {
    CHECK(values(run(b, "less",
                     {make({2}, {0.5, 2}, kF16), make({2}, {1, 1}, kF16)})) ==
          std::vector<double>{1, 0});
  }
}

TEST_CASE(
    "Binary ops report mismatched dtypes and shapes when the graph is "
    "built",
    "[ops]") {
  const Backend b = load_reference_backend();
  SECTION("different dtypes name both") {
    const Tensor x = b.placeholder({2, 3}, kF32);
    const Tensor y = b.placeholder({2, 3}, kF64);
    const std::string m = error_of([&] { op("add", {x, y}); });
    CHECK_THAT(m, Catch::Contains("add: operand dtypes differ: float32"));
    CHECK_THAT(m, Catch::Contains("float64"));
  }
  SECTION("shapes that do not broadcast") {
    const Tensor x = b.placeholder({-1, 3}, kF32);
    const Tensor y = b.placeholder({4}, kF32);
    const std::string m = error_of([&] { op("multiply", {x, y}); });
    CHECK_THAT(m, Catch::Contains(
                      "multiply: cannot broadcast shapes (None, 3) and (4,)"));
  }
  SECTION("unknown dimensions are checked at call time") {
    const Tensor x = b.placeholder({-1}, kF32);
    const Tensor y = b.placeholder({-1}, kF32);
    const Function f = b.function({x, y}, {op("subtract", {x, y})});
    const std::string m = error_of([&] {
      f({make({2}, {1, 2}), make({3}, {1, 2, 3})});
    });
    CHECK_THAT(
        m, Catch::Contains("subtract: cannot broadcast shapes (2,) and (3,)"));
  }
  SECTION("bool operands of arithmetic") {
    const Tensor x = b.placeholder({2}, kBool);
    const std::string m = error_of([&] { op("add", {x, x}); });
    CHECK_THAT(m, Catch::Contains("add: operand of shape (2,) has dtype bool"));
  }
  SECTION("the wrong number of operands") {
    const Tensor x = b.placeholder({2}, kF32);
    CHECK_THAT(error_of([&] { op("divide", {x}); }),
               Catch::Contains("divide: takes 2 operands, got 1"));
  }
}

TEST_CASE("Unary math ops compute elementwise", "[ops]") {
  const Backend b = load_reference_backend();
  const Array x = make({2, 2}, {-2, -0.5, 0, 3});
  SECTION("negative, abs, square, sign on floats") {
    check_close(values(run(b, "negative", {x})), {2, 0.5, 0, -3});
    check_close(values(run(b, "abs", {x})), {2, 0.5, 0, 3});
    check_close(values(run(b, "square", {x})), {4, 0.25, 0, 9});
    check_close(values(run(b, "sign", {x})), {-1, -1, 0, 1});
  }
  SECTION("on integers") {
    const Array i = make({3}, {-3, 0, 4}, kI32);
    CHECK(values(run(b, "abs", {i})) == std::vector<double>{3, 0, 4});
    CHECK(values(run(b, "square", {i})) == std::vector<double>{9, 0, 16});
    CHECK(values(run(b, "sign", {i})) == std::vector<double>{-1, 0, 1});
    CHECK(values(run(b, "negative", {i})) == std::vector<double>{3, 0, -4});
  }
  SECTION("sqrt, exp, log") {
    const Array p = make({3}, {0.25, 1, 4}, kF64);
    check_close(values(run(b, "sqrt", {p})), {0.5, 1, 2}, 1e-15);
    check_close(values(run(b, "exp", {p})),
                {std::exp(0.25), std::exp(1.0), std::exp(4.0)}, 1e-15);
    check_close(values(run(b, "log", {p})), {std::log(0.25), 0, std::log(4.0)},
                1e-15);
  }
  SECTION("float16 is computed in float and rounded to half") {
    const Array h = run(b, "exp", {make({2}, {0, 1}, kF16)});
    CHECK(dtype::equal(h.dtype(), kF16));
    check_close(values(h), {1, static_cast<double>(_Float16(std::exp(1.0f)))},
                0);
    check_close(values(run(b, "sqrt", {make({1}, {2}, kF16)})),
                {static_cast<double>(_Float16(std::sqrt(2.0f)))}, 0);
  }
  SECTION("sqrt, exp and log need floats") {
    const Tensor i = b.placeholder({2}, kI32);
    CHECK_THAT(error_of([&] { op("log", {i}); }),
               Catch::Contains("log: operand of shape (2,) has dtype int32 "
                               "(supported: float16, float32, float64)"));
  }
}

TEST_CASE("Elementwise ops have gradients matching finite differences",
          "[ops]") {
  const Backend b = load_reference_backend();
  const Array m = make({2, 3}, {0.3, -1.2, 2.5, 1.7, -0.4, 0.9}, kF64);
  const Array pos = make({2, 3}, {0.3, 1.2, 2.5, 1.7, 0.4, 0.9}, kF64);
  const Array row = make({3}, {1.5, -0.7, 2.2}, kF64);
  const Array col = make({2, 1}, {0.8, -1.3}, kF64);
  using V = std::vector<Tensor>;
  for (const char* name : {"add", "subtract", "multiply", "divide"}) {
    SECTION(std::string(name) + " with broadcasting") {
      check_gradient(b,
                     [&](const V& x) {
                       return op(name, {x[0], x[1]});
                     },
                     {m, row});
      check_gradient(b,
                     [&](const V& x) {
                       return op(name, {x[0], x[1]});
                     },
                     {col, row});
    }
  }
  SECTION("maximum and minimum route to the winner") {
    for (const char* name : {"maximum", "minimum"}) {
      check_gradient(b,
                     [&](const V& x) {
                       return op(name, {x[0], x[1]});
                     },
                     {m, row});
    }
  }
  SECTION("pow w.r.t. base and exponent") {
    check_gradient(b,
                   [](const V& x) {
                     return op("pow", {x[0], x[1]});
                   },
                   {pos, row});
    check_gradient(b,
                   [](const V& x) {
                     return op("pow", {x[0], x[1]});
                   },
                   {pos, make({}, {3.0}, kF64)});
  }
  SECTION("negative, abs, square") {
    for (const char* name : {"negative", "abs", "square"}) {
      check_gradient(b, [&](const V& x) { return op(name, {x[0]}); }, {m});
    }
  }
  SECTION("sqrt, exp, log") {
    for (const char* name : {"sqrt", "exp", "log"}) {
      check_gradient(b, [&](const V& x) { return op(name, {x[0]}); }, {pos});
    }
  }
  SECTION("sign has a zero gradient") {
    const Tensor x = b.placeholder({3}, kF64);
    const Tensor y = op(
        "multiply", {op("sign", {x}),
                     b.op("constant", {}, {{"value", 2.0}, {"dtype", kF64}})});
    const Array g = b.function(
        {x}, gradients(op("sum", {y}), {x}))({make({3}, {-1, 0, 2}, kF64)})[0];
    CHECK(values(g) == std::vector<double>{0, 0, 0});
  }
}
