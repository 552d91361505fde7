// Cases of the activations: relu, sigmoid, tanh, softmax, softplus, elu.
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
