// The edges of the op contract that the docs decide and the header cannot
// say, checked through the application API: the status of an out-of-range
// axis (docs/ops.md TP_OPS_2), a FLOAT attribute given as INT (TP_ABI_21),
// one reference per result slot of `gradients` with a repeated target
// (TP_ABI_20), and static broadcasting with unknown dimensions (TP_OPS_1).
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "errors/errors_group.hpp"
#include "errors/expect_error.hpp"
#include "kit.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/ops.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

constexpr auto kInvalid = TP_ERROR_INVALID_ARGUMENT;

// ---- Out-of-range axes (TP_OPS_2) ----------------------------------------

struct AxisCase {
  const char* op;
  Attr attr;
  const char* shown;  // the attribute's value as the case name shows it
};

void axis_cases(const Backend& b, DLDataType dt) {
  const std::vector<AxisCase> cases = {
      {"sum", Attr("axis", std::int64_t{2}), "2"},
      {"sum", Attr("axis", std::int64_t{-3}), "-3"},
      {"mean", Attr("axis", Ints{0, 2}), "(0, 2)"},
      {"max", Attr("axis", std::int64_t{2}), "2"},
      {"argmax", Attr("axis", std::int64_t{2}), "2"},
      {"softmax", Attr("axis", std::int64_t{2}), "2"},
      {"expand_dims", Attr("axis", std::int64_t{3}), "3"},
      {"squeeze", Attr("axis", std::int64_t{2}), "2"},
      {"concatenate", Attr("axis", std::int64_t{2}), "2"},
      {"permute_dimensions", Attr("pattern", Ints{0, 2}), "(0, 2)"},
  };
  for (const AxisCase& c : cases) {
    if (!b.provides(c.op)) continue;
    app_error_case(c.op,
                   fmt::format("{} {} for shape (2, 3) (rank 2), {} → "
                               "TP_ERROR_INVALID_ARGUMENT (TP_OPS_2)",
                               c.attr.name, c.shown, dtype_name(dt)),
                   {kInvalid}, "TP_OPS_2, docs/ops.md", [&] {
                     b.op(c.op, {b.placeholder({2, 3}, dt, "x")}, {c.attr});
                   });
  }
}

// ---- A FLOAT attribute given as INT (TP_ABI_21) --------------------------

/// `op(x, attrs)` evaluated on the backend for a fixed x.
Array evaluate(const Backend& b, std::string_view op, const Array& x,
               const Attrs& attrs) {
  const Tensor p = b.placeholder(x.shape(), x.dtype(), "x");
  const Function f = b.function({p}, {b.op(op, {p}, attrs)});
  return f({x}).at(0);
}

struct IntAttrCase {
  const char* op;
  Attrs as_int;
  Attrs as_float;
  const char* shown;
};

void int_attr_cases(const Backend& b, DLDataType dt) {
  const std::vector<IntAttrCase> cases = {
      {"relu",
       {{"alpha", std::int64_t{2}}, {"max_value", std::int64_t{1}}},
       {{"alpha", 2.0}, {"max_value", 1.0}},
       "alpha=2, max_value=1"},
      {"elu", {{"alpha", std::int64_t{2}}}, {{"alpha", 2.0}}, "alpha=2"},
      {"clip",
       {{"min_value", std::int64_t{-1}}, {"max_value", std::int64_t{1}}},
       {{"min_value", -1.0}, {"max_value", 1.0}},
       "min_value=-1, max_value=1"},
  };
  const Array x = make_array({2, 3}, dt, {-2.5, -1.0, -0.25, 0.5, 1.5, 3.0});
  for (const IntAttrCase& c : cases) {
    if (!b.provides(c.op)) continue;
    Kit::instance().run_case(
        c.op,
        fmt::format("{} given as INT attributes, {} → as the same FLOATs "
                    "(TP_ABI_21)",
                    c.shown, dtype_name(dt)),
        [&] {
          const Array expected = evaluate(b, c.op, x, c.as_float);
          std::optional<Array> actual;
          try {
            actual = evaluate(b, c.op, x, c.as_int);
          } catch (const PluginError& e) {
            FAIL_CHECK(
                fmt::format("{} refused INT values for FLOAT "
                            "attributes: {} (rule TP_ABI_21: a FLOAT "
                            "attribute may arrive as INT)",
                            c.op, e.what()));
            return;
          }
          check_close(expected, *actual, tolerance_for(dt),
                      "the result with INT attributes (expected: with FLOAT)");
        });
  }
  for (const char* op : {"argmax", "softmax"}) {
    if (!b.provides(op)) continue;
    app_error_case(
        op,
        fmt::format("INT attribute 'axis' given as FLOAT 1.0, {} "
                    "→ TP_ERROR_INVALID_ARGUMENT (TP_ABI_21)",
                    dtype_name(dt)),
        {kInvalid}, "TP_ABI_21", [&] {
          b.op(op, {b.placeholder({2, 3}, dt, "x")}, {{"axis", 1.0}});
        });
  }
}

// ---- gradients with a repeated target (TP_ABI_20) ------------------------

