// Ops that create values (constant, zeros, ones, random_uniform,
// random_normal) and cast, in the reference backend.
#include <cmath>
#include <limits>
#include <numeric>

#include "ops_test_util.hpp"

using namespace tensorplug;
using namespace tensorplug::test;

TEST_CASE("constant holds a tensor value or fills a shape with a number",
          "[ops]") {
  const Backend b = load_reference_backend();
  SECTION("a tensor value keeps its dtype and shape") {
    const Array v = eval(
        b, b.op("constant", {}, {{"value", make({2, 2}, {1, 2, 3, 4}, kF64)}}));
    CHECK(dtype::equal(v.dtype(), kF64));
    CHECK(v.shape() == std::vector<std::int64_t>{2, 2});
    CHECK(values(v) == std::vector<double>{1, 2, 3, 4});
  }
  SECTION("a number defaults to floatx (float32), shape ()") {
    const Tensor t = b.op("constant", {}, {{"value", 2.5}});
    CHECK(dtype::equal(dtype_of(t), kF32));
    CHECK(int_shape(t).empty());
    CHECK(values(eval(b, t)) == std::vector<double>{2.5});
  }
  SECTION("a number filled to a shape, in a given dtype") {
    const Array v =
        eval(b, b.op("constant", {},
                     {{"value", 7}, {"shape", Ints{2, 3}}, {"dtype", kI64}}));
    CHECK(dtype::equal(v.dtype(), kI64));
    CHECK(values(v) == std::vector<double>(6, 7));
  }
  SECTION("a value converted, reshaped or broadcast from one element") {
    const Array r = eval(b, b.op("constant", {},
                                 {{"value", make({4}, {1.9, -1.9, 0, 3})},
                                  {"shape", Ints{2, 2}},
                                  {"dtype", kI32}}));
    CHECK(r.shape() == std::vector<std::int64_t>{2, 2});
    CHECK(values(r) == std::vector<double>{1, -1, 0, 3});
    const Array f = eval(b, b.op("constant", {},
                                 {{"value", make({1}, {0.5})},
                                  {"shape", Ints{3}},
                                  {"dtype", kF16}}));
    CHECK(values(f) == std::vector<double>{0.5, 0.5, 0.5});
  }
  SECTION("errors") {
    CHECK_THAT(error_of([&] { b.op("constant", {}, {}); }),
               Catch::Contains("constant: attribute 'value' is required"));
    CHECK_THAT(error_of([&] {
                 b.op("constant", {},
                      {{"value", make({3}, {1, 2, 3})}, {"shape", Ints{2, 2}}});
               }),
               Catch::Contains("constant: a value of shape (3,) (3 elements) "
                               "cannot fill shape (2, 2) (4 elements)"));
  }
}

TEST_CASE("zeros and ones make filled tensors of any dtype", "[ops]") {
  const Backend b = load_reference_backend();
  SECTION("default dtype is floatx") {
    const Tensor z = b.op("zeros", {}, {{"shape", Ints{2, 3}}});
    CHECK(dtype::equal(dtype_of(z), kF32));
    CHECK(int_shape(z) == std::vector<std::int64_t>{2, 3});
    CHECK(values(eval(b, z)) == std::vector<double>(6, 0));
  }
  SECTION("every dtype") {
    for (DLDataType dt : {kF16, kF32, kF64, kI32, kI64, kBool}) {
      INFO(dtype::name(dt));
      const Array o =
          eval(b, b.op("ones", {}, {{"shape", Ints{3}}, {"dtype", dt}}));
      CHECK(dtype::equal(o.dtype(), dt));
      CHECK(values(o) == std::vector<double>{1, 1, 1});
      const Array z =
          eval(b, b.op("zeros", {}, {{"shape", Ints{}}, {"dtype", dt}}));
      CHECK(values(z) == std::vector<double>{0});
    }
  }
  SECTION("errors") {
    CHECK_THAT(error_of([&] { b.op("ones", {}, {}); }),
               Catch::Contains("ones: attribute 'shape' is required"));
    CHECK_THAT(error_of([&] {
                 b.op("zeros", {}, {{"shape", Ints{2, -1}}});
               }),
               Catch::Contains("zeros: invalid shape (2, None)"));
  }
}

