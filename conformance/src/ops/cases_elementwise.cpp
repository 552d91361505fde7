// Cases of the elementwise ops: arithmetic with NumPy broadcasting, pow,
// maximum/minimum, comparisons, clip and the unary math ops.
#include <string>

#include "ops/case_builders.hpp"

namespace tensorplug::conformance::cases {
namespace {

// The broadcasting shapes every binary op is run with.
struct ShapePair {
  const char* name;
  std::vector<std::int64_t> x, y;
};
const std::vector<ShapePair>& binary_shapes() {
  static const std::vector<ShapePair> v = {
      {"same shape (2, 3)", {2, 3}, {2, 3}},
      {"broadcast (2, 1) with (3,)", {2, 1}, {3}},
      {"broadcast scalar () with (2, 3)", {}, {2, 3}},
      {"broadcast (2, 3) with scalar ()", {2, 3}, {}},
      {"broadcast (4, 1, 3) with (1, 2, 1)", {4, 1, 3}, {1, 2, 1}},
      {"scalars () with ()", {}, {}},
      {"zero-size (0, 3) with (3,)", {0, 3}, {3}},
      // Threshold sizes: >= 64K elements (a threaded kernel splits them),
      // odd extents (vector tails), broadcasts along each axis.
      {"same shape (257, 257)", {257, 257}, {257, 257}},
      {"broadcast (257, 1) with (257,)", {257, 1}, {257}},
      {"broadcast (1000, 65) with (65,)", {1000, 65}, {65}},
      {"broadcast (63, 1, 65) with (17, 1)", {63, 1, 65}, {17, 1}},
      {"broadcast scalar () with (65537,)", {}, {65537}},
      {"odd (1, 127) with (63, 1)", {1, 127}, {63, 1}},
  };
  return v;
}

// Appends one case per broadcasting shape pair.
void add_binary(std::vector<OpCase>& out, const std::string& op,
                const std::vector<DLDataType>& dtypes, InputSpec x, InputSpec y,
                bool differentiable) {
  for (const auto& s : binary_shapes()) {
    x.shape = s.x;
    y.shape = s.y;
    // add and multiply stand for the binary kernels: also fed as views.
    out.push_back({.op = op,
                   .name = s.name,
                   .inputs = {x, y},
                   .dtypes = dtypes,
                   .strided_feed = op == "add" || op == "multiply",
                   .differentiable = differentiable});
  }  // An operand out of `transpose` inside the graph: a strided view in a
  // backend with views, which an elementwise kernel must not read as
  // contiguous.
  x.shape = {255, 257};
  y.shape = {257, 255};
  out.push_back({.op = op,
                 .name = "transpose(x (255, 257)) with (257, 255)",
                 .inputs = {transposed(x), y},
                 .dtypes = dtypes,
                 .differentiable = differentiable});
}

// Unary ops: a matrix, a rank-3 tensor, a scalar, a zero-size tensor.
void add_unary(std::vector<OpCase>& out, const std::string& op,
               const std::vector<DLDataType>& dtypes, double lo, double hi,
               bool differentiable) {
  const std::vector<std::pair<const char*, std::vector<std::int64_t>>> shapes =
      {{"(2, 3)", {2, 3}},    {"(2, 3, 4)", {2, 3, 4}},
       {"scalar ()", {}},     {"zero-size (0, 3)", {0, 3}},
       {"(65537,)", {65537}}, {"odd (257, 255)", {257, 255}}};
  for (const auto& [name, shape] : shapes) {
    out.push_back({.op = op,
                   .name = name,
                   .inputs = {in(shape, lo, hi)},
                   .dtypes = dtypes,
                   .differentiable = differentiable});
  }
  out.push_back({.op = op,
                 .name = "transpose(x (63, 1041))",
                 .inputs = {transposed(in({63, 1041}, lo, hi))},
                 .dtypes = dtypes,
                 .differentiable = differentiable});
}

}  // namespace

void add_elementwise_cases(std::vector<OpCase>& out) {
  const auto& numeric = numeric_dtypes();
  const auto& floats = float_dtypes();
  const auto& any = any_dtypes();

  // Small integer ranges keep integer results far from overflow.
  for (const char* op : {"add", "subtract", "multiply"}) {
    add_binary(out, op, numeric, in({}, -4, 4), in({}, -4, 4), true);
  }
  // Divisors away from zero (integer division by zero is an error).
  add_binary(out, "divide", numeric, in({}, -8, 8),
             in({}, 0.5, 4, Fill::kAwayFromZero), true);

  for (const auto& op : {"negative", "abs", "square"}) {
    add_unary(out, op, numeric, -4, 4, true);
  }
  add_unary(out, "sqrt", floats, 0.1, 4, true);
  add_unary(out, "exp", floats, -3, 3, true);
  add_unary(out, "log", floats, 0.1, 4, true);

  // pow: positive float bases with real exponents; integer and negative
  // float bases with whole non-negative exponents.
  add_binary(out, "pow", floats, in({}, 0.5, 2), in({}, -2, 2), true);
  out.push_back(
      {.op = "pow",
       .name = "negative bases, whole exponents (2, 3)",
       .inputs = {in({2, 3}, -2, 2), in({2, 3}, 0, 3, Fill::kIntegers)},
       .dtypes = floats});
  out.push_back({.op = "pow",
                 .name = "integer (2, 3) to exponents 0..4",
                 .inputs = {in({2, 3}, -3, 3), in({2, 3}, 0, 4)},
                 .dtypes = index_dtypes()});
  out.push_back({.op = "pow",
                 .name = "integer broadcast (2, 1) to exponents (3,)",
                 .inputs = {in({2, 1}, -3, 3), in({3}, 0, 4)},
                 .dtypes = index_dtypes()});

  // maximum/minimum: continuous values tie with probability ~0, integers
  // and bools tie often (the value is the same either way).
  for (const char* op : {"maximum", "minimum"}) {
    add_binary(out, op, any, in({}, -4, 4), in({}, -4, 4), true);
  }
  // Comparisons on whole numbers so that equal elements occur in every dtype.
  add_binary(out, "equal", any, in({}, -2, 2, Fill::kIntegers),
             in({}, -2, 2, Fill::kIntegers), false);
  for (const char* op : {"greater", "less"}) {
    add_binary(out, op, numeric, in({}, -2, 2, Fill::kIntegers),
               in({}, -2, 2, Fill::kIntegers), false);
  }

  // clip: float bounds (integer operands use ceil/floor of them).
  const struct {
    const char* name;
    Attrs attrs;
  } clips[] = {
      {"(3, 4) to [-1.5, 2.5]", {{"min_value", -1.5}, {"max_value", 2.5}}},
      {"(3, 4) min None max 1", {{"min_value", None{}}, {"max_value", 1.0}}},
      {"(3, 4) min -1 max None", {{"min_value", -1.0}, {"max_value", None{}}}},
      {"(3, 4) max < min clips to min 1",
       {{"min_value", 1.0}, {"max_value", -1.0}}},
  };
  for (const auto& c : clips) {
    out.push_back({.op = "clip",
                   .name = c.name,
                   .inputs = {in({3, 4}, -4, 4)},
                   .attrs = c.attrs,
                   .dtypes = numeric,
                   .differentiable = true});
  }
  out.push_back({.op = "clip",
                 .name = "scalar () to [-1, 1]",
                 .inputs = {in({}, -4, 4)},
                 .attrs = {{"min_value", -1.0}, {"max_value", 1.0}},
                 .dtypes = numeric,
                 .differentiable = true});
  out.push_back({.op = "clip",
                 .name = "zero-size (0, 3) to [-1, 1]",
                 .inputs = {in({0, 3}, -4, 4)},
                 .attrs = {{"min_value", -1.0}, {"max_value", 1.0}},
                 .dtypes = numeric});

  // Elementwise chains long enough to be fused (a backend may compile
  // them into one loop), at >= 64K elements so a threaded kernel splits
  // them, with broadcast operands along the way.
  out.push_back(
      {.op = "add",
       .name = "chain add -> multiply (65,) -> subtract -> maximum on (1009, "
               "65)",
       .inputs = {in({1009, 65}, -4, 4), in({1009, 65}, -4, 4), in({65}, -4, 4),
                  in({1009, 1}, -4, 4), in({}, -4, 4)},
       .dtypes = numeric,
       .chain = {
           {"multiply", {}, 2}, {"subtract", {}, 3}, {"maximum", {}, 4}}});
  out.push_back(
      {.op = "multiply",
       .name = "chain multiply -> exp -> divide -> log -> square on (65537,)",
       .inputs = {in({65537}, -1, 1), in({65537}, -1, 1), in({65537}, 0.5, 2)},
       .dtypes = floats,
       .tol_scale = 10,
       .chain = {{"exp", {}, -1},
                 {"divide", {}, 2},
                 {"log", {}, -1},
                 {"square", {}, -1}}});

  // Signed zeros, compared bit for bit with the documented results (and
  // checked on the reference): abs(-0) = +0, negative(+0) = -0 and
  // negative(-0) = +0; maximum/minimum where the sign of a zero result is
  // determined (a zero against a non-zero, or two zeros of one sign; a tie
  // of -0 with +0 is left open by docs/ops.md: x86 maxps returns the second
  // operand, NumPy the first).
  const double nz = -0.0;
  const std::vector<double> zeros_x = {nz, 0.0, nz, 0.0, -1.0, 1.0, nz, 0.0};
  const std::vector<double> zeros_y = {1.0, -1.0, -1.0, 1.0, nz, 0.0, nz, 0.0};
  const auto exact_case = [&](std::string op, std::string name,
                              std::vector<InputSpec> inputs,
                              std::vector<double> expected) {
    out.push_back({.op = std::move(op),
                   .name = std::move(name),
                   .inputs = std::move(inputs),
                   .dtypes = floats,
                   .exact = std::move(expected)});
  };
  const auto values = [](std::vector<double> v) {
    InputSpec spec = in({static_cast<std::int64_t>(v.size())});
    spec.fill = Fill::kValues;
    spec.values = std::move(v);
    return spec;
  };
  exact_case("abs", "signed zeros (4,) [-0, +0, -1, 1] bitwise",
             {values({nz, 0.0, -1.0, 1.0})}, {0.0, 0.0, 1.0, 1.0});
  exact_case("negative", "signed zeros (4,) [-0, +0, -1, 1] bitwise",
             {values({nz, 0.0, -1.0, 1.0})}, {0.0, nz, 1.0, -1.0});
  exact_case("maximum", "signed zeros (8,) against non-zeros bitwise",
             {values(zeros_x), values(zeros_y)},
             {1.0, 0.0, nz, 1.0, nz, 1.0, nz, 0.0});
  exact_case("minimum", "signed zeros (8,) against non-zeros bitwise",
             {values(zeros_x), values(zeros_y)},
             {nz, -1.0, -1.0, 0.0, -1.0, 0.0, nz, 0.0});

  add_unary(out, "sign", numeric, -3, 3, false);
  // sign of whole numbers hits 0 in float dtypes too.
  out.push_back({.op = "sign",
                 .name = "whole numbers with zeros (3, 4)",
                 .inputs = {in({3, 4}, -1, 1, Fill::kIntegers)},
                 .dtypes = numeric});
}

}  // namespace tensorplug::conformance::cases