void repeated_target_case(const Backend& b, DLDataType dt) {
  if (!b.provides("gradients")) return;  // the gradients group reports it
  Kit::instance().run_case(
      "gradients",
      fmt::format("gradients(v, [v, v]) for a (2, 3) {} variable: each result "
                  "slot is its own reference (TP_ABI_20)",
                  dtype_name(dt)),
      [&] {
        auto rng = Kit::instance().rng("gradients repeated target");
        const Tensor v = b.variable(random_array({2, 3}, dt, rng), "v");
        // d sum(v) / dv: ones of v's shape.
        const Array ones = make_array({2, 3}, dt, {1, 1, 1, 1, 1, 1});
        // Slot `released` is released first (before any function holds
        // it); the other slot must still build and run a function.
        for (const std::size_t released : {std::size_t{0}, std::size_t{1}}) {
          std::vector<Tensor> g = gradients(v, {v, v});
          REQUIRE(g.size() == 2);
          const std::size_t kept = 1 - released;
          g[released] = Tensor();
          try {
            const Function f = b.function({}, {g[kept]});
            check_close(ones, f({}).at(0), tolerance_for(dt),
                        fmt::format("result {} after result {} was released",
                                    kept, released));
          } catch (const PluginError& e) {
            FAIL_CHECK(fmt::format(
                "result {} is unusable once result {} was released: {} (rule "
                "TP_ABI_20: the same tensor in two slots is two references)",
                kept, released, e.what()));
          }
        }
      });
}

// ---- Broadcasting with unknown dimensions (TP_OPS_1) ---------------------

struct BroadcastCase {
  Ints x;
  Ints y;
  Ints static_result;
  /// Runtime shapes of x and y that fit, and one pair that does not (empty
  /// when every runtime size fits).
  std::vector<std::pair<Ints, Ints>> fits;
  std::pair<Ints, Ints> misfit;
};

std::string pair_name(const Ints& x, const Ints& y) {
  return fmt::format("{} and {}", format_shape(x), format_shape(y));
}

void broadcast_cases(const Backend& b, DLDataType dt) {
  const char* op = nullptr;
  for (const char* candidate :
       {"add", "multiply", "subtract", "maximum", "minimum"}) {
    if (op == nullptr && b.provides(candidate)) op = candidate;
  }
  if (op == nullptr) return;  // the ops group reports them not provided
  constexpr std::int64_t N = TP_DIM_UNKNOWN;
  const std::vector<BroadcastCase> cases = {
      {{N}, {3}, {3}, {{{1}, {3}}, {{3}, {3}}}, {{2}, {3}}},
      {{3}, {N}, {3}, {{{3}, {1}}}, {{3}, {4}}},
      {{N}, {1}, {N}, {{{4}, {1}}, {{0}, {1}}}, {}},
      {{1}, {N}, {N}, {{{1}, {5}}}, {}},
      {{N, 1}, {1, 3}, {N, 3}, {{{2, 1}, {1, 3}}}, {}},
      // (A misfit of (None,) and (None,) is an app_errors.cpp case already.)
      {{N}, {N}, {N}, {{{1}, {4}}, {{3}, {3}}}, {}},
  };
  auto& kit = Kit::instance();
  for (const BroadcastCase& c : cases) {
    kit.run_case(
        op,
        fmt::format("{}: static shape {}, {} (TP_OPS_1)", pair_name(c.x, c.y),
                    format_shape(c.static_result), dtype_name(dt)),
        [&] {
          const Tensor x = b.placeholder(c.x, dt, "x");
          const Tensor y = b.placeholder(c.y, dt, "y");
          const Tensor z = b.op(op, {x, y}, {});
          if (b.provides("tensor_info")) {
            const Ints got = int_shape(z);
            if (got != c.static_result) {
              FAIL_CHECK(fmt::format(
                  "{} of static shapes {} has static shape {}; expected {} "
                  "(rule TP_OPS_1, docs/ops.md)",
                  op, pair_name(c.x, c.y), format_shape(got),
                  format_shape(c.static_result)));
            }
          }
          const Function f = b.function({x, y}, {z});
          const Backend& ref = kit.reference();
          const Tensor rx = ref.placeholder(c.x, dt, "x");
          const Tensor ry = ref.placeholder(c.y, dt, "y");
          const Function rf =
              ref.function({rx, ry}, {ref.op(op, {rx, ry}, {})});
          auto rng = kit.rng(fmt::format("broadcast {}", pair_name(c.x, c.y)));
          for (const auto& [sx, sy] : c.fits) {
            const Array ax = random_array(sx, dt, rng);
            const Array ay = random_array(sy, dt, rng);
            check_close(rf({ax, ay}).at(0), f({ax, ay}).at(0),
                        tolerance_for(dt),
                        fmt::format("fed {}", pair_name(sx, sy)));
          }
          if (!c.misfit.first.empty()) {
            const auto& [sx, sy] = c.misfit;
            expect_plugin_error(
                [&] {
                  f({random_array(sx, dt, rng), random_array(sy, dt, rng)});
                },
                {TP_ERROR_SHAPE, kInvalid},
                fmt::format("{} fed {}", op, pair_name(sx, sy)),
                "TP_OPS_1, TP_ABI_11");
          }
        });
  }
}

}  // namespace

void run_op_edge_cases(const Backend& b, DLDataType dt) {
  axis_cases(b, dt);
  int_attr_cases(b, dt);
  repeated_target_case(b, dt);
  broadcast_cases(b, dt);
}

}  // namespace tensorplug::conformance
