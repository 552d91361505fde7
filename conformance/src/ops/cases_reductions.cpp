// Cases of the reductions: sum, mean, max, min, argmax, argmin.
#include "ops/case_builders.hpp"

namespace tensorplug::conformance::cases {
namespace {

struct Reduction {
  const char* name;
  std::vector<std::int64_t> shape;
  Attrs attrs;
};

// Axis forms shared by sum, mean, max and min (no zero-size operand: mean,
// max and min of zero elements are errors).
const std::vector<Reduction>& axis_forms() {
  static const std::vector<Reduction> v = {
      {"(3, 4) axis None", {3, 4}, {{"axis", None{}}}},
      {"(3, 4) default axis", {3, 4}, {}},
      {"(3, 4) axis 0", {3, 4}, {{"axis", 0}}},
      {"(3, 4) axis -1 keepdims", {3, 4}, {{"axis", -1}, {"keepdims", true}}},
      {"(2, 3, 4) axes (0, 2)", {2, 3, 4}, {{"axis", Ints{0, 2}}}},
      {"(2, 3, 4) axes (-1, 0) keepdims",
       {2, 3, 4},
       {{"axis", Ints{-1, 0}}, {"keepdims", true}}},
      {"(2, 3, 4) axis None keepdims",
       {2, 3, 4},
       {{"axis", None{}}, {"keepdims", true}}},
      {"scalar () axis None", {}, {{"axis", None{}}}},
  };
  return v;
}

}  // namespace

void add_reduction_cases(std::vector<OpCase>& out) {
  const auto& numeric = numeric_dtypes();

  // Integer values up to 9 in magnitude make mean's truncation toward zero
  // matter; sums stay far from overflow.
  for (const char* op : {"sum", "mean"}) {
    for (const auto& r : axis_forms()) {
      out.push_back({.op = op,
                     .name = r.name,
                     .inputs = {in(r.shape, -9, 9)},
                     .attrs = r.attrs,
                     .dtypes = numeric,
                     .differentiable = true});
    }
    // 1000 terms: a float32 backend accumulating in float32 rather than
    // double differs by ~1e-4 relative; ten times the base tolerance.
    out.push_back({.op = op,
                   .name = "1000 elements (20, 50) axis None",
                   .inputs = {in({20, 50}, -1, 1)},
                   .attrs = {{"axis", None{}}},
                   .dtypes = numeric,
                   .tol_scale = 10});
  }
  out.push_back({.op = "sum",
                 .name = "zero-size (0, 3) axis 0 gives zeros",
                 .inputs = {in({0, 3})},
                 .attrs = {{"axis", 0}},
                 .dtypes = numeric});
  out.push_back({.op = "sum",
                 .name = "zero-size (0, 3) axis None gives 0",
                 .inputs = {in({0, 3})},
                 .attrs = {{"axis", None{}}},
                 .dtypes = numeric});
  out.push_back({.op = "mean",
                 .name = "zero-size (0, 3) axis 1 gives (0,)",
                 .inputs = {in({0, 3})},
                 .attrs = {{"axis", 1}},
                 .dtypes = numeric});

  // Distinct values: the extreme is unique, so gradients are defined.
  for (const char* op : {"max", "min"}) {
    for (const auto& r : axis_forms()) {
      out.push_back({.op = op,
                     .name = r.name,
                     .inputs = {in(r.shape, -4, 4, Fill::kDistinct)},
                     .attrs = r.attrs,
                     .dtypes = numeric,
                     .differentiable = true});
    }
  }

  for (const char* op : {"argmax", "argmin"}) {
    const std::vector<Reduction> forms = {
        {"(3, 4) default axis", {3, 4}, {}},
        {"(3, 4) axis 0", {3, 4}, {{"axis", 0}}},
        {"(2, 3, 4) axis 1", {2, 3, 4}, {{"axis", 1}}},
        {"(2, 3, 4) axis -3", {2, 3, 4}, {{"axis", -3}}},
        {"rank 1 (5,)", {5}, {}},
        {"zero-size (0, 3) axis 1", {0, 3}, {{"axis", 1}}},
    };
    for (const auto& r : forms) {
      out.push_back({.op = op,
                     .name = r.name,
                     .inputs = {in(r.shape, -4, 4, Fill::kDistinct)},
                     .attrs = r.attrs,
                     .dtypes = numeric});
    }
    // Ties give the first position (documented), so ties are comparable.
    out.push_back({.op = op,
                   .name = "ties give the first position (4, 6)",
                   .inputs = {in({4, 6}, 0, 1, Fill::kIntegers)},
                   .dtypes = numeric});
  }
}

}  // namespace tensorplug::conformance::cases
