// reshape, expand_dims, squeeze, flatten, batch_flatten, concatenate,
// one_hot and gather in the reference backend: values, shape inference with
// unknown dimensions, dtypes, errors and gradients.
#include <catch2/catch.hpp>

#include "gradcheck.hpp"
#include "ops_test_util.hpp"
#include "tensorplug/errors.hpp"

using namespace tensorplug;
using namespace tensorplug::test;

namespace {

std::vector<double> iota(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = 0.1 * static_cast<double>(i + 1);
  return v;
}
Array seq(std::vector<std::int64_t> shape) {
  std::size_t n = 1;
  for (auto d : shape) n *= static_cast<std::size_t>(d);
  return f64(std::move(shape), iota(n));
}

using Shape = std::vector<std::int64_t>;

std::function<Tensor(const std::vector<Tensor>&)> unary(const char* name,
                                                        Attrs attrs = {}) {
  return [name, attrs](const std::vector<Tensor>& x) {
    return op(name, {x[0]}, attrs);
  };
}

}  // namespace

TEST_CASE("reshape, expand_dims, squeeze and the flattens change shapes only",
          "[ops]") {
  const Backend b = load_reference_backend();
  const Tensor x = b.variable(seq({2, 3}));
  SECTION("reshape, with one -1 inferred") {
    const Array r = eval(b, op("reshape", {x}, {{"shape", Ints{3, -1}}}));
    CHECK(r.shape() == Shape{3, 2});
    CHECK(r.to_vector<double>() == iota(6));
    const Tensor p = b.placeholder({-1, 8, 8}, dtype::float32);
    CHECK(int_shape(op("reshape", {p}, {{"shape", Ints{-1, 64}}})) ==
          Shape{-1, 64});
    const Tensor f = op("reshape", {p}, {{"shape", Ints{-1, 64}}});
    CHECK(b.function({p}, {f})({Array({3, 8, 8}, dtype::float32)})[0].shape() ==
          Shape{3, 64});
  }
  SECTION("expand_dims inserts a 1, at the end by default") {
    CHECK(int_shape(op("expand_dims", {x})) == Shape{2, 3, 1});
    CHECK(int_shape(op("expand_dims", {x}, {{"axis", 0}})) == Shape{1, 2, 3});
    CHECK(int_shape(op("expand_dims", {x}, {{"axis", -2}})) == Shape{2, 1, 3});
    CHECK(eval(b, op("expand_dims", {x}, {{"axis", 1}})).to_vector<double>() ==
          iota(6));
  }
  SECTION("squeeze removes an axis of size 1") {
    const Tensor y = b.variable(seq({2, 1, 3}));
    CHECK(eval(b, op("squeeze", {y}, {{"axis", 1}})).shape() == Shape{2, 3});
    CHECK(int_shape(op("squeeze", {b.placeholder({-1, 1})}, {{"axis", -1}})) ==
          Shape{-1});
  }
  SECTION("flatten and batch_flatten") {
    const Tensor y = b.variable(seq({2, 3, 2}));
    CHECK(eval(b, op("flatten", {y})).shape() == Shape{12});
    CHECK(eval(b, op("batch_flatten", {y})).shape() == Shape{2, 6});
    CHECK(eval(b, op("batch_flatten", {y})).to_vector<double>() == iota(12));
    CHECK(int_shape(op("batch_flatten", {b.placeholder({-1, 4, 4, 3})})) ==
          Shape{-1, 48});
    CHECK(int_shape(op("flatten", {b.placeholder({-1, 4})})) == Shape{-1});
  }
  SECTION("integer, bool and float16 values are kept") {
    const Tensor i = b.variable(Array::of<std::int32_t>({2, 2}, {1, 2, 3, 4}));
    CHECK(eval(b, op("flatten", {i})).to_vector<std::int32_t>() ==
          std::vector<std::int32_t>{1, 2, 3, 4});
    const Tensor h = op("cast", {x}, {{"dtype", dtype::float16}});
    CHECK(dtype::equal(dtype_of(op("reshape", {h}, {{"shape", Ints{6}}})),
                       dtype::float16));
    const Tensor l = b.variable(Array::of<std::int64_t>({3}, {7, 8, 9}));
    CHECK(eval(b, op("expand_dims", {l}, {{"axis", 0}}))
              .to_vector<std::int64_t>() == std::vector<std::int64_t>{7, 8, 9});
  }
  SECTION("errors") {
    CHECK_THAT(error_of([&] {
                 op("reshape", {x}, {{"shape", Ints{4, -1}}});
               }),
               Catch::Contains(
                   "reshape: cannot reshape (2, 3) (6 elements) to (4, -1)"));
    CHECK_THAT(error_of([&] {
                 op("reshape", {x}, {{"shape", Ints{-1, -1}}});
               }),
               Catch::Contains("reshape: shape (-1, -1) has more than one -1"));
    CHECK_THAT(
        error_of([&] {
          op("squeeze", {x}, {{"axis", 0}});
        }),
        Catch::Contains(
            "squeeze: cannot squeeze axis 0 of shape (2, 3): its size is 2"));
    CHECK_THAT(error_of([&] {
                 op("expand_dims", {x}, {{"axis", 3}});
               }),
               Catch::Contains(
                   "expand_dims: axis 3 is out of range for shape (2, 3)"));
    const Tensor p = b.placeholder({-1, 8}, dtype::float64);
    const Tensor r = op("reshape", {p}, {{"shape", Ints{-1, 3}}});
    CHECK_THAT(error_of([&] {
                 b.function({p}, {r})({seq({1, 8})});
               }),
               Catch::Contains(
                   "reshape: cannot reshape (1, 8) (8 elements) to (-1, 3)"));
  }
  SECTION("gradients reshape back to the operand's shape") {
    check_gradient(b, unary("reshape", {{"shape", Ints{3, -1}}}),
                   {seq({2, 3})});
    check_gradient(b, unary("expand_dims", {{"axis", 0}}), {seq({2, 3})});
    check_gradient(b, unary("squeeze", {{"axis", 1}}), {seq({2, 1, 3})});
    check_gradient(b, unary("flatten"), {seq({2, 3})});
    check_gradient(b, unary("batch_flatten"), {seq({2, 3, 2})});
  }
  SECTION("a gradient through an unknown batch size has the runtime shape") {
    const Tensor p = b.placeholder({-1, 2, 2}, dtype::float64);
    const Tensor loss = op("sum", {op("batch_flatten", {p})});
    const auto g = gradients(loss, {p});
    const Array out = b.function({p}, g)({seq({3, 2, 2})})[0];
    CHECK(out.shape() == Shape{3, 2, 2});
    CHECK(out.to_vector<double>() == std::vector<double>(12, 1.0));
  }
}

