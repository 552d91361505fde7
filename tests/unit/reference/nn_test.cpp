// Neural-network ops of the reference backend: softmax, bias_add, conv2d,
// pool2d, the crossentropies and dropout — values on small hand-computed
// cases, the context's image_data_format/epsilon, errors, and gradients
// (check_gradient in float64).
#include <catch2/catch.hpp>

#include <cmath>

#include "gradcheck.hpp"
#include "ops_test_util.hpp"

using namespace tensorplug;
using namespace tensorplug::test;

namespace {

Backend channels_first_backend() {
  Settings s = Settings::defaults("reference");
  s.set_image_data_format("channels_first");
  return load_reference_backend(s);
}

const std::vector<double> k1to9{1, 2, 3, 4, 5, 6, 7, 8, 9};

}  // namespace

TEST_CASE("softmax normalises along an axis, stably, in every float dtype",
          "[ops][nn]") {
  const Backend b = load_reference_backend();
  const double s = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  const std::vector<double> expected{std::exp(1.0) / s, std::exp(2.0) / s,
                                     std::exp(3.0) / s};
  SECTION("last axis, each float dtype") {
    for (DLDataType dt : {kF16, kF32, kF64}) {
      INFO(dtype::name(dt));
      const Array y = run(b, "softmax", {make({1, 3}, {1, 2, 3}, dt)});
      CHECK(dtype::equal(y.dtype(), dt));
      check_close(values(y), expected, dtype::equal(dt, kF16) ? 2e-3 : 1e-6);
    }
  }
  SECTION("large inputs do not overflow") {
    const Array y = run(b, "softmax", {make({3}, {1001, 1002, 1003})});
    check_close(values(y), expected, 1e-6);
  }
  SECTION("axis 0") {
    const Array y = run(b, "softmax", {make({3, 1}, {1, 2, 3})}, {{"axis", 0}});
    check_close(values(y), expected, 1e-6);
  }
  SECTION("errors") {
    const Tensor x = b.placeholder({2, 3});
    CHECK_THAT(error_of([&] {
                 b.op("softmax", {x}, {{"axis", 2}});
               }),
               Catch::Contains("softmax: axis 2 is out of range for shape "
                               "(2, 3)"));
    const Tensor i = b.placeholder({2, 3}, kI32);
    CHECK_THAT(error_of([&] { b.op("softmax", {i}, {}); }),
               Catch::Contains("int32"));
    const Tensor scalar = b.placeholder({});
    CHECK_THAT(error_of([&] { b.op("softmax", {scalar}, {}); }),
               Catch::Contains("softmax: cannot apply softmax to a scalar"));
  }
  SECTION("gradient") {
    const Array x = f64({2, 3, 2}, {0.1, -0.4, 0.7, 1.2, -1.1, 0.3, 0.5, 0.9,
                                    -0.2, 0.05, 1.5, -0.8});
    check_gradient(
        b, [](const std::vector<Tensor>& v) { return op("softmax", {v[0]}); },
        {x});
    check_gradient(b,
                   [](const std::vector<Tensor>& v) {
                     return op("softmax", {v[0]}, {{"axis", 1}});
                   },
                   {x});
  }
}

