// The reference backend's errors through its raw C ABI: every bad argument
// returns a status with a message naming the entry, never a crash.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fixture_paths.hpp"
#include "raw_plugin.hpp"

using namespace raw;

TEST_CASE("add refuses shapes that cannot broadcast, naming both",
          "[plugins]") {
  Session fx(fixtures::kReference);
  tp_tensor* a = fx.placeholder({2, 3}, "a");
  tp_tensor* b = fx.placeholder({4}, "b");
  tp_tensor* out = reinterpret_cast<tp_tensor*>(1);
  Error err;
  REQUIRE(fx.e.add(fx.ctx.get(), a, b, &out, &err) == TP_ERROR_SHAPE);
  CHECK(err.text() == "add: cannot broadcast shapes (2, 3) and (4,)");
  CHECK(out == nullptr);
}

TEST_CASE("add reports a broadcast failure found only at call time",
          "[plugins]") {
  Session fx(fixtures::kReference);
  tp_tensor* a = fx.placeholder({TP_DIM_UNKNOWN}, "a");
  tp_tensor* b = fx.placeholder({TP_DIM_UNKNOWN}, "b");
  tp_tensor* y = fx.add(a, b);
  Callable f;
  fx.compile(f, {a, b}, {y});
  Error err;
  Value av({2}, {1, 2});
  Value bv({3}, {1, 2, 3});
  std::vector<Result> out;
  CHECK(f(fx.ctx.get(), {&av, &bv}, 1, out, err) == TP_ERROR_SHAPE);
  CHECK(err.text() == "add: cannot broadcast shapes (2,) and (3,)");
  CHECK(f.last_slots_null);
}

TEST_CASE("A call checks its inputs against the placeholders", "[plugins]") {
  Session fx(fixtures::kReference);
  tp_tensor* x = fx.placeholder({TP_DIM_UNKNOWN, 3}, "x");
  tp_tensor* v = fx.variable(Value({3}, {1, 2, 3}), "v");
  tp_tensor* y = fx.add(x, v);
  Callable f;
  std::vector<tp_tensor*> inputs{x}, outputs{y};
  fx.compile(f, inputs, outputs);
  Error err;
  std::vector<Result> out;

  SECTION("a shape that does not fit") {
    Value bad({2, 4}, std::vector<float>(8, 0));
    CHECK(f(fx.ctx.get(), {&bad}, 1, out, err) == TP_ERROR_SHAPE);
    CHECK(err.text() ==
          "call: input 0 ('x') has shape (2, 4), expected "
          "(None, 3)");
    CHECK(f.last_slots_null);
  }
  SECTION("a rank that does not fit") {
    Value bad({3}, {1, 2, 3});
    CHECK(f(fx.ctx.get(), {&bad}, 1, out, err) == TP_ERROR_SHAPE);
    CHECK(err.text() ==
          "call: input 0 ('x') has shape (3,), expected "
          "(None, 3)");
  }
  SECTION("a wrong dtype") {
    Value bad({1, 3}, std::vector<double>{1, 2, 3}, raw::kFloat64);
    CHECK(f(fx.ctx.get(), {&bad}, 1, out, err) == TP_ERROR_DTYPE);
    CHECK(err.text() ==
          "call: input 0 ('x') has dtype float64, expected float32");
  }
  SECTION("a wrong number of inputs") {
    Value a({1, 3}, {1, 2, 3});
    CHECK(f(fx.ctx.get(), {&a, &a}, 1, out, err) == TP_ERROR_INVALID_ARGUMENT);
    CHECK(err.text() == "call: expected 1 input(s), got 2");
    CHECK(f.last_slots_null);
  }
  SECTION("a wrong number of output slots") {
    Value a({1, 3}, {1, 2, 3});
    CHECK(f(fx.ctx.get(), {&a}, 2, out, err) == TP_ERROR_INVALID_ARGUMENT);
    CHECK(err.text() == "call: expected 1 output slot(s), got 2");
    CHECK(f.last_slots_null);
  }
  SECTION("a NULL input") {
    CHECK(f(fx.ctx.get(), {nullptr}, 1, out, err) == TP_ERROR_INVALID_ARGUMENT);
    CHECK(err.text() == "call: input 0 ('x') is NULL");
  }
  SECTION("a non-CPU input") {
    Value a({1, 3}, {1, 2, 3});
    DLTensor t = a.tensor();
    t.device.device_type = kDLCUDA;
    const DLTensor* in[] = {&t};
    DLManagedTensor* slots[1] = {};
    tp_call_args args{};
    args.struct_size = TP_CALL_ARGS_STRUCT_SIZE;
    args.num_inputs = 1;
    args.inputs = in;
    args.num_outputs = 1;
    args.outputs = slots;
    CHECK(f.call(&f, fx.ctx.get(), &args, &err) == TP_ERROR_INVALID_ARGUMENT);
    CHECK_THAT(err.text(), Catch::StartsWith("call: input 0 ('x') must be in "
                                             "CPU memory"));
  }
  SECTION("NULL call arguments") {
    CHECK(f.call(&f, fx.ctx.get(), nullptr, &err) == TP_ERROR_INVALID_ARGUMENT);
    CHECK(err.text() == "call: args is NULL");
    err.clear();
    CHECK(f.call(nullptr, fx.ctx.get(), nullptr, nullptr) ==
          TP_ERROR_INVALID_ARGUMENT);
  }
  SECTION("the function's name labels its call errors") {
    Callable g;
    auto gargs = raw::function_args(inputs, outputs, {}, {}, "train_step");
    REQUIRE(fx.e.function(fx.ctx.get(), &gargs, &g, &err) == TP_OK);
    CHECK(g(fx.ctx.get(), {}, 1, out, err) == TP_ERROR_INVALID_ARGUMENT);
    CHECK(err.text() == "call 'train_step': expected 1 input(s), got 0");
  }
  // Nothing above changed the variable.
  CHECK(fx.value_of(v).data == std::vector<float>{1, 2, 3});
}

