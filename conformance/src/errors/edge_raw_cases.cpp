// The edges of the ABI contract that the header alone leaves open, decided in
// docs/plugin-abi.md and checked here through the raw C ABI: empty values
// with NULL data (TP_ABI_16), a NULL tp_error* (TP_ABI_17), a tp_error that
// still holds a message (TP_ABI_18) and the names tensor_info reports
// (TP_ABI_19).
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "errors/errors_group.hpp"
#include "errors/raw_entry.hpp"
#include "kit.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

// ---- A tp_error that already holds the kit's own message ---------------

/// How often the kit's release ran (the struct is the kit's, so a plugin
/// can only reach this through `release`).
int g_kit_releases = 0;
char g_kit_message[] = "an earlier call's message (owned by the kit)";

void kit_release(tp_error* error) {
  ++g_kit_releases;
  const std::size_t size = error->struct_size;
  std::memset(error, 0, sizeof *error);
  error->struct_size = size;
}

/// A tp_error holding the kit's message, as a caller reusing one struct
/// across calls has it (TP_ABI_18).
tp_error prefilled_error() {
  g_kit_releases = 0;
  tp_error e{};
  e.struct_size = sizeof(tp_error);
  e.message = g_kit_message;
  e.release = &kit_release;
  return e;
}

/// Checks what a failed call did with a prefilled error, then releases what
/// the plugin left in it.
void check_prefilled_after_failure(tp_status status, tp_error& e,
                                   std::string_view call) {
  if (status == TP_OK) {
    FAIL_CHECK(
        fmt::format("{} returned TP_OK; expected an error status "
                    "(rule TP_ABI_9)",
                    call));
  }
  if (e.release == &kit_release || e.message == g_kit_message) {
    FAIL_CHECK(fmt::format(
        "{} failed but left the earlier message in tp_error, which the caller "
        "would read as this call's (rule TP_ABI_18: a failing entry first "
        "calls the release already there)",
        call));
  } else if (g_kit_releases != 1) {
    FAIL_CHECK(fmt::format(
        "{} overwrote the message already in tp_error without calling its "
        "release ({} calls; expected 1): the earlier message leaks (rule "
        "TP_ABI_18)",
        call, g_kit_releases));
  }
  if (e.release != nullptr) e.release(&e);
}

// ---- Raw calls -----------------------------------------------------------

tp_placeholder_args placeholder_args(DLDataType dt, const std::int64_t* shape,
                                     std::int32_t ndim, const char* name) {
  tp_placeholder_args a{};
  a.struct_size = TP_PLACEHOLDER_ARGS_STRUCT_SIZE;
  a.ndim = ndim;
  a.shape = shape;
  a.dtype = dt;
  a.name = name;
  return a;
}

/// A DLTensor of `shape` with NULL data (an empty value, TP_ABI_16).
DLTensor empty_value(const std::vector<std::int64_t>& shape, DLDataType dt) {
  DLTensor t{};
  t.data = nullptr;
  t.device = {kDLCPU, 0};
  t.ndim = static_cast<std::int32_t>(shape.size());
  t.dtype = dt;
  t.shape = const_cast<std::int64_t*>(shape.data());
  return t;
}

/// The static shape of a raw tensor through the raw tensor_info (nullopt
/// when the backend lacks it). Fails the case on an error status.
std::optional<std::vector<std::int64_t>> raw_shape(const Backend& b,
                                                   const tp_tensor* t) {
  auto* info = raw_fn<tp_tensor_info_fn>(b, "tensor_info");
  if (info == nullptr) return std::nullopt;
  tp_tensor_desc desc{};
  desc.struct_size = TP_TENSOR_DESC_STRUCT_SIZE;
  RawError error;
  const tp_status st = info(b.raw_context(), t, &desc, error.get());
  if (st != TP_OK) {
    FAIL_CHECK(fmt::format("tensor_info failed with {}: {}", status_name(st),
                           error.take()));
    return std::nullopt;
  }
  return std::vector<std::int64_t>(desc.shape, desc.shape + desc.ndim);
}

/// Calls f(x: (2,)) -> x through the raw `call` without its input (a call
/// that must fail) and with `error`; checks that the slot stays NULL.
tp_status call_without_inputs(const Backend& b, DLDataType dt,
                              tp_error* error) {
  const Tensor x = b.placeholder({2}, dt, "x");
  const Function f = b.function({x}, {x});
  DLManagedTensor* slots[1] = {nullptr};
  tp_call_args args{};
  args.struct_size = TP_CALL_ARGS_STRUCT_SIZE;
  args.num_outputs = 1;
  args.outputs = slots;
  tp_callable* c = f.raw();
  const tp_status status = c->call(c, b.raw_context(), &args, error);
  if (slots[0] != nullptr) {
    FAIL_CHECK("the failed call filled its output slot (rule TP_ABI_11)");
    if (slots[0]->deleter) slots[0]->deleter(slots[0]);
  }
  return status;
}