TEST_CASE("concatenate joins operands along an axis", "[ops]") {
  const Backend b = load_reference_backend();
  const Tensor x = b.variable(f64({2, 2}, {1, 2, 3, 4}));
  const Tensor y = b.variable(f64({2, 1}, {5, 6}));
  SECTION("the last axis by default, or another") {
    const Array c = eval(b, op("concatenate", {x, y}));
    CHECK(c.shape() == Shape{2, 3});
    CHECK(c.to_vector<double>() == std::vector<double>{1, 2, 5, 3, 4, 6});
    const Array d = eval(b, op("concatenate", {x, x, x}, {{"axis", 0}}));
    CHECK(d.shape() == Shape{6, 2});
    CHECK(eval(b, op("concatenate", {x})).to_vector<double>() ==
          std::vector<double>{1, 2, 3, 4});
  }
  SECTION("unknown dimensions") {
    const Tensor p = b.placeholder({-1, 3});
    const Tensor q = b.placeholder({-1, 2});
    CHECK(int_shape(op("concatenate", {p, q})) == Shape{-1, 5});
    CHECK(int_shape(op("concatenate", {p, p}, {{"axis", 0}})) == Shape{-1, 3});
  }
  SECTION("integer and bool operands") {
    const Tensor i = b.variable(Array::of<std::int64_t>({2}, {1, 2}));
    CHECK(eval(b, op("concatenate", {i, i})).to_vector<std::int64_t>() ==
          std::vector<std::int64_t>{1, 2, 1, 2});
  }
  SECTION("errors") {
    CHECK_THAT(error_of([&] {
                 op("concatenate", {x, y}, {{"axis", 0}});
               }),
               Catch::Contains("concatenate: cannot concatenate (2, 2) and (2, "
                               "1) (operand 1) along axis 0"));
    const Tensor f = b.variable(Array::of<float>({2, 1}, {1, 2}));
    CHECK_THAT(error_of([&] {
                 op("concatenate", {x, f});
               }),
               Catch::Contains("concatenate: operand dtypes differ: float64 "
                               "(operand 0) and float32 (operand 1)"));
    CHECK_THAT(error_of([&] {
                 op("concatenate", {x, y}, {{"axis", 2}});
               }),
               Catch::Contains(
                   "concatenate: axis 2 is out of range for shape (2, 2)"));
  }
  SECTION("gradients slice back to each operand") {
    check_gradient(
        b,
        [](const std::vector<Tensor>& t) {
          return op("concatenate", {t[0], t[1], t[2]}, {{"axis", 1}});
        },
        {seq({2, 2, 2}), seq({2, 1, 2}), seq({2, 3, 2})});
    check_gradient(b,
                   [](const std::vector<Tensor>& t) {
                     return op("concatenate", {t[0], t[1]});
                   },
                   {seq({2, 2}), seq({2, 3})});
  }
}