TEST_CASE("cast converts between dtypes without undefined behaviour", "[ops]") {
  const Backend b = load_reference_backend();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  SECTION("floats to integers truncate, saturate, and map NaN to 0") {
    const Array x = make({6}, {1.9, -1.9, nan, inf, -inf, 3e9});
    CHECK(values(run(b, "cast", {x}, {{"dtype", kI32}})) ==
          std::vector<double>{1, -1, 0, 2147483647, -2147483648.0, 2147483647});
    CHECK(values(run(b, "cast", {x}, {{"dtype", kI64}}))[5] == 3e9);
  }
  SECTION("to and from bool") {
    CHECK(values(run(b, "cast", {make({3}, {0, -2, 0.5})},
                     {{"dtype", kBool}})) == std::vector<double>{0, 1, 1});
    const Array f =
        run(b, "cast", {make({2}, {1, 0}, kBool)}, {{"dtype", kF64}});
    CHECK(dtype::equal(f.dtype(), kF64));
    CHECK(values(f) == std::vector<double>{1, 0});
  }
  SECTION("float16 rounds") {
    const Array h =
        run(b, "cast", {make({2}, {0.1, 70000}, kF64)}, {{"dtype", kF16}});
    CHECK(dtype::equal(h.dtype(), kF16));
    CHECK(values(h)[0] == static_cast<double>(_Float16(0.1)));
    CHECK(std::isinf(values(h)[1]));
  }
  SECTION("dtype is required") {
    CHECK_THAT(error_of([&] { run(b, "cast", {make({1}, {1})}); }),
               Catch::Contains("cast: attribute 'dtype' is required"));
  }
  SECTION("the gradient flows back between float dtypes") {
    const Tensor x = b.placeholder({2}, kF64);
    const Tensor y =
        op("cast", {op("cast", {x}, {{"dtype", kF32}})}, {{"dtype", kF64}});
    const Tensor loss = op("sum", {op("multiply", {y, y})});
    const Array g =
        b.function({x}, gradients(loss, {x}))({make({2}, {1.5, -2}, kF64)})[0];
    CHECK(values(g) == std::vector<double>{3, -4});
  }
}

TEST_CASE("Random ops draw new samples at each call, reproducibly with a seed",
          "[ops]") {
  const Backend b = load_reference_backend();
  auto draw_twice = [](const Backend& be, const std::string& name,
                       const tensorplug::Attrs& attrs) {
    const Function f = be.function({}, {be.op(name, {}, attrs)});
    return std::pair{values(f({})[0]), values(f({})[0])};
  };
  for (const char* name : {"random_uniform", "random_normal"}) {
    SECTION(std::string(name) + " with a seed") {
      const tensorplug::Attrs attrs{{"shape", Ints{4, 5}}, {"seed", 42}};
      const auto [a1, a2] = draw_twice(b, name, attrs);
      CHECK(a1 != a2);
      const auto [b1, b2] = draw_twice(load_reference_backend(), name, attrs);
      CHECK(a1 == b1);
      CHECK(a2 == b2);
      const tensorplug::Attrs other{{"shape", Ints{4, 5}}, {"seed", 43}};
      CHECK(draw_twice(b, name, other).first != a1);
    }
    SECTION(std::string(name) + " without a seed") {
      const auto [a1, a2] = draw_twice(b, name, {{"shape", Ints{8}}});
      CHECK(a1 != a2);
    }
  }
  SECTION("random_uniform stays in [minval, maxval)") {
    for (DLDataType dt : {kF16, kF32, kF64}) {
      const Array v = eval(b, b.op("random_uniform", {},
                                   {{"shape", Ints{1000}},
                                    {"minval", -2.0},
                                    {"maxval", 3.0},
                                    {"dtype", dt},
                                    {"seed", 1}}));
      CHECK(dtype::equal(v.dtype(), dt));
      const std::vector<double> x = values(v);
      CHECK(*std::min_element(x.begin(), x.end()) >= -2.0);
      CHECK(*std::max_element(x.begin(), x.end()) < 3.0);
      const double mean = std::accumulate(x.begin(), x.end(), 0.0) / 1000;
      CHECK(mean == Approx(0.5).margin(0.3));
    }
  }
  SECTION("random_normal has the given mean and stddev") {
    const std::vector<double> x =
        values(eval(b, b.op("random_normal", {},
                            {{"shape", Ints{100, 100}},
                             {"mean", 3.0},
                             {"stddev", 2.0},
                             {"dtype", kF64},
                             {"seed", 7}})));
    const double mean = std::accumulate(x.begin(), x.end(), 0.0) / 1e4;
    double var = 0;
    for (double v : x) var += (v - mean) * (v - mean);
    CHECK(mean == Approx(3.0).margin(0.1));
    CHECK(std::sqrt(var / 1e4) == Approx(2.0).margin(0.1));
  }
  SECTION("errors") {
    CHECK_THAT(
        error_of([&] {
          b.op("random_uniform", {}, {{"shape", Ints{2}}, {"dtype", kI32}});
        }),
        Catch::Contains("random_uniform: dtype int32 is not supported"));
    CHECK_THAT(
        error_of([&] {
          b.op("random_normal", {}, {{"shape", Ints{2}}, {"stddev", -1.0}});
        }),
        Catch::Contains("random_normal: stddev must be >= 0"));
    CHECK_THAT(error_of([&] {
                 b.op("random_uniform", {},
                      {{"shape", Ints{2}}, {"minval", 1.0}, {"maxval", 0.0}});
               }),
               Catch::Contains("must not exceed maxval"));
  }
}