TEST_CASE("function refuses outputs that need a placeholder it is not fed",
          "[plugins]") {
  Session fx(fixtures::kReference);
  tp_tensor* x = fx.placeholder({2}, "x");
  tp_tensor* y = fx.placeholder({2}, "y");
  tp_tensor* s = fx.add(x, y);
  Callable f;
  std::vector<tp_tensor*> inputs{x}, outputs{s};
  auto fargs = raw::function_args(inputs, outputs);
  Error err;
  CHECK(fx.e.function(fx.ctx.get(), &fargs, &f, &err) ==
        TP_ERROR_INVALID_ARGUMENT);
  CHECK(err.text() ==
        "function: output 0 depends on placeholder 'y', which "
        "is not among the function's inputs");
  CHECK(f.call == nullptr);
}

TEST_CASE("function checks its inputs and updates when it compiles",
          "[plugins]") {
  Session fx(fixtures::kReference);
  tp_tensor* x = fx.placeholder({2}, "x");
  tp_tensor* u = fx.placeholder({TP_DIM_UNKNOWN}, "u");
  tp_tensor* v = fx.variable(Value({2}, {1, 2}), "v");
  tp_tensor* w = fx.variable(Value({3}, {1, 2, 3}), "w");
  Callable f;
  Error err;

  SECTION("an input that is not a placeholder") {
    std::vector<tp_tensor*> inputs{v}, outputs{v};
    auto fargs = raw::function_args(inputs, outputs);
    CHECK(fx.e.function(fx.ctx.get(), &fargs, &f, &err) ==
          TP_ERROR_INVALID_ARGUMENT);
    CHECK(err.text() ==
          "function: input 0 ('v') is a variable, not a placeholder");
  }
  SECTION("an input listed twice") {
    std::vector<tp_tensor*> inputs{x, x}, outputs{x};
    auto fargs = raw::function_args(inputs, outputs);
    CHECK(fx.e.function(fx.ctx.get(), &fargs, &f, &err) ==
          TP_ERROR_INVALID_ARGUMENT);
    CHECK(err.text() == "function: input 1 ('x') is listed twice");
  }
  SECTION("an update whose static shape differs from its variable's") {
    std::vector<tp_tensor*> inputs{}, outputs{}, vars{v}, vals{w};
    auto fargs = raw::function_args(inputs, outputs, vars, vals, "bad");
    CHECK(fx.e.function(fx.ctx.get(), &fargs, &f, &err) == TP_ERROR_SHAPE);
    CHECK(err.text() ==
          "function 'bad': update 0 assigns a value of shape "
          "(3,) to variable 'v' of shape (2,)");
  }
  SECTION("an update target that is not a variable") {
    std::vector<tp_tensor*> inputs{x}, outputs{}, vars{x}, vals{x};
    auto fargs = raw::function_args(inputs, outputs, vars, vals);
    CHECK(fx.e.function(fx.ctx.get(), &fargs, &f, &err) ==
          TP_ERROR_INVALID_ARGUMENT);
    CHECK(err.text() ==
          "function: update 0 targets 'x', a placeholder, not a variable");
  }
  SECTION("a variable updated twice") {
    std::vector<tp_tensor*> inputs{x}, outputs{}, vars{v, v}, vals{x, x};
    auto fargs = raw::function_args(inputs, outputs, vars, vals);
    CHECK(fx.e.function(fx.ctx.get(), &fargs, &f, &err) ==
          TP_ERROR_INVALID_ARGUMENT);
    CHECK(err.text() == "function: variable 'v' is updated twice (update 1)");
  }
  SECTION("an update whose shape is known only at call time") {
    std::vector<tp_tensor*> inputs{u}, outputs{v}, vars{v}, vals{u};
    auto fargs = raw::function_args(inputs, outputs, vars, vals);
    REQUIRE(fx.e.function(fx.ctx.get(), &fargs, &f, &err) == TP_OK);
    Value good({2}, {7, 8});
    Value bad({3}, {7, 8, 9});
    std::vector<Result> out;
    CHECK(f(fx.ctx.get(), {&bad}, 1, out, err) == TP_ERROR_SHAPE);
    CHECK(err.text() ==
          "call: update 0 assigns a value of shape (3,) to "
          "variable 'v' of shape (2,)");
    CHECK(f.last_slots_null);
    CHECK(fx.value_of(v).data == std::vector<float>{1, 2});  // unchanged
    err.clear();
    CHECK(f(fx.ctx.get(), {&good}, 1, out, err) == TP_OK);
    CHECK(fx.value_of(v).data == std::vector<float>{7, 8});
  }
  SECTION("NULL arrays with non-zero counts") {
    tp_function_args fargs{};
    fargs.struct_size = TP_FUNCTION_ARGS_STRUCT_SIZE;
    fargs.num_outputs = 1;
    CHECK(fx.e.function(fx.ctx.get(), &fargs, &f, &err) ==
          TP_ERROR_INVALID_ARGUMENT);
    CHECK(err.text() == "function: outputs is NULL but num_outputs is 1");
  }
}

