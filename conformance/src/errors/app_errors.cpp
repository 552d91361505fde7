// The error contract through the application API: ops given operands of
// incompatible shapes or dtypes, a function fed the wrong inputs, set_value
// with a value that does not fit. Each must fail with a PluginError carrying
// the backend's status and message, and leave the backend usable.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "errors/errors_group.hpp"
#include "errors/expect_error.hpp"
#include "kit.hpp"
#include "tensorplug/ops.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

constexpr auto kShape = TP_ERROR_SHAPE;
constexpr auto kDtype = TP_ERROR_DTYPE;
constexpr auto kInvalid = TP_ERROR_INVALID_ARGUMENT;

/// A dtype under test other than `dt` for a dtype-mismatch case: the other
/// float dtype if there is one, else an integer one.
std::optional<DLDataType> other_dtype(DLDataType dt) {
  auto& kit = Kit::instance();
  for (DLDataType o :
       {dtype::float64, dtype::float32, dtype::int32, dtype::int64}) {
    if (!same_dtype(o, dt) && kit.supports(o)) return o;
  }
  return std::nullopt;
}

void binary_op_cases(const Backend& b, DLDataType dt) {
  auto& kit = Kit::instance();
  const std::string dn = dtype_name(dt);
  const std::optional<DLDataType> other = other_dtype(dt);
  for (const char* op :
       {"add", "subtract", "multiply", "divide", "maximum", "minimum"}) {
    if (!b.provides(op)) continue;  // the ops group reports it
    app_error_case(
        op,
        fmt::format("incompatible shapes (2, 3) and (4, 5), {} → error "
                    "status when the graph is built",
                    dn),
        {kShape, kInvalid}, "TP_ABI_9, docs/ops.md broadcasting", [&] {
          b.op(op,
               {b.placeholder({2, 3}, dt, "x"), b.placeholder({4, 5}, dt, "y")},
               {});
        });
    if (other) {
      app_error_case(
          op,
          fmt::format("operand dtypes {} (2, 3) and {} (2, 3) → error "
                      "status",
                      dn, dtype_name(*other)),
          {kDtype, kInvalid}, "TP_ABI_9, docs/ops.md operand dtypes", [&] {
            b.op(op,
                 {b.placeholder({2, 3}, dt, "x"),
                  b.placeholder({2, 3}, *other, "y")},
                 {});
          });
    } else {
      kit.skip_case(op, "operand dtypes differ → error status",
                    "only one dtype is under test");
    }
  }
  if (b.provides("add")) {
    app_error_case(
        "add",
        fmt::format("shapes (None,) and (None,) fed (2,) and (3,), {} "
                    "→ error status from the call",
                    dn),
        {kShape, kInvalid}, "TP_ABI_9, TP_ABI_11", [&] {
          const Tensor x = b.placeholder({-1}, dt, "x");
          const Tensor y = b.placeholder({-1}, dt, "y");
          const Function f = b.function({x, y}, {b.op("add", {x, y}, {})});
          f({make_array({2}, dt, {1, 2}), make_array({3}, dt, {1, 2, 3})});
        });
  }
}

