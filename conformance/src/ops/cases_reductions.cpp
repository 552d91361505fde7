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

struct LongReduction {
  const char* name;
  std::vector<std::int64_t> shape;
  Attrs attrs;
  std::int64_t terms;  // elements reduced into one result
};

// Reductions over long axes (1000+ elements) and over each axis of an odd
// rank-3 tensor, for every reduction.
const std::vector<LongReduction>& long_forms() {
  static const std::vector<LongReduction> v = {
      {"1000 elements (20, 50) axis None", {20, 50}, {{"axis", None{}}}, 1000},
      {"long axis (1025, 63) axis 0", {1025, 63}, {{"axis", 0}}, 1025},
      {"long axis (63, 1025) axis -1 keepdims",
       {63, 1025},
       {{"axis", -1}, {"keepdims", true}},
       1025},
      {"(4099,) axis None", {4099}, {{"axis", None{}}}, 4099},
      {"odd (7, 129, 65) axis 0", {7, 129, 65}, {{"axis", 0}}, 7},
      {"odd (7, 129, 65) axis 1", {7, 129, 65}, {{"axis", 1}}, 129},
      {"odd (7, 129, 65) axis 2", {7, 129, 65}, {{"axis", 2}}, 65},
      {"odd (7, 129, 65) axes (0, 2)",
       {7, 129, 65},
       {{"axis", Ints{0, 2}}},
       455},
      // Sizes around vector widths and blocks, along the last axis and a
      // middle run of axes (reduced as one merged axis).
      {"(3, 1) axis -1", {3, 1}, {{"axis", -1}}, 1},
      {"(3, 7) axis -1", {3, 7}, {{"axis", -1}}, 7},
      {"(3, 63) axis -1", {3, 63}, {{"axis", -1}}, 63},
      {"(3, 64) axis -1", {3, 64}, {{"axis", -1}}, 64},
      {"(3, 65) axis -1", {3, 65}, {{"axis", -1}}, 65},
      {"(3, 127) axis -1", {3, 127}, {{"axis", -1}}, 127},
      {"(3, 257) axis -1 keepdims",
       {3, 257},
       {{"axis", -1}, {"keepdims", true}},
       257},
      {"(2, 1000) axis -1", {2, 1000}, {{"axis", -1}}, 1000},
      {"(3, 7, 9, 5) axes (1, 2)", {3, 7, 9, 5}, {{"axis", Ints{1, 2}}}, 63},
      {"(3, 8, 8, 7) axes (2, 1) keepdims",
       {3, 8, 8, 7},
       {{"axis", Ints{2, 1}}, {"keepdims", true}},
       64},
      {"(5, 257, 3) axis 1", {5, 257, 3}, {{"axis", 1}}, 257},
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
    // Long sums (a float32 backend may accumulate in float32, blocked or
    // split over threads, rather than in double): the base tolerance plus
    // the reordered-sum bound of `terms` = the elements per result.
    for (const auto& r : long_forms()) {
      out.push_back({.op = op,
                     .name = r.name,
                     .inputs = {in(r.shape, -1, 1)},
                     .attrs = r.attrs,
                     .dtypes = numeric,
                     .terms = r.terms,
                     .strided_feed = true});
    }
    out.push_back({.op = op,
                   .name = "of transpose(x (65, 1000)) axis 0",
                   .inputs = {transposed(in({65, 1000}, -1, 1))},
                   .attrs = {{"axis", 0}},
                   .dtypes = numeric,
                   .terms = 1000});
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
    // No rounding: exact but for the tolerance. Long ramps tie in float16
    // (the extreme's value is the same either way).
    for (const auto& r : long_forms()) {
      out.push_back({.op = op,
                     .name = r.name,
                     .inputs = {in(r.shape, -4, 4, Fill::kDistinct)},
                     .attrs = r.attrs,
                     .dtypes = numeric});
    }
    out.push_back(
        {.op = op,
         .name = "of transpose(x (65, 1000)) axis 0",
         .inputs = {transposed(in({65, 1000}, -4, 4, Fill::kDistinct))},
         .attrs = {{"axis", 0}},
         .dtypes = numeric});
  }

  for (const char* op : {"argmax", "argmin"}) {
    const std::vector<Reduction> forms = {
        {"(3, 4) default axis", {3, 4}, {}},
        {"(3, 4) axis 0", {3, 4}, {{"axis", 0}}},
        {"(2, 3, 4) axis 1", {2, 3, 4}, {{"axis", 1}}},
        {"(2, 3, 4) axis -3", {2, 3, 4}, {{"axis", -3}}},
        {"rank 1 (5,)", {5}, {}},
        {"zero-size (0, 3) axis 1", {0, 3}, {{"axis", 1}}},
        {"long axis (1025, 63) axis 0", {1025, 63}, {{"axis", 0}}},
        {"long axis (63, 1025) axis -1", {63, 1025}, {{"axis", -1}}},
        {"odd (7, 129, 65) axis 0", {7, 129, 65}, {{"axis", 0}}},
        {"odd (7, 129, 65) axis 1", {7, 129, 65}, {{"axis", 1}}},
        {"odd (7, 129, 65) axis 2", {7, 129, 65}, {{"axis", 2}}},
        {"(3, 1) axis -1", {3, 1}, {{"axis", -1}}},
        {"(3, 63) axis -1", {3, 63}, {{"axis", -1}}},
        {"(3, 64) axis -1", {3, 64}, {{"axis", -1}}},
        {"(3, 257) axis -1", {3, 257}, {{"axis", -1}}},
        {"(5, 257, 3) axis 1", {5, 257, 3}, {{"axis", 1}}},
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
    // Many ties along a long axis: a kernel that splits the axis (threads,
    // vector lanes) must still give the first position.
    out.push_back({.op = op,
                   .name = "ties give the first position (1025, 65) axis 0",
                   .inputs = {in({1025, 65}, 0, 2, Fill::kIntegers)},
                   .attrs = {{"axis", 0}},
                   .dtypes = numeric});
    out.push_back(
        {.op = op,
         .name = "of transpose(x (65, 1000)) axis 0",
         .inputs = {transposed(in({65, 1000}, -4, 4, Fill::kDistinct))},
         .attrs = {{"axis", 0}},
         .dtypes = numeric});
  }
}

}  // namespace tensorplug::conformance::cases
