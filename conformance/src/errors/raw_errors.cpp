// The error contract through the raw C ABI: null handles, inconsistent
// counts, structs too small, out pointers that are NULL. A plugin must
// return an error status with a message for each (TP_ABI_9, TP_ABI_7) and
// leave its out slots NULL; it must never crash or abort.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cstdint>

#include "errors/errors_group.hpp"
#include "errors/raw_entry.hpp"
#include "kit.hpp"
#include "tensorplug/ops.hpp"
#include "values.hpp"

namespace tensorplug::conformance {

void raw_error_case(std::string_view entry, const std::string& name,
                    const std::vector<tp_status>& allowed,
                    std::string_view rule,
                    const std::function<tp_status(tp_error*)>& call,
                    const std::function<void()>& after) {
  Kit::instance().run_case(entry, name, [&] {
    RawError error;
    const tp_status status = call(error.get());
    expect_error_status(status, error, allowed,
                        fmt::format("{}: {}", entry, name), rule);
    if (after) after();
  });
}

namespace {

constexpr auto kInvalid = TP_ERROR_INVALID_ARGUMENT;

void check_null_out(tp_tensor* out, std::string_view entry) {
  if (out != nullptr) {
    FAIL_CHECK(fmt::format(
        "{} set its out tensor in a call that must fail (a failed call "
        "leaves it NULL, plugin_api.h)",
        entry));
  }
}

/// A case of an entry that makes one tensor (`placeholder`, `variable`):
/// `call` gets the error and the out slot to pass.
struct OutTensorCase {
  const char* name;
  const char* rule;
  std::function<tp_status(tp_error*, tp_tensor**)> call;
  /// The statuses the case accepts (default: invalid argument or shape).
  std::vector<tp_status> allowed = {kInvalid, TP_ERROR_SHAPE};
};

/// Runs each case expecting an error status and the out tensor left NULL.
void run_out_tensor_cases(std::string_view entry,
                          const std::vector<OutTensorCase>& cases) {
  for (const OutTensorCase& c : cases) {
    tp_tensor* out = nullptr;
    raw_error_case(
        entry, c.name, c.allowed, c.rule,
        [&](tp_error* e) { return c.call(e, &out); },
        [&] { check_null_out(out, entry); });
  }
}

void placeholder_cases(const Backend& b, DLDataType dt) {
  auto* fn = raw_fn<tp_placeholder_fn>(b, "placeholder");
  tp_context* ctx = b.raw_context();
  static const std::int64_t shape[2] = {2, 3};
  auto args = [dt] {
    tp_placeholder_args a{};
    a.struct_size = TP_PLACEHOLDER_ARGS_STRUCT_SIZE;
    a.ndim = 2;
    a.shape = shape;
    a.dtype = dt;
    a.name = "x";
    return a;
  };
  const std::vector<OutTensorCase> cases = {
      {"NULL context → error status", "TP_ABI_9",
       [&](tp_error* e, tp_tensor** out) {
         const auto a = args();
         return fn(nullptr, &a, out, e);
       }},
      {"NULL args → error status", "TP_ABI_9",
       [&](tp_error* e, tp_tensor** out) { return fn(ctx, nullptr, out, e); }},
      {"NULL out → error status", "TP_ABI_9",
       [&](tp_error* e, tp_tensor**) {
         const auto a = args();
         return fn(ctx, &a, nullptr, e);
       }},
      {"ndim -1 → error status", "TP_ABI_9",
       [&](tp_error* e, tp_tensor** out) {
         auto a = args();
         a.ndim = -1;
         return fn(ctx, &a, out, e);
       }},
      {"NULL shape with ndim 2 → error status", "TP_ABI_9",
       [&](tp_error* e, tp_tensor** out) {
         auto a = args();
         a.shape = nullptr;
         return fn(ctx, &a, out, e);
       }},
      {"dimension size -3 (2, -3) → error status", "TP_ABI_9",
       [&](tp_error* e, tp_tensor** out) {
         static const std::int64_t bad[2] = {2, -3};
         auto a = args();
         a.shape = bad;
         return fn(ctx, &a, out, e);
       }},
      {"args->struct_size 8, smaller than any version's struct → error "
       "status",
       "TP_ABI_6",
       [&](tp_error* e, tp_tensor** out) {
         auto a = args();
         a.struct_size = sizeof(std::size_t);
         return fn(ctx, &a, out, e);
       },
       any_error_status()},
  };
  run_out_tensor_cases("placeholder", cases);
}

void variable_cases(const Backend& b, DLDataType dt) {
  auto* fn = raw_fn<tp_variable_fn>(b, "variable");
  tp_context* ctx = b.raw_context();
  const Array value = make_array({2, 3}, dt, {1, 2, 3, 4, 5, 6});
  auto args = [](const DLTensor* v) {
    tp_variable_args a{};
    a.struct_size = TP_VARIABLE_ARGS_STRUCT_SIZE;
    a.value = v;
    a.name = "v";
    return a;
  };
  const std::vector<OutTensorCase> cases = {
      {"NULL args → error status", "TP_ABI_9",
       [&](tp_error* e, tp_tensor** out) { return fn(ctx, nullptr, out, e); }},
      {"NULL value → error status", "TP_ABI_9",
       [&](tp_error* e, tp_tensor** out) {
         const auto a = args(nullptr);
         return fn(ctx, &a, out, e);
       }},
      {"NULL out → error status", "TP_ABI_9",
       [&](tp_error* e, tp_tensor**) {
         const DLTensor v = value.view();
         const auto a = args(&v);
         return fn(ctx, &a, nullptr, e);
       }},
      {"a value with ndim 2 and a NULL shape → error status", "TP_ABI_9",
       [&](tp_error* e, tp_tensor** out) {
         DLTensor v = value.view();
         v.shape = nullptr;
         const auto a = args(&v);
         return fn(ctx, &a, out, e);
       }},
      {"a value with a NULL data pointer and 6 elements → error status",
       "TP_ABI_9",
       [&](tp_error* e, tp_tensor** out) {
         DLTensor v = value.view();
         v.data = nullptr;
         const auto a = args(&v);
         return fn(ctx, &a, out, e);
       }},
      {"a value in CUDA memory → error status",
       "TP_ABI_15",
       [&](tp_error* e, tp_tensor** out) {
         DLTensor v = value.view();
         v.device.device_type = kDLCUDA;
         const auto a = args(&v);
         return fn(ctx, &a, out, e);
       },
       // A device the plugin does not serve may be "not implemented".
       {kInvalid, TP_ERROR_NOT_IMPLEMENTED}},
  };
  run_out_tensor_cases("variable", cases);
}

void function_cases(const Backend& b, DLDataType dt) {
  auto* fn = raw_fn<tp_function_fn>(b, "function");
  tp_context* ctx = b.raw_context();
  /// What a case changes in valid arguments {inputs x, outputs x} (x a
  /// placeholder (2,), v a variable (2,)).
  struct Handles {
    tp_tensor* const* xs;
    tp_tensor* const* vs;
    tp_tensor* const* nulls;
  };
  enum class Pass { kArgs, kNullArgs, kNullOut };
  struct Case {
    const char* name;
    std::function<void(tp_function_args&, const Handles&)> change;
    Pass pass = Pass::kArgs;
    std::vector<tp_status> allowed = {kInvalid};
    const char* rule = "TP_ABI_9";
  };
  const std::vector<Case> cases = {
      {"a NULL input handle → error status",
       [](tp_function_args& a, const Handles& h) { a.inputs = h.nulls; }},
      {"a NULL output handle → error status",
       [](tp_function_args& a, const Handles& h) { a.outputs = h.nulls; }},
      {"NULL inputs array with num_inputs 1 → error status",
       [](tp_function_args& a, const Handles&) { a.inputs = nullptr; }},
      {"NULL outputs array with num_outputs 1 → error status",
       [](tp_function_args& a, const Handles&) { a.outputs = nullptr; }},
      {"NULL update arrays with num_updates 1 → error status",
       [](tp_function_args& a, const Handles&) { a.num_updates = 1; }},
      {"a NULL update value → error status",
       [](tp_function_args& a, const Handles& h) {
         a.num_updates = 1;
         a.update_variables = h.vs;
         a.update_values = h.nulls;
       }},
      {"args->struct_size 8 → error status",
       [](tp_function_args& a, const Handles&) {
         a.struct_size = sizeof(std::size_t);
       },
       Pass::kArgs, any_error_status(), "TP_ABI_6"},
      {"NULL args → error status", {}, Pass::kNullArgs},
      {"NULL out → error status", {}, Pass::kNullOut},
  };
  for (const Case& c : cases) {
    raw_error_case("function", c.name, c.allowed, c.rule, [&](tp_error* e) {
      const Tensor x = b.placeholder({2}, dt, "x");
      const Tensor v = b.variable(make_array({2}, dt, {1, 2}), "v");
      tp_tensor* const xs[] = {x.raw()};
      tp_tensor* const vs[] = {v.raw()};
      tp_tensor* const nulls[] = {nullptr};
      tp_function_args a{};
      a.struct_size = TP_FUNCTION_ARGS_STRUCT_SIZE;
      a.num_inputs = 1;
      a.inputs = xs;
      a.num_outputs = 1;
      a.outputs = xs;
      if (c.change) c.change(a, Handles{xs, vs, nulls});
      tp_callable out{};
      out.struct_size = TP_CALLABLE_STRUCT_SIZE;
      const tp_status s = c.pass == Pass::kNullArgs  ? fn(ctx, nullptr, &out, e)
                          : c.pass == Pass::kNullOut ? fn(ctx, &a, nullptr, e)
                                                     : fn(ctx, &a, &out, e);
      // A plugin that wrongly succeeded made a callable that
      // must be released.
      if (s == TP_OK && out.release) out.release(&out);
      return s;
    });
  }
}

void value_entry_cases(const Backend& b, DLDataType dt) {
  auto& kit = Kit::instance();
  tp_context* ctx = b.raw_context();
  if (auto* release = raw_fn<tp_tensor_release_fn>(b, "tensor_release")) {
    // No status to check: passing is returning (plugin_api.h: "NULL is
    // accepted and ignored"), and the context stays usable.
    kit.run_case("tensor_release", "a NULL tensor is accepted and ignored",
                 [&] {
                   release(ctx, nullptr);
                   const Tensor x = b.placeholder({2}, dt, "x");
                   CHECK(x.raw() != nullptr);
                 });
  }
  if (auto* get = raw_fn<tp_get_value_fn>(b, "get_value")) {
    const auto cases = std::vector<std::pair<const char*, int>>{
        {"a NULL variable → error status", 0},
        {"NULL out → error status", 1},
        {"a placeholder (not a variable) → error status", 2},
    };
    for (const auto& [name, which] : cases) {
      DLManagedTensor* out = nullptr;
      raw_error_case(
          "get_value", name, {kInvalid}, "TP_ABI_9",
          [&, which = which](tp_error* e) {
            const Tensor v = b.variable(make_array({2}, dt, {1, 2}), "v");
            const Tensor x = b.placeholder({2}, dt, "x");
            if (which == 0) return get(ctx, nullptr, &out, e);
            if (which == 1) return get(ctx, v.raw(), nullptr, e);
            return get(ctx, x.raw(), &out, e);
          },
          [&] {
            if (out != nullptr) {
              FAIL_CHECK("get_value failed but set *out (expected NULL)");
              if (out->deleter) out->deleter(out);
            }
          });
    }
  }
  if (auto* set = raw_fn<tp_set_value_fn>(b, "set_value")) {
    const auto cases = std::vector<std::pair<const char*, int>>{
        {"a NULL variable → error status", 0},
        {"a NULL value → error status", 1},
        {"a placeholder (not a variable) → error status", 2},
    };
    for (const auto& [name, which] : cases) {
      raw_error_case(
          "set_value", name, {kInvalid}, "TP_ABI_9",
          [&, which = which](tp_error* e) {
            const Array value = make_array({2}, dt, {3, 4});
            const DLTensor view = value.view();
            const Tensor v = b.variable(make_array({2}, dt, {1, 2}), "v");
            const Tensor x = b.placeholder({2}, dt, "x");
            if (which == 0) return set(ctx, nullptr, &view, e);
            if (which == 1) return set(ctx, v.raw(), nullptr, e);
            return set(ctx, x.raw(), &view, e);
          });
    }
  }
  if (auto* info = raw_fn<tp_tensor_info_fn>(b, "tensor_info")) {
    raw_error_case("tensor_info", "a NULL tensor → error status", {kInvalid},
                   "TP_ABI_9", [&](tp_error* e) {
                     tp_tensor_desc d{};
                     d.struct_size = TP_TENSOR_DESC_STRUCT_SIZE;
                     return info(ctx, nullptr, &d, e);
                   });
    raw_error_case("tensor_info", "NULL out → error status", {kInvalid},
                   "TP_ABI_9", [&](tp_error* e) {
                     const Tensor x = b.placeholder({2}, dt, "x");
                     return info(ctx, x.raw(), nullptr, e);
                   });
  }
}

}  // namespace

void run_raw_error_cases(const Backend& b, DLDataType dt) {
  placeholder_cases(b, dt);
  variable_cases(b, dt);
  function_cases(b, dt);
  value_entry_cases(b, dt);
  run_raw_op_error_cases(b, dt);
  run_raw_call_error_cases(b, dt);
}

}  // namespace tensorplug::conformance