void other_op_cases(const Backend& b, DLDataType dt) {
  const std::string dn = dtype_name(dt);
  if (b.provides("dot")) {
    app_error_case(
        "dot",
        fmt::format("inner dimensions differ: (2, 3) · (4, 5), {} → "
                    "error status",
                    dn),
        {kShape, kInvalid}, "TP_ABI_9", [&] {
          b.op("dot",
               {b.placeholder({2, 3}, dt, "x"), b.placeholder({4, 5}, dt, "y")},
               {});
        });
  }
  if (b.provides("reshape")) {
    app_error_case(
        "reshape",
        fmt::format("(2, 3) (6 elements) to (4, 5) (20 elements), {} → "
                    "error status",
                    dn),
        {kShape, kInvalid}, "TP_ABI_9", [&] {
          b.op("reshape", {b.placeholder({2, 3}, dt, "x")},
               {{"shape", Ints{4, 5}}});
        });
  }
  if (b.provides("concatenate")) {
    app_error_case(
        "concatenate",
        fmt::format("(2, 2) and (3, 3) along axis -1, {} → error "
                    "status",
                    dn),
        {kShape, kInvalid}, "TP_ABI_9", [&] {
          b.op("concatenate",
               {b.placeholder({2, 2}, dt, "x"), b.placeholder({3, 3}, dt, "y")},
               {});
        });
  }
  if (b.provides("relu")) {
    app_error_case(
        "relu", fmt::format("unknown attribute 'beta', {} → error status", dn),
        {kInvalid}, "plugin-abi.md Ops: unknown attribute", [&] {
          b.op("relu", {b.placeholder({2}, dt, "x")}, {{"beta", 1.0}});
        });
    app_error_case(
        "relu",
        fmt::format("attribute 'alpha' given as a string, {} → error "
                    "status",
                    dn),
        {kInvalid}, "plugin-abi.md Ops: ill-typed attribute", [&] {
          b.op("relu", {b.placeholder({2}, dt, "x")}, {{"alpha", "big"}});
        });
  }
  if (b.provides("log") && Kit::instance().supports(dtype::int32)) {
    app_error_case(
        "log", "operand of dtype int32 (2,) → error status", {kDtype, kInvalid},
        "TP_ABI_9, docs/ops.md dtype classes",
        [&] { b.op("log", {b.placeholder({2}, dtype::int32, "x")}, {}); });
  }
  if (b.provides("gradients") && b.provides("sum")) {
    app_error_case(
        "gradients",
        fmt::format("2 targets but 1 result slot, {} → error status", dn),
        {kInvalid, kShape}, "TP_ABI_9, docs/ops.md gradients", [&] {
          const Tensor x = b.placeholder({2}, dt, "x");
          const Tensor y = b.placeholder({2}, dt, "y");
          b.call_op("gradients", {b.op("sum", {x}, {}), x, y}, {}, 1);
        });
  }
}

void placeholder_and_variable_cases(const Backend& b, DLDataType dt) {
  app_error_case(
      "placeholder",
      fmt::format("shape (2, -3): a negative size, {} → error status",
                  dtype_name(dt)),
      {kInvalid, kShape}, "TP_ABI_9", [&] {
        b.placeholder({2, -3}, dt, "x");
      });
  if (!b.provides("set_value")) return;
  auto& kit = Kit::instance();
  // A refused value must leave the variable as it was (checked when
  // get_value is exported).
  const auto refused = [&](const std::string& name, const Array& bad,
                           const std::vector<tp_status>& allowed) {
    kit.run_case("set_value", name, [&] {
      const Array initial = make_array({2}, dt, {1, 2});
      const Tensor v = b.variable(initial, "v");
      expect_plugin_error([&] { b.set_value(v, bad); }, allowed,
                          "set_value: " + name, "TP_ABI_9");
      if (b.provides("get_value")) {
        check_close(initial, b.get_value(v), tolerance_for(dt),
                    "the variable after the refused set_value");
      }
    });
  };
  refused(fmt::format("a value of shape (3,) for a variable of shape (2,), "
                      "{} → error status, variable unchanged",
                      dtype_name(dt)),
          make_array({3}, dt, {1, 2, 3}), {kShape, kInvalid});
  if (const auto other = other_dtype(dt)) {
    refused(fmt::format("a value of dtype {} for a {} variable → error "
                        "status, variable unchanged",
                        dtype_name(*other), dtype_name(dt)),
            make_array({2}, *other, {3, 4}), {kDtype, kInvalid});
  }
}

}  // namespace

void run_app_error_cases(const Backend& b, DLDataType dt) {
  binary_op_cases(b, dt);
  other_op_cases(b, dt);
  placeholder_and_variable_cases(b, dt);
  run_function_call_error_cases(b, dt);
}

}  // namespace tensorplug::conformance