TEST_CASE("bias_add adds per channel in the context's or the given format",
          "[ops][nn]") {
  const Backend b = load_reference_backend();
  SECTION("channels_last, 1-D bias on the last axis") {
    const Array y =
        run(b, "bias_add", {make({2, 2}, {1, 2, 3, 4}), make({2}, {10, 20})});
    check_close(values(y), {11, 22, 13, 24});
  }
  SECTION("channels_first given as an attribute") {
    const Array y = run(b, "bias_add",
                        {make({1, 2, 1, 2}, {1, 2, 3, 4}), make({2}, {10, 20})},
                        {{"data_format", "channels_first"}});
    check_close(values(y), {11, 12, 23, 24});
  }
  SECTION("channels_first from the context's image_data_format") {
    const Backend cf = channels_first_backend();
    const Array y =
        run(cf, "bias_add",
            {make({1, 2, 1, 2}, {1, 2, 3, 4}), make({2}, {10, 20})});
    check_close(values(y), {11, 12, 23, 24});
  }
  SECTION("a full bias of rank ndim(x) - 1") {
    const Array y = run(
        b, "bias_add", {make({2, 1, 2}, {1, 2, 3, 4}), make({1, 2}, {10, 20})});
    check_close(values(y), {11, 22, 13, 24});
  }
  SECTION("float16") {
    const Array y = run(
        b, "bias_add", {make({1, 2}, {1, 2}, kF16), make({2}, {0.5, 1}, kF16)});
    check_close(values(y), {1.5, 3});
  }
  SECTION("errors") {
    const Tensor x = b.placeholder({2, 3});
    const Tensor bad = b.placeholder({4});
    CHECK_THAT(error_of([&] {
                 b.op("bias_add", {x, bad}, {});
               }),
               Catch::Contains("bias_add: bias shape (4,) does not match x "
                               "shape (2, 3)"));
    const Tensor rank3 = b.placeholder({1, 1, 3});
    CHECK_THAT(error_of([&] {
                 b.op("bias_add", {x, rank3}, {});
               }),
               Catch::Contains("unexpected bias dimensions 3"));
    const Tensor ok = b.placeholder({3});
    CHECK_THAT(error_of([&] {
                 b.op("bias_add", {x, ok}, {{"data_format", "nhwc"}});
               }),
               Catch::Contains("data_format is 'nhwc'"));
  }
  SECTION("gradient, both formats") {
    const Array x = f64({2, 3, 2}, {0.1, -0.4, 0.7, 1.2, -1.1, 0.3, 0.5, 0.9,
                                    -0.2, 0.05, 1.5, -0.8});
    for (const char* format : {"channels_last", "channels_first"}) {
      INFO(format);
      const std::int64_t c = std::string(format) == "channels_last" ? 2 : 3;
      std::vector<double> bv(static_cast<std::size_t>(c), 0.3);
      check_gradient(
          b,
          [&](const std::vector<Tensor>& v) {
            return op("bias_add", {v[0], v[1]}, {{"data_format", format}});
          },
          {x, f64({c}, bv)});
    }
  }
}

TEST_CASE("conv2d matches hand-computed convolutions", "[ops][nn]") {
  const Backend b = load_reference_backend();
  const Array x = make({1, 3, 3, 1}, k1to9);
  const Array diag = make({2, 2, 1, 1}, {1, 0, 0, 1});
  SECTION("valid, stride 1") {
    check_close(values(run(b, "conv2d", {x, diag})), {6, 8, 12, 14});
  }
  SECTION("same, stride 1: the extra padding is at the bottom/right") {
    check_close(values(run(b, "conv2d", {x, diag}, {{"padding", "same"}})),
                {6, 8, 3, 12, 14, 6, 7, 8, 9});
  }
  SECTION("same, stride 2") {
    const Array y = run(b, "conv2d", {x, diag},
                        {{"padding", "same"}, {"strides", Ints{2, 2}}});
    CHECK(y.shape() == std::vector<std::int64_t>{1, 2, 2, 1});
    check_close(values(y), {6, 3, 7, 9});
  }
  SECTION("dilation 2") {
    check_close(
        values(run(b, "conv2d", {x, diag}, {{"dilation_rate", Ints{2, 2}}})),
        {10});
  }
  SECTION("channels mix, both formats, float64") {
    const Array k = make({1, 1, 2, 3}, {1, 2, 3, 4, 5, 6}, kF64);
    const Array last = run(b, "conv2d", {make({1, 1, 1, 2}, {1, 2}, kF64), k});
    CHECK(last.shape() == std::vector<std::int64_t>{1, 1, 1, 3});
    check_close(values(last), {9, 12, 15});
    const Array first = run(b, "conv2d", {make({1, 2, 1, 1}, {1, 2}, kF64), k},
                            {{"data_format", "channels_first"}});
    CHECK(first.shape() == std::vector<std::int64_t>{1, 3, 1, 1});
    check_close(values(first), {9, 12, 15});
  }
  SECTION("errors") {
    const Tensor xt = b.placeholder({1, 3, 3, 2});
    const Tensor kt = b.placeholder({2, 2, 1, 1});
    CHECK_THAT(error_of([&] {
                 b.op("conv2d", {xt, kt}, {});
               }),
               Catch::Contains("conv2d: x shape (1, 3, 3, 2) has 2 channels "
                               "(channels_last) but kernel shape "
                               "(2, 2, 1, 1) expects 1"));
    const Tensor k2 = b.placeholder({2, 2, 2, 1});
    CHECK_THAT(error_of([&] {
                 b.op("conv2d", {xt, k2}, {{"padding", "full"}});
               }),
               Catch::Contains("conv2d: padding is 'full'"));
    const Tensor x3 = b.placeholder({3, 3, 2});
    CHECK_THAT(error_of([&] {
                 b.op("conv2d", {x3, k2}, {});
               }),
               Catch::Contains("conv2d: x must have rank 4, got shape "
                               "(3, 3, 2)"));
    const Tensor big = b.placeholder({4, 4, 2, 1});
    CHECK_THAT(error_of([&] {
                 b.op("conv2d", {xt, big}, {});
               }),
               Catch::Contains("smaller than the (dilated) window 4"));
  }
}