TEST_CASE("set_value refuses a value of another shape or dtype", "[plugins]") {
  Session fx(fixtures::kReference);
  tp_tensor* v = fx.variable(Value({2}, {1, 2}), "v");
  Error err;
  SECTION("shape") {
    Value bad({3}, {1, 2, 3});
    CHECK(fx.e.set_value(fx.ctx.get(), v, &bad.tensor(), &err) ==
          TP_ERROR_SHAPE);
    CHECK(err.text() ==
          "set_value: value has shape (3,), variable 'v' has shape (2,)");
  }
  SECTION("dtype") {
    Value bad({2}, std::vector<double>{1, 2}, raw::kFloat64);
    CHECK(fx.e.set_value(fx.ctx.get(), v, &bad.tensor(), &err) ==
          TP_ERROR_DTYPE);
    CHECK(err.text() ==
          "set_value: value has dtype float64, variable 'v' has dtype "
          "float32");
  }
  SECTION("NULL value") {
    CHECK(fx.e.set_value(fx.ctx.get(), v, nullptr, &err) ==
          TP_ERROR_INVALID_ARGUMENT);
    CHECK(err.text() == "set_value: value is NULL");
  }
  SECTION("not a variable") {
    tp_tensor* x = fx.placeholder({2}, "x");
    Value ok({2}, {1, 2});
    CHECK(fx.e.set_value(fx.ctx.get(), x, &ok.tensor(), &err) ==
          TP_ERROR_INVALID_ARGUMENT);
    CHECK(err.text() == "set_value: 'x' is a placeholder, not a variable");
  }
  CHECK(fx.value_of(v).data == std::vector<float>{1, 2});
}

TEST_CASE("Unsupported dtypes are refused naming the dtype and the entry",
          "[plugins]") {
  Session fx(fixtures::kReference);
  Error err;
  tp_tensor* t = nullptr;
  SECTION("placeholder") {
    const std::vector<int64_t> shape{2};
    auto args = raw::placeholder_args(shape, DLDataType{kDLUInt, 16, 1});
    CHECK(fx.e.placeholder(fx.ctx.get(), &args, &t, &err) == TP_ERROR_DTYPE);
    CHECK(err.text() ==
          "placeholder: dtype uint16 is not supported (supported: float16, "
          "float32, float64, int32, int64, bool)");
  }
  SECTION("variable (the value's dtype by default)") {
    Value d({2}, std::vector<int64_t>{1, 2}, raw::kInt64);
    auto args = raw::variable_args(d.tensor(), DLDataType{kDLFloat, 8, 1});
    CHECK(fx.e.variable(fx.ctx.get(), &args, &t, &err) == TP_ERROR_DTYPE);
    CHECK_THAT(err.text(), Catch::Contains("float8"));
  }
  CHECK(t == nullptr);
}