void raw_release(const Backend& b, tp_tensor* t) {
  if (auto* release = raw_fn<tp_tensor_release_fn>(b, "tensor_release")) {
    release(b.raw_context(), t);
  }
}

/// Makes a variable from an empty value with NULL data; checks its shape
/// through tensor_info and get_value where exported.
void empty_variable_case(const Backend& b, DLDataType dt,
                         const std::vector<std::int64_t>& shape) {
  Kit::instance().run_case(
      "variable",
      fmt::format("a {} {} value with NULL data → a variable of that shape "
                  "(TP_ABI_16)",
                  format_shape(shape), dtype_name(dt)),
      [&] {
        auto* fn = raw_fn<tp_variable_fn>(b, "variable");
        const DLTensor value = empty_value(shape, dt);
        tp_variable_args a{};
        a.struct_size = TP_VARIABLE_ARGS_STRUCT_SIZE;
        a.value = &value;
        a.name = "empty";
        tp_tensor* out = nullptr;
        RawError error;
        const tp_status st = fn(b.raw_context(), &a, &out, error.get());
        if (st != TP_OK) {
          FAIL_CHECK(fmt::format(
              "variable refused an empty value with NULL data: {} \"{}\" "
              "(rule TP_ABI_16: a value without elements may have NULL data)",
              status_name(st), error.take()));
          return;
        }
        REQUIRE(out != nullptr);
        if (const auto s = raw_shape(b, out)) CHECK(*s == shape);
        if (auto* get = raw_fn<tp_get_value_fn>(b, "get_value")) {
          DLManagedTensor* m = nullptr;
          const tp_status gs = get(b.raw_context(), out, &m, error.get());
          if (gs != TP_OK || m == nullptr) {
            FAIL_CHECK(
                fmt::format("get_value of the empty variable failed "
                            "with {}: {}",
                            status_name(gs), error.take()));
          } else {
            const Array got = Array::copy_of(m->dl_tensor);
            if (m->deleter) m->deleter(m);
            CHECK(got.shape() == shape);
            CHECK(same_dtype(got.dtype(), dt));
          }
        }
        raw_release(b, out);
      });
}

void empty_value_cases(const Backend& b, DLDataType dt) {
  empty_variable_case(b, dt, {0});
  empty_variable_case(b, dt, {2, 0, 3});
  if (b.provides("set_value")) {
    Kit::instance().run_case(
        "set_value",
        "a (0,) value with NULL data for a (0,) variable → TP_OK (TP_ABI_16)",
        [&] {
          const Tensor v = b.variable(make_array({0}, dt, {}), "empty");
          const std::vector<std::int64_t> shape = {0};
          const DLTensor value = empty_value(shape, dt);
          RawError error;
          auto* fn = raw_fn<tp_set_value_fn>(b, "set_value");
          const tp_status st =
              fn(b.raw_context(), v.raw(), &value, error.get());
          if (st != TP_OK) {
            FAIL_CHECK(
                fmt::format("set_value refused it: {} \"{}\" (rule "
                            "TP_ABI_16)",
                            status_name(st), error.take()));
          }
        });
  }
  Kit::instance().run_case(
      "function",
      fmt::format("call with a (0, 3) {} input with NULL data for "
                  "placeholder (None, 3) → a (0, 3) output (TP_ABI_16)",
                  dtype_name(dt)),
      [&] {
        const Tensor x = b.placeholder({TP_DIM_UNKNOWN, 3}, dt, "x");
        const Function f = b.function({x}, {x});
        const std::vector<std::int64_t> shape = {0, 3};
        const DLTensor value = empty_value(shape, dt);
        const DLTensor* inputs[1] = {&value};
        DLManagedTensor* slots[1] = {nullptr};
        tp_call_args args{};
        args.struct_size = TP_CALL_ARGS_STRUCT_SIZE;
        args.num_inputs = 1;
        args.inputs = inputs;
        args.num_outputs = 1;
        args.outputs = slots;
        RawError error;
        tp_callable* c = f.raw();
        const tp_status st = c->call(c, b.raw_context(), &args, error.get());
        if (st != TP_OK) {
          FAIL_CHECK(
              fmt::format("call refused it: {} \"{}\" (rule "
                          "TP_ABI_16)",
                          status_name(st), error.take()));
          return;
        }
        REQUIRE(slots[0] != nullptr);
        const DLTensor& out = slots[0]->dl_tensor;
        CHECK(std::vector<std::int64_t>(out.shape, out.shape + out.ndim) ==
              shape);
        if (slots[0]->deleter) slots[0]->deleter(slots[0]);
      });
}

