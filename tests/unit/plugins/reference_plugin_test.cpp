// The reference backend through its raw C ABI (dlopen/dlsym, no host
// loader): version negotiation, contexts, graph building, functions, calls,
// updates and variable values, with exact numbers.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "fixture_paths.hpp"
#include "raw_plugin.hpp"

using namespace raw;

TEST_CASE("The reference plugin negotiates the API version it was built for",
          "[plugins]") {
  Library lib(fixtures::kReference);
  Entries e(lib);
  auto args = raw::negotiate_args();
  Error err;
  REQUIRE(e.negotiate(&args, &err) == TP_OK);
  CHECK(args.plugin_version.major == TP_API_VERSION_MAJOR);
  CHECK(args.plugin_version.minor == TP_API_VERSION_MINOR);
  REQUIRE(args.plugin_description != nullptr);
  CHECK(std::string(args.plugin_description).rfind("reference ", 0) == 0);
  CHECK(err.message == nullptr);
}

TEST_CASE("The reference plugin refuses a host of another major version",
          "[plugins]") {
  Library lib(fixtures::kReference);
  Entries e(lib);
  auto args = raw::negotiate_args(TP_API_VERSION_MAJOR + 1, 0);
  Error err;
  REQUIRE(e.negotiate(&args, &err) == TP_ERROR_VERSION);
  CHECK_THAT(err.text(), Catch::StartsWith("negotiate_version:") &&
                             Catch::Contains("major versions differ"));
  // The plugin still says which version it speaks.
  CHECK(args.plugin_version.major == TP_API_VERSION_MAJOR);
  err.clear();
  CHECK(err.message == nullptr);
  CHECK(err.release == nullptr);
  CHECK(err.struct_size == TP_ERROR_STRUCT_SIZE);
}

TEST_CASE("A reference context initialises from the host's settings",
          "[plugins]") {
  Session fx(fixtures::kReference);
  REQUIRE(fx.ctx.init_status() == TP_OK);
  CHECK(fx.ctx.get()->backend_state != nullptr);

  SECTION("initialising it twice is an error") {
    Error err;
    CHECK(fx.e.context_init(fx.ctx.get(), &err) == TP_ERROR_INVALID_ARGUMENT);
    CHECK_THAT(err.text(), Catch::Contains("already initialised"));
  }
  SECTION("shutdown frees the state and may run twice") {
    fx.e.context_shutdown(fx.ctx.get());
    CHECK(fx.ctx.get()->backend_state == nullptr);
    fx.e.context_shutdown(fx.ctx.get());
  }
}

TEST_CASE("A reference context refuses a floatx that is not a float type",
          "[plugins]") {
  Session fx(fixtures::kReference, raw::kInt32);
  CHECK(fx.ctx.init_status() == TP_ERROR_DTYPE);
  CHECK(fx.ctx.init_message() ==
        "context_init: floatx is int32; expected float16, float32 or float64");
  CHECK(fx.ctx.get()->backend_state == nullptr);
}

TEST_CASE("x + v broadcasts a fed placeholder against a variable",
          "[plugins]") {
  Session fx(fixtures::kReference);
  tp_tensor* x = fx.placeholder({TP_DIM_UNKNOWN, 3}, "x");
  tp_tensor* v = fx.variable(Value({3}, {10, 20, 30}), "v");
  tp_tensor* y = fx.add(x, v);

  Callable f;
  fx.compile(f, {x}, {y});
  Error err;

  Value xs({2, 3}, {1, 2, 3, 4, 5, 6});
  std::vector<Result> out;
  REQUIRE(f(fx.ctx.get(), {&xs}, 1, out, err) == TP_OK);
  REQUIRE(out.size() == 1);
  CHECK(out[0].shape == std::vector<int64_t>{2, 3});
  CHECK(out[0].data == std::vector<float>{11, 22, 33, 14, 25, 36});
  CHECK(out[0].contiguous);

  // Another batch size fits the unknown dimension.
  Value one({1, 3}, {-1, -2, -3});
  REQUIRE(f(fx.ctx.get(), {&one}, 1, out, err) == TP_OK);
  CHECK(out[0].shape == std::vector<int64_t>{1, 3});
  CHECK(out[0].data == std::vector<float>{9, 18, 27});
}

TEST_CASE("Broadcasting combines size-1 dimensions on both sides",
          "[plugins]") {
  Session fx(fixtures::kReference);
  tp_tensor* a = fx.placeholder({3, 1}, "a");
  tp_tensor* b = fx.placeholder({1, 2}, "b");
  tp_tensor* s = fx.variable(Value({}, {100}), "s");  // a scalar
  tp_tensor* y = fx.add(fx.add(a, b), s);
  Callable f;
  fx.compile(f, {a, b}, {y});
  Error err;
  Value av({3, 1}, {1, 2, 3});
  Value bv({1, 2}, {10, 20});
  std::vector<Result> out;
  REQUIRE(f(fx.ctx.get(), {&av, &bv}, 1, out, err) == TP_OK);
  CHECK(out[0].shape == std::vector<int64_t>{3, 2});
  CHECK(out[0].data == std::vector<float>{111, 121, 112, 122, 113, 123});
}