TEST_CASE("NULL and foreign arguments return errors instead of crashing",
          "[plugins]") {
  Session fx(fixtures::kReference);
  Error err;
  tp_tensor* t = nullptr;
  tp_tensor* x = fx.placeholder({2}, "x");
  const std::vector<int64_t> shape{2};
  auto pargs = raw::placeholder_args(shape);

  CHECK(fx.e.placeholder(nullptr, &pargs, &t, &err) ==
        TP_ERROR_INVALID_ARGUMENT);
  CHECK(err.text() == "placeholder: context is NULL");
  CHECK(fx.e.placeholder(fx.ctx.get(), nullptr, &t, &err) ==
        TP_ERROR_INVALID_ARGUMENT);
  CHECK(err.text() == "placeholder: args is NULL");
  CHECK(fx.e.placeholder(fx.ctx.get(), &pargs, nullptr, &err) ==
        TP_ERROR_INVALID_ARGUMENT);
  CHECK(err.text() == "placeholder: out is NULL");
  // A NULL error is allowed: the status alone reports the failure.
  CHECK(fx.e.placeholder(fx.ctx.get(), nullptr, &t, nullptr) ==
        TP_ERROR_INVALID_ARGUMENT);

  auto small = pargs;
  small.struct_size = sizeof(size_t);
  CHECK(fx.e.placeholder(fx.ctx.get(), &small, &t, &err) ==
        TP_ERROR_INVALID_ARGUMENT);
  CHECK_THAT(err.text(), Catch::StartsWith("placeholder: args->struct_size"));

  std::vector<int64_t> negative{2, -3};
  auto neg = raw::placeholder_args(negative);
  CHECK(fx.e.placeholder(fx.ctx.get(), &neg, &t, &err) ==
        TP_ERROR_INVALID_ARGUMENT);
  CHECK(err.text() ==
        "placeholder: dimension 1 has size -3 (each must be "
        ">= 0 or TP_DIM_UNKNOWN)");

  CHECK(fx.e.add(fx.ctx.get(), x, nullptr, &t, &err) ==
        TP_ERROR_INVALID_ARGUMENT);
  CHECK(err.text() == "add: operand 1 is NULL");
  CHECK(fx.e.add(fx.ctx.get(), x, x, nullptr, &err) ==
        TP_ERROR_INVALID_ARGUMENT);
  CHECK(err.text() == "add: outputs is NULL");

  // A tensor of another context is not a tensor of this one.
  Context other(fx.e);
  CHECK(fx.e.add(other.get(), x, x, &t, &err) == TP_ERROR_INVALID_ARGUMENT);
  CHECK(err.text() ==
        "add: operand 0 is not a live tensor of this context "
        "(released, or made by another context)");

  // A context that was never initialised.
  tp_context bare{};
  bare.struct_size = TP_CONTEXT_STRUCT_SIZE;
  CHECK(fx.e.add(&bare, x, x, &t, &err) == TP_ERROR_INVALID_ARGUMENT);
  CHECK(err.text() ==
        "add: context is not initialised (context_init has not run)");

  DLManagedTensor* m = nullptr;
  CHECK(fx.e.get_value(fx.ctx.get(), x, &m, &err) == TP_ERROR_INVALID_ARGUMENT);
  CHECK(err.text() == "get_value: 'x' is a placeholder, not a variable");
  CHECK(fx.e.get_value(fx.ctx.get(), x, nullptr, &err) ==
        TP_ERROR_INVALID_ARGUMENT);
  CHECK(err.text() == "get_value: out is NULL");
  CHECK(m == nullptr);

  Callable f;
  CHECK(fx.e.function(fx.ctx.get(), nullptr, &f, &err) ==
        TP_ERROR_INVALID_ARGUMENT);
  CHECK(fx.e.function(fx.ctx.get(), nullptr, nullptr, nullptr) ==
        TP_ERROR_INVALID_ARGUMENT);
  tp_variable_args vargs{};
  vargs.struct_size = TP_VARIABLE_ARGS_STRUCT_SIZE;
  CHECK(fx.e.variable(fx.ctx.get(), &vargs, &t, &err) ==
        TP_ERROR_INVALID_ARGUMENT);
  CHECK(err.text() == "variable: value is NULL");
  CHECK(fx.e.context_init(nullptr, &err) == TP_ERROR_INVALID_ARGUMENT);
  CHECK(fx.e.negotiate(nullptr, &err) == TP_ERROR_INVALID_ARGUMENT);
  fx.e.context_shutdown(nullptr);
  fx.e.tensor_release(nullptr, x);

  // An error struct too small to hold a message is left alone.
  tp_error tiny{};
  tiny.struct_size = sizeof(size_t);
  CHECK(fx.e.placeholder(fx.ctx.get(), nullptr, &t, &tiny) ==
        TP_ERROR_INVALID_ARGUMENT);
  CHECK(tiny.message == nullptr);
  CHECK(tiny.release == nullptr);
}
