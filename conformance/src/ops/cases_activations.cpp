// Cases of the activations: relu, sigmoid, tanh, softmax, softplus, elu.
#include <limits>
#include <string>
#include <string_view>

#include "ops/case_builders.hpp"

namespace tensorplug::conformance::cases {

void add_activation_cases(std::vector<OpCase>& out) {
  const auto& floats = float_dtypes();

  const struct {
    const char* name;
    Attrs attrs;
  } relus[] = {
      {"default (3, 5)", {}},
      {"alpha 0.1 (3, 5)", {{"alpha", 0.1}}},
      {"max_value 1.5 (3, 5)", {{"max_value", 1.5}}},
      {"threshold 0.5 (3, 5)", {{"threshold", 0.5}}},
      {"alpha 0.2, max_value 2, threshold -0.5 (3, 5)",
       {{"alpha", 0.2}, {"max_value", 2.0}, {"threshold", -0.5}}},
      {"max_value None (3, 5)", {{"max_value", None{}}}},
  };
  for (const auto& r : relus) {
    out.push_back({.op = "relu",
                   .name = r.name,
                   .inputs = {in({3, 5}, -3, 3)},
                   .attrs = r.attrs,
                   .dtypes = floats,
                   .differentiable = true});
  }
  out.push_back({.op = "relu",
                 .name = "scalar ()",
                 .inputs = {in({}, -3, 3)},
                 .dtypes = floats,
                 .differentiable = true});
  out.push_back({.op = "relu",
                 .name = "zero-size (0, 3)",
                 .inputs = {in({0, 3}, -3, 3)},
                 .dtypes = floats});
  // Threshold sizes: >= 64K elements, odd extents, a transposed operand.
  for (const auto& r : relus) {
    out.push_back({.op = "relu",
                   .name = std::string(r.name) + " on (65537,)",
                   .inputs = {in({65537}, -3, 3)},
                   .attrs = r.attrs,
                   .dtypes = floats});
  }
  out.push_back({.op = "relu",
                 .name = "transpose(x (255, 257))",
                 .inputs = {transposed(in({255, 257}, -3, 3))},
                 .dtypes = floats});
  // relu's zeros are +0 (docs/ops.md): relu(-0) and relu(x < 0) with
  // alpha 0, compared bit for bit. Also in the middle of a 65-element
  // vector, past the first vector width.
  {
    const double nz = -0.0;
    std::vector<double> x = {nz, 0.0, -1.0, 1.0, -1e-30, nz, 2.5, -3.0};
    std::vector<double> want = {0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 2.5, 0.0};
    for (std::size_t i = x.size(); i < 65; ++i) {
      x.push_back(i % 2 ? nz : -0.5);
      want.push_back(0.0);
    }
    InputSpec spec = in({65});
    spec.fill = Fill::kValues;
    spec.values = x;
    out.push_back({.op = "relu",
                   .name = "signed zeros (65,): relu(-0) and relu(x < 0) are "
                           "+0 bitwise",
                   .inputs = {spec},
                   .dtypes = floats,
                   .exact = want});
  }
  // Infinities: relu(-inf) is +0 (0 * -inf would be NaN), relu(+inf) +inf.
  {
    const double inf = std::numeric_limits<double>::infinity();
    InputSpec spec = in({6});
    spec.fill = Fill::kValues;
    spec.values = {-inf, inf, -inf, 1.0, -2.0, inf};
    out.push_back({.op = "relu",
                   .name = "infinities (6,): relu(-inf) is +0, relu(+inf) is "
                           "+inf, bitwise",
                   .inputs = {spec},
                   .dtypes = floats,
                   .exact = {0.0, inf, 0.0, 1.0, 0.0, inf}});
  }
  // A chain of activations (fusable), >= 64K elements.
  out.push_back(
      {.op = "relu",
       .name = "chain relu -> sigmoid -> multiply -> tanh on (257, "
               "257)",
       .inputs = {in({257, 257}, -3, 3), in({257}, -2, 2)},
       .dtypes = floats,
       .chain = {{"sigmoid", {}, -1}, {"multiply", {}, 1}, {"tanh", {}, -1}}});

  // softplus chains exp and log1p: ten times the base tolerance.
  for (const char* op : {"sigmoid", "tanh", "softplus"}) {
    const double scale = std::string_view(op) == "softplus" ? 10.0 : 1.0;
    out.push_back({.op = op,
                   .name = "(3, 5)",
                   .inputs = {in({3, 5}, -5, 5)},
                   .dtypes = floats,
                   .tol_scale = scale,
                   .differentiable = true});
    out.push_back({.op = op,
                   .name = "large magnitudes (4, 5) in [-60, 60)",
                   .inputs = {in({4, 5}, -60, 60)},
                   .dtypes = floats,
                   .tol_scale = scale});
    out.push_back({.op = op,
                   .name = "scalar ()",
                   .inputs = {in({}, -5, 5)},
                   .dtypes = floats,
                   .tol_scale = scale,
                   .differentiable = true});
    out.push_back({.op = op,
                   .name = "zero-size (0, 3)",
                   .inputs = {in({0, 3})},
                   .dtypes = floats});
    out.push_back({.op = op,
                   .name = "(65537,) in [-20, 20)",
                   .inputs = {in({65537}, -20, 20)},
                   .dtypes = floats,
                   .tol_scale = scale});
    out.push_back({.op = op,
                   .name = "transpose(x (63, 1041))",
                   .inputs = {transposed(in({63, 1041}, -5, 5))},
                   .dtypes = floats,
                   .tol_scale = scale});
  }

  // softmax: exp, a sum and a division per element: ten times the base.
  const struct {
    const char* name;
    std::vector<std::int64_t> shape;
    std::int64_t axis;
    double lo, hi;
  } softmaxes[] = {
      {"(3, 5) axis -1", {3, 5}, -1, -3, 3},
      {"(2, 3, 4) axis 1", {2, 3, 4}, 1, -3, 3},
      {"(4, 3) axis 0", {4, 3}, 0, -3, 3},
      {"rank 1 (6,) axis -1", {6}, -1, -3, 3},
      {"large inputs (2, 4) in [-500, 500) stay finite", {2, 4}, -1, -500, 500},
      {"zero-size (0, 3) axis -1", {0, 3}, -1, -1, 1},
      // Long axes (a sum of 1000 exps per row), odd sizes, every axis.
      {"long rows (7, 1000) axis -1", {7, 1000}, -1, -5, 5},
      {"long columns (1000, 7) axis 0", {1000, 7}, 0, -5, 5},
      {"odd (65, 257) axis -1", {65, 257}, -1, -5, 5},
      {"(3, 127, 65) axis 1", {3, 127, 65}, 1, -5, 5},
      {"(3, 127, 65) axis 0", {3, 127, 65}, 0, -5, 5},
  };
  for (const auto& s : softmaxes) {
    out.push_back({.op = "softmax",
                   .name = s.name,
                   .inputs = {in(s.shape, s.lo, s.hi)},
                   .attrs = {{"axis", s.axis}},
                   .dtypes = floats,
                   .tol_scale = 10,
                   .differentiable = s.hi < 100 && s.shape[0] != 0});
  }
  out.push_back({.op = "softmax",
                 .name = "default axis (2, 5)",
                 .inputs = {in({2, 5}, -3, 3)},
                 .dtypes = floats,
                 .tol_scale = 10,
                 .differentiable = true});

  const struct {
    const char* name;
    std::vector<std::int64_t> shape;
    Attrs attrs;
  } elus[] = {
      {"default alpha (3, 5)", {3, 5}, {}},
      {"alpha 0.5 (3, 5)", {3, 5}, {{"alpha", 0.5}}},
      {"scalar ()", {}, {}},
      {"zero-size (0, 3)", {0, 3}, {}},
      {"(65537,)", {65537}, {}},
      {"alpha 0.5 odd (257, 255)", {257, 255}, {{"alpha", 0.5}}},
  };
  for (const auto& e : elus) {
    out.push_back({.op = "elu",
                   .name = e.name,
                   .inputs = {in(e.shape, -3, 3)},
                   .attrs = e.attrs,
                   .dtypes = floats,
                   .differentiable = true});
  }
}

}  // namespace tensorplug::conformance::cases