TEST_CASE("Updates apply after the outputs are computed and accumulate",
          "[plugins]") {
  Session fx(fixtures::kReference);
  tp_tensor* x = fx.placeholder({2}, "x");
  tp_tensor* v = fx.variable(Value({2}, {1, 2}), "v");
  tp_tensor* y = fx.add(v, x);

  // outputs: (v + x, v); update: v := v + x
  Callable f;
  fx.compile(f, {x}, {y, v}, {v}, {y}, "step");
  Error err;

  Value x1({2}, {10, 20});
  std::vector<Result> out;
  REQUIRE(f(fx.ctx.get(), {&x1}, 2, out, err) == TP_OK);
  CHECK(out[0].data == std::vector<float>{11, 22});
  CHECK(out[1].data == std::vector<float>{1, 2});  // before the update
  CHECK(fx.value_of(v).data == std::vector<float>{11, 22});

  Value x2({2}, {1, 1});
  REQUIRE(f(fx.ctx.get(), {&x2}, 2, out, err) == TP_OK);
  CHECK(out[0].data == std::vector<float>{12, 23});
  CHECK(out[1].data == std::vector<float>{11, 22});
  CHECK(fx.value_of(v).data == std::vector<float>{12, 23});

  for (int i = 0; i < 10; ++i) {
    REQUIRE(f(fx.ctx.get(), {&x2}, 2, out, err) == TP_OK);
  }
  CHECK(fx.value_of(v).data == std::vector<float>{22, 33});
}

TEST_CASE("All update values are computed before any variable is assigned",
          "[plugins]") {
  Session fx(fixtures::kReference);
  tp_tensor* a = fx.variable(Value({1}, {1}), "a");
  tp_tensor* b = fx.variable(Value({1}, {2}), "b");
  tp_tensor* sum = fx.add(a, b);
  // a := b, b := a, c-free: a swap, plus an output reading both.
  Callable f;
  fx.compile(f, {}, {sum}, {a, b}, {b, a});
  Error err;
  std::vector<Result> out;
  REQUIRE(f(fx.ctx.get(), {}, 1, out, err) == TP_OK);
  CHECK(out[0].data == std::vector<float>{3});
  CHECK(fx.value_of(a).data == std::vector<float>{2});
  CHECK(fx.value_of(b).data == std::vector<float>{1});
  REQUIRE(f(fx.ctx.get(), {}, 1, out, err) == TP_OK);
  CHECK(fx.value_of(a).data == std::vector<float>{1});
  CHECK(fx.value_of(b).data == std::vector<float>{2});
}

TEST_CASE("A function may output its inputs and variables unchanged",
          "[plugins]") {
  Session fx(fixtures::kReference);
  tp_tensor* x = fx.placeholder({}, "x");  // a scalar
  tp_tensor* v = fx.variable(Value({2, 2}, {1, 2, 3, 4}), "v");
  Callable f;
  fx.compile(f, {x}, {x, v, x});
  Error err;
  Value xs({}, {7});
  std::vector<Result> out;
  REQUIRE(f(fx.ctx.get(), {&xs}, 3, out, err) == TP_OK);
  CHECK(out[0].shape.empty());
  CHECK(out[0].data == std::vector<float>{7});
  CHECK(out[1].shape == std::vector<int64_t>{2, 2});
  CHECK(out[1].data == std::vector<float>{1, 2, 3, 4});
  CHECK(out[2].data == std::vector<float>{7});
}