// ---- NULL tp_error* (TP_ABI_17) -----------------------------------------

void null_error_cases(const Backend& b, DLDataType dt) {
  auto& kit = Kit::instance();
  auto* placeholder = raw_fn<tp_placeholder_fn>(b, "placeholder");
  static const std::int64_t shape[2] = {2, 3};
  kit.run_case("placeholder",
               "ndim -1 with a NULL tp_error* → error status, no message "
               "written (TP_ABI_17)",
               [&] {
                 const auto a = placeholder_args(dt, shape, -1, "x");
                 tp_tensor* out = nullptr;
                 const tp_status st =
                     placeholder(b.raw_context(), &a, &out, nullptr);
                 CHECK(st != TP_OK);
                 CHECK(out == nullptr);
               });
  kit.run_case(
      "placeholder",
      "valid arguments with a NULL tp_error* → TP_OK (TP_ABI_17)", [&] {
        const auto a = placeholder_args(dt, shape, 2, "x");
        tp_tensor* out = nullptr;
        const tp_status st = placeholder(b.raw_context(), &a, &out, nullptr);
        CHECK(st == TP_OK);
        CHECK(out != nullptr);
        if (out != nullptr) raw_release(b, out);
      });
  for (const char* op : {"add", "relu"}) {
    if (!b.provides(op)) continue;
    kit.run_case(op,
                 "NULL args with a NULL tp_error* → error status "
                 "(TP_ABI_17)",
                 [&] {
                   auto* fn = raw_fn<tp_op_fn>(b, op);
                   tp_tensor* slots[1] = {nullptr};
                   CHECK(fn(b.raw_context(), nullptr, slots, nullptr) != TP_OK);
                 });
  }
  kit.run_case("function",
               "call with num_inputs 0 for 1 placeholder and a NULL "
               "tp_error* → error status, slots NULL (TP_ABI_17)",
               [&] { CHECK(call_without_inputs(b, dt, nullptr) != TP_OK); });
}

// ---- A message already in tp_error (TP_ABI_18) ---------------------------

void prefilled_error_cases(const Backend& b, DLDataType dt) {
  auto& kit = Kit::instance();
  auto* placeholder = raw_fn<tp_placeholder_fn>(b, "placeholder");
  static const std::int64_t shape[2] = {2, 3};
  kit.run_case("placeholder",
               "ndim -1, tp_error holding an earlier message → that message "
               "released, a new one set (TP_ABI_18)",
               [&] {
                 tp_error e = prefilled_error();
                 const auto a = placeholder_args(dt, shape, -1, "x");
                 tp_tensor* out = nullptr;
                 const tp_status st =
                     placeholder(b.raw_context(), &a, &out, &e);
                 check_prefilled_after_failure(st, e, "placeholder(ndim -1)");
               });
  kit.run_case("placeholder",
               "valid arguments, tp_error holding an earlier message → "
               "TP_OK, the struct left as it was (TP_ABI_18)",
               [&] {
                 tp_error e = prefilled_error();
                 const auto a = placeholder_args(dt, shape, 2, "x");
                 tp_tensor* out = nullptr;
                 CHECK(placeholder(b.raw_context(), &a, &out, &e) == TP_OK);
                 if (out != nullptr) raw_release(b, out);
                 if (e.message != g_kit_message || e.release != &kit_release ||
                     g_kit_releases != 0) {
                   FAIL_CHECK(
                       "placeholder succeeded but changed or released the "
                       "message already in tp_error (rule TP_ABI_18: an entry "
                       "that succeeds leaves the struct as it was)");
                 }
                 if (e.release != nullptr) e.release(&e);
               });
  for (const char* op : {"add", "relu"}) {
    if (!b.provides(op)) continue;
    kit.run_case(op,
                 "no operands, tp_error holding an earlier message → that "
                 "message released, a new one set (TP_ABI_18)",
                 [&] {
                   auto* fn = raw_fn<tp_op_fn>(b, op);
                   tp_op_args a{};
                   a.struct_size = TP_OP_ARGS_STRUCT_SIZE;
                   a.num_outputs = 1;
                   tp_tensor* slots[1] = {nullptr};
                   tp_error e = prefilled_error();
                   const tp_status st = fn(b.raw_context(), &a, slots, &e);
                   check_prefilled_after_failure(
                       st, e, fmt::format("{}(no operands)", op));
                   if (slots[0] != nullptr) raw_release(b, slots[0]);
                 });
  }
  kit.run_case("function",
               "call with num_inputs 0 for 1 placeholder, tp_error holding "
               "an earlier message → that message released (TP_ABI_18)",
               [&] {
                 tp_error e = prefilled_error();
                 const tp_status st = call_without_inputs(b, dt, &e);
                 check_prefilled_after_failure(st, e, "call(num_inputs 0)");
               });
}