TEST_CASE("conv2d gradients match finite differences", "[ops][nn]") {
  const Backend b = load_reference_backend();
  std::vector<double> xv(2 * 5 * 4 * 2), kv(3 * 2 * 2 * 3);
  for (std::size_t i = 0; i < xv.size(); ++i) xv[i] = std::sin(1.3 * i);
  for (std::size_t i = 0; i < kv.size(); ++i) kv[i] = std::cos(0.7 * i);
  const Array k = f64({3, 2, 2, 3}, kv);
  struct Case {
    const char* format;
    const char* padding;
    std::int64_t stride, dilation;
  };
  for (const Case& c : {Case{"channels_last", "valid", 1, 1},
                        Case{"channels_last", "same", 2, 1},
                        Case{"channels_first", "same", 1, 2},
                        Case{"channels_first", "valid", 2, 1},
                        Case{"channels_last", "valid", 1, 2}}) {
    INFO(c.format << " " << c.padding << " stride " << c.stride << " dilation "
                  << c.dilation);
    const bool first = std::string(c.format) == "channels_first";
    const Array x = f64(first ? std::vector<std::int64_t>{2, 2, 5, 4}
                              : std::vector<std::int64_t>{2, 5, 4, 2},
                        xv);
    check_gradient(b,
                   [&](const std::vector<Tensor>& v) {
                     return op(
                         "conv2d", {v[0], v[1]},
                         {{"data_format", c.format},
                          {"padding", c.padding},
                          {"strides", Ints{c.stride, c.stride}},
                          {"dilation_rate", Ints{c.dilation, c.dilation}}});
                   },
                   {x, k});
  }
}

TEST_CASE("pool2d takes the max or the mean of each window", "[ops][nn]") {
  const Backend b = load_reference_backend();
  const Array x = make({1, 3, 3, 1}, k1to9);
  SECTION("max and avg, valid, default strides (1, 1)") {
    check_close(values(run(b, "pool2d", {x}, {{"pool_size", Ints{2, 2}}})),
                {5, 6, 8, 9});
    check_close(values(run(b, "pool2d", {x},
                           {{"pool_size", Ints{2, 2}}, {"pool_mode", "avg"}})),
                {3, 4, 6, 7});
  }
  SECTION("same padding, stride 2: avg excludes the padding") {
    const tensorplug::Attrs a{{"pool_size", Ints{2, 2}},
                              {"strides", Ints{2, 2}},
                              {"padding", "same"}};
    check_close(values(run(b, "pool2d", {x}, a)), {5, 6, 8, 9});
    tensorplug::Attrs avg = a;
    avg.push_back({"pool_mode", "avg"});
    check_close(values(run(b, "pool2d", {x}, avg)), {3, 4.5, 7.5, 9});
  }
  SECTION("channels_first") {
    const Array y =
        run(b, "pool2d", {make({1, 1, 3, 3}, k1to9, kF64)},
            {{"pool_size", Ints{3, 3}}, {"data_format", "channels_first"}});
    CHECK(y.shape() == std::vector<std::int64_t>{1, 1, 1, 1});
    check_close(values(y), {9});
  }
  SECTION("errors") {
    const Tensor xt = b.placeholder({1, 3, 3, 1});
    CHECK_THAT(error_of([&] {
                 b.op("pool2d", {xt},
                      {{"pool_size", Ints{2, 2}}, {"pool_mode", "median"}});
               }),
               Catch::Contains("pool2d: pool_mode is 'median'"));
    CHECK_THAT(error_of([&] { b.op("pool2d", {xt}, {}); }),
               Catch::Contains("pool2d: pool_size must be 2 positive ints"));
    CHECK_THAT(error_of([&] {
                 b.op("pool2d", {xt},
                      {{"pool_size", Ints{2, 2}}, {"padding", "causal"}});
               }),
               Catch::Contains("pool2d: padding is 'causal'"));
  }
  SECTION("gradients, max and avg") {
    std::vector<double> xv(2 * 4 * 5 * 2);
    for (std::size_t i = 0; i < xv.size(); ++i) {
      xv[i] = static_cast<double>((i * 37) % xv.size()) * 0.1;  // no ties
    }
    for (const char* mode : {"max", "avg"}) {
      for (const char* padding : {"valid", "same"}) {
        INFO(mode << " " << padding);
        check_gradient(b,
                       [&](const std::vector<Tensor>& v) {
                         return op("pool2d", {v[0]},
                                   {{"pool_size", Ints{2, 3}},
                                    {"strides", Ints{2, 2}},
                                    {"padding", padding},
                                    {"pool_mode", mode}});
                       },
                       {f64({2, 4, 5, 2}, xv)});
      }
    }
  }
}