TEST_CASE("get_value and set_value copy whole values in and out", "[plugins]") {
  Session fx(fixtures::kReference);
  tp_tensor* v = fx.variable(Value({2, 3}, {1, 2, 3, 4, 5, 6}), "v");

  Result r = fx.value_of(v);
  CHECK(r.shape == std::vector<int64_t>{2, 3});
  CHECK(r.data == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(r.dtype.code == kDLFloat);
  CHECK(r.dtype.bits == 32);

  SECTION("set_value replaces the value") {
    Value nv({2, 3}, {6, 5, 4, 3, 2, 1});
    Error err;
    REQUIRE(fx.e.set_value(fx.ctx.get(), v, &nv.tensor(), &err) == TP_OK);
    nv.bytes.assign(nv.bytes.size(), 0);  // the plugin kept a copy
    CHECK(fx.value_of(v).data == std::vector<float>{6, 5, 4, 3, 2, 1});
  }
  SECTION("set_value reads a strided (transposed) value") {
    // A 3x2 buffer seen as its 2x3 transpose.
    Value nv({2, 3}, {1, 4, 2, 5, 3, 6});
    nv.strides = {1, 2};
    Error err;
    REQUIRE(fx.e.set_value(fx.ctx.get(), v, &nv.tensor(), &err) == TP_OK);
    CHECK(fx.value_of(v).data == std::vector<float>{1, 2, 3, 4, 5, 6});
  }
}

TEST_CASE("variable copies values of any strides and converts to its dtype",
          "[plugins]") {
  Session fx(fixtures::kReference);

  SECTION("reversed (negative stride) value") {
    Value base({4}, {1, 2, 3, 4});
    DLTensor t = base.tensor();
    int64_t stride = -1;
    t.strides = &stride;
    t.byte_offset = 3 * sizeof(float);  // starts at the last element
    auto args = raw::variable_args(t);
    tp_tensor* v = nullptr;
    Error err;
    REQUIRE(fx.e.variable(fx.ctx.get(), &args, &v, &err) == TP_OK);
    CHECK(fx.value_of(v).data == std::vector<float>{4, 3, 2, 1});
  }
  SECTION("a float64 value stored as float32") {
    Value d({3}, std::vector<double>{0.5, -1.25, 3}, raw::kFloat64);
    auto args = raw::variable_args(d.tensor(), raw::kFloat32);
    tp_tensor* v = nullptr;
    Error err;
    REQUIRE(fx.e.variable(fx.ctx.get(), &args, &v, &err) == TP_OK);
    Result r = fx.value_of(v);
    CHECK(r.dtype.bits == 32);
    CHECK(r.data == std::vector<float>{0.5f, -1.25f, 3.0f});
  }
  SECTION("an int64 value stored as float32") {
    Value d({2}, std::vector<int64_t>{-3, 7}, raw::kInt64);
    auto args = raw::variable_args(d.tensor(), raw::kFloat32);
    tp_tensor* v = nullptr;
    Error err;
    REQUIRE(fx.e.variable(fx.ctx.get(), &args, &v, &err) == TP_OK);
    CHECK(fx.value_of(v).data == std::vector<float>{-3, 7});
  }
}

TEST_CASE("Releasing handles early keeps functions that use them working",
          "[plugins]") {
  Session fx(fixtures::kReference);
  tp_tensor* x = fx.placeholder({1}, "x");
  tp_tensor* v = fx.variable(Value({1}, {5}), "v");
  tp_tensor* y = fx.add(x, v);
  Callable f;
  fx.compile(f, {x}, {y}, {v}, {y});
  Error err;

  fx.e.tensor_release(fx.ctx.get(), y);
  fx.e.tensor_release(fx.ctx.get(), x);
  fx.e.tensor_release(fx.ctx.get(), nullptr);  // accepted and ignored

  Value xs({1}, {1});
  std::vector<Result> out;
  REQUIRE(f(fx.ctx.get(), {&xs}, 1, out, err) == TP_OK);
  CHECK(out[0].data == std::vector<float>{6});
  CHECK(fx.value_of(v).data == std::vector<float>{6});

  // A released handle is refused, not followed.
  DLManagedTensor* m = nullptr;
  CHECK(fx.e.get_value(fx.ctx.get(), y, &m, &err) == TP_ERROR_INVALID_ARGUMENT);
  CHECK(m == nullptr);
  CHECK_THAT(err.text(), Catch::Contains("not a live tensor"));

  // The callable may even be released after the context's shutdown.
  fx.e.context_shutdown(fx.ctx.get());
  f.release(&f);
  CHECK(f.release == nullptr);
}

TEST_CASE("A placeholder's default dtype is the context's floatx",
          "[plugins]") {
  Session fx(fixtures::kReference, raw::kFloat64);
  REQUIRE(fx.ctx.init_status() == TP_OK);
  const std::vector<int64_t> shape{2};
  auto args = raw::placeholder_args(shape);
  tp_tensor* t = nullptr;
  Error err;
  REQUIRE(fx.e.placeholder(fx.ctx.get(), &args, &t, &err) == TP_OK);
  auto* info = fx.lib.find<tp_tensor_info_fn>("tp_tensor_info");
  REQUIRE(info != nullptr);
  tp_tensor_desc desc{};
  desc.struct_size = sizeof(desc);
  REQUIRE(info(fx.ctx.get(), t, &desc, &err) == TP_OK);
  CHECK(desc.dtype.code == kDLFloat);
  CHECK(desc.dtype.bits == 64);
  CHECK(desc.ndim == 1);
  CHECK(desc.shape[0] == 2);
  args.dtype = raw::kFloat32;  // an explicit dtype wins
  CHECK(fx.e.placeholder(fx.ctx.get(), &args, &t, &err) == TP_OK);
  REQUIRE(info(fx.ctx.get(), t, &desc, &err) == TP_OK);
  CHECK(desc.dtype.bits == 32);
}