TEST_CASE("one_hot encodes integer indices as floatx", "[ops]") {
  const Backend b = load_reference_backend();
  SECTION("values, with out-of-range indices giving zero rows") {
    const Tensor i = b.variable(Array::of<std::int32_t>({4}, {0, 2, 5, -1}));
    const Tensor h = op("one_hot", {i}, {{"num_classes", 3}});
    CHECK(dtype::equal(dtype_of(h), dtype::float32));
    const Array out = eval(b, h);
    CHECK(out.shape() == Shape{4, 3});
    CHECK(out.to_vector<float>() ==
          std::vector<float>{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0});
  }
  SECTION("int64 indices of any rank") {
    const Tensor i = b.variable(Array::of<std::int64_t>({2, 1}, {1, 0}));
    const Array out = eval(b, op("one_hot", {i}, {{"num_classes", 2}}));
    CHECK(out.shape() == Shape{2, 1, 2});
    CHECK(out.to_vector<float>() == std::vector<float>{0, 1, 1, 0});
    CHECK(int_shape(op("one_hot", {b.placeholder({-1}, dtype::int64)},
                       {{"num_classes", 10}})) == Shape{-1, 10});
  }
  SECTION("errors") {
    CHECK_THAT(
        error_of([&] {
          op("one_hot", {b.variable(seq({2}))}, {{"num_classes", 3}});
        }),
        Catch::Contains(
            "one_hot: indices must be int32 or int64, got float64 (2,)"));
    const Tensor i = b.variable(Array::of<std::int32_t>({1}, {0}));
    CHECK_THAT(error_of([&] { op("one_hot", {i}); }),
               Catch::Contains("one_hot: num_classes is required"));
  }
}

TEST_CASE("gather takes rows of the reference by index", "[ops]") {
  const Backend b = load_reference_backend();
  const Tensor ref = b.variable(f64({3, 2}, {1, 2, 3, 4, 5, 6}));
  SECTION("values, with repeated indices and indices of any rank") {
    const Tensor i = b.variable(Array::of<std::int32_t>({2, 2}, {2, 0, 2, 1}));
    const Array out = eval(b, op("gather", {ref, i}));
    CHECK(out.shape() == Shape{2, 2, 2});
    CHECK(out.to_vector<double>() ==
          std::vector<double>{5, 6, 1, 2, 5, 6, 3, 4});
    const Tensor l = b.variable(Array::of<std::int64_t>({1}, {1}));
    CHECK(eval(b, op("gather", {ref, l})).to_vector<double>() ==
          std::vector<double>{3, 4});
    CHECK(int_shape(op("gather", {ref, b.placeholder({-1}, dtype::int32)})) ==
          Shape{-1, 2});
  }
  SECTION("errors") {
    const Tensor bad = b.variable(Array::of<std::int32_t>({2}, {0, 3}));
    CHECK_THAT(
        error_of([&] {
          eval(b, op("gather", {ref, bad}));
        }),
        Catch::Contains(
            "gather: index 3 is out of range for reference shape (3, 2)"));
    CHECK_THAT(
        error_of([&] {
          op("gather", {ref, ref});
        }),
        Catch::Contains(
            "gather: indices must be int32 or int64, got float64 (3, 2)"));
  }
  SECTION("the gradient scatter-adds into the reference") {
    const Tensor i = b.variable(Array::of<std::int32_t>({3}, {2, 0, 2}));
    check_gradient(b,
                   [i](const std::vector<Tensor>& t) {
                     return op("gather", {t[0], i});
                   },
                   {seq({3, 2})});
    const Tensor p = b.placeholder({3, 2}, dtype::float64);
    const auto g = gradients(op("sum", {op("gather", {p, i})}), {p});
    CHECK(b.function({p}, g)({seq({3, 2})})[0].to_vector<double>() ==
          std::vector<double>{1, 1, 0, 0, 2, 2});
  }
}