// ---- Names (TP_ABI_19) ---------------------------------------------------

/// The name tensor_info reports for `t`, with a failure when it is NULL.
std::optional<std::string> reported_name(const Backend& b, const tp_tensor* t,
                                         std::string_view made) {
  auto* info = raw_fn<tp_tensor_info_fn>(b, "tensor_info");
  tp_tensor_desc desc{};
  desc.struct_size = TP_TENSOR_DESC_STRUCT_SIZE;
  RawError error;
  const tp_status st = info(b.raw_context(), t, &desc, error.get());
  if (st != TP_OK) {
    FAIL_CHECK(fmt::format("tensor_info of {} failed with {}: {}", made,
                           status_name(st), error.take()));
    return std::nullopt;
  }
  if (desc.name == nullptr) {
    FAIL_CHECK(
        fmt::format("tensor_info reports a NULL name for {} (rule "
                    "TP_ABI_19: never NULL, a made-up name when none "
                    "was given)",
                    made));
    return std::nullopt;
  }
  return std::string(desc.name);
}

void check_made_up_name(const Backend& b, const tp_tensor* t,
                        std::string_view made) {
  if (const auto name = reported_name(b, t, made); name && name->empty()) {
    FAIL_CHECK(
        fmt::format("tensor_info reports an empty name for {} (rule "
                    "TP_ABI_19: a tensor made without a name gets a "
                    "made-up one)",
                    made));
  }
}

void name_cases(const Backend& b, DLDataType dt) {
  if (!b.provides("tensor_info")) return;  // the required group reports it
  auto& kit = Kit::instance();
  auto* placeholder = raw_fn<tp_placeholder_fn>(b, "placeholder");
  static const std::int64_t shape[1] = {3};
  for (const char* given : {static_cast<const char*>(nullptr), "", "x"}) {
    const std::string label =
        given == nullptr ? "NULL" : fmt::format("\"{}\"", given);
    kit.run_case(
        "tensor_info",
        fmt::format(
            "name of a placeholder named {} → {} (TP_ABI_19)", label,
            given != nullptr && *given != '\0' ? label : "a made-up name"),
        [&] {
          const auto a = placeholder_args(dt, shape, 1, given);
          tp_tensor* out = nullptr;
          RawError error;
          const tp_status st =
              placeholder(b.raw_context(), &a, &out, error.get());
          REQUIRE(st == TP_OK);
          const std::string made = "a placeholder named " + label;
          if (given != nullptr && *given != '\0') {
            if (const auto name = reported_name(b, out, made)) {
              CHECK(*name == given);
            }
          } else {
            check_made_up_name(b, out, made);
          }
          raw_release(b, out);
        });
  }
  kit.run_case("tensor_info",
               "name of a variable made without a name → a made-up name "
               "(TP_ABI_19)",
               [&] {
                 const Array value = make_array({2}, dt, {1, 2});
                 const DLTensor view = value.view();
                 tp_variable_args a{};
                 a.struct_size = TP_VARIABLE_ARGS_STRUCT_SIZE;
                 a.value = &view;
                 tp_tensor* out = nullptr;
                 RawError error;
                 auto* fn = raw_fn<tp_variable_fn>(b, "variable");
                 REQUIRE(fn(b.raw_context(), &a, &out, error.get()) == TP_OK);
                 check_made_up_name(b, out, "a variable made without a name");
                 raw_release(b, out);
               });
  for (const char* op : {"add", "relu"}) {
    if (!b.provides(op)) continue;
    kit.run_case(
        op,
        fmt::format(
            "tensor_info name of the result of {} made without a name → a "
            "made-up name (TP_ABI_19)",
            op),
        [&] {
          const Tensor x = b.placeholder({3}, dt, "x");
          const tp_tensor* operands[2] = {x.raw(), x.raw()};
          tp_op_args a{};
          a.struct_size = TP_OP_ARGS_STRUCT_SIZE;
          a.num_inputs = std::string_view(op) == "add" ? 2 : 1;
          a.inputs = operands;
          a.num_outputs = 1;
          tp_tensor* slots[1] = {nullptr};
          RawError error;
          REQUIRE(raw_fn<tp_op_fn>(b, op)(b.raw_context(), &a, slots,
                                          error.get()) == TP_OK);
          check_made_up_name(b, slots[0], fmt::format("the result of {}", op));
          raw_release(b, slots[0]);
        });
  }
}

}  // namespace

void run_raw_edge_cases(const Backend& b, DLDataType dt) {
  empty_value_cases(b, dt);
  null_error_cases(b, dt);
  prefilled_error_cases(b, dt);
  name_cases(b, dt);
}

}  // namespace tensorplug::conformance
