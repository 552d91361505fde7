// The valid C fixture (tests/fixtures/fixture_plugin.c) is a working minimal
// backend: identity functions over float32 values.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fixture_paths.hpp"
#include "raw_plugin.hpp"

using namespace raw;

TEST_CASE("The valid fixture negotiates, runs identity functions and updates",
          "[plugins]") {
  Library lib(fixtures::kValid);
  Entries e(lib);
  CHECK(e.add_entry == nullptr);

  auto nargs = raw::negotiate_args();
  Error err;
  REQUIRE(e.negotiate(&nargs, &err) == TP_OK);
  CHECK(nargs.plugin_version.major == TP_API_VERSION_MAJOR);
  CHECK(nargs.plugin_version.minor == TP_API_VERSION_MINOR);

  Context ctx(e);
  REQUIRE(ctx.init_status() == TP_OK);
  std::vector<int64_t> shape{TP_DIM_UNKNOWN, 2};
  auto pargs = raw::placeholder_args(shape);
  tp_tensor* x = nullptr;
  REQUIRE(e.placeholder(ctx.get(), &pargs, &x, &err) == TP_OK);
  Value init({3}, {1, 2, 3});
  auto vargs = raw::variable_args(init.tensor());
  tp_tensor* v = nullptr;
  REQUIRE(e.variable(ctx.get(), &vargs, &v, &err) == TP_OK);

  Callable f;
  std::vector<tp_tensor*> inputs{x}, outputs{x, v};
  auto fargs = raw::function_args(inputs, outputs);
  REQUIRE(e.function(ctx.get(), &fargs, &f, &err) == TP_OK);
  Value xs({2, 2}, {5, 6, 7, 8});
  std::vector<Result> out;
  REQUIRE(f(ctx.get(), {&xs}, 2, out, err) == TP_OK);
  CHECK(out[0].shape == std::vector<int64_t>{2, 2});
  CHECK(out[0].data == std::vector<float>{5, 6, 7, 8});
  CHECK(out[1].shape == std::vector<int64_t>{3});
  CHECK(out[1].data == std::vector<float>{1, 2, 3});

  Value bad({2, 3}, std::vector<float>(6, 0));
  CHECK(f(ctx.get(), {&bad}, 2, out, err) == TP_ERROR_SHAPE);
  CHECK(f.last_slots_null);

  Value nv({3}, {9, 8, 7});
  REQUIRE(e.set_value(ctx.get(), v, &nv.tensor(), &err) == TP_OK);
  DLManagedTensor* m = nullptr;
  REQUIRE(e.get_value(ctx.get(), v, &m, &err) == TP_OK);
  CHECK(raw::take(m).data == std::vector<float>{9, 8, 7});

  // An update: v := v2 (another variable), read back after the call.
  Value init2({3}, {-1, -2, -3});
  vargs.value = &init2.tensor();
  tp_tensor* v2 = nullptr;
  REQUIRE(e.variable(ctx.get(), &vargs, &v2, &err) == TP_OK);
  Callable g;
  std::vector<tp_tensor*> none{}, gout{v}, vars{v}, vals{v2};
  auto gargs = raw::function_args(none, gout, vars, vals);
  REQUIRE(e.function(ctx.get(), &gargs, &g, &err) == TP_OK);
  e.tensor_release(ctx.get(), v2);  // still used by g
  REQUIRE(g(ctx.get(), {}, 1, out, err) == TP_OK);
  CHECK(out[0].data == std::vector<float>{9, 8, 7});
  REQUIRE(e.get_value(ctx.get(), v, &m, &err) == TP_OK);
  CHECK(raw::take(m).data == std::vector<float>{-1, -2, -3});
}

TEST_CASE("The init-fails fixture reports its message", "[plugins]") {
  Library lib(fixtures::kInitFails);
  Entries e(lib);
  Context ctx(e);
  CHECK(ctx.init_status() == TP_ERROR_INTERNAL);
  CHECK(ctx.init_message() == fixtures::kInitFailsMessage);
}

TEST_CASE("The future-major fixture answers API version 99.0", "[plugins]") {
  Library lib(fixtures::kFutureMajor);
  auto* negotiate = lib.get<tp_negotiate_version_fn>("tp_negotiate_version");
  auto nargs = raw::negotiate_args();
  Error err;
  REQUIRE(negotiate(&nargs, &err) == TP_OK);
  CHECK(nargs.plugin_version.major == 99);
  CHECK(nargs.plugin_version.minor == 0);
}
