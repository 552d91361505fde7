// Cases of the linear-algebra ops: dot, batch_dot, transpose,
// permute_dimensions.
#include "ops/case_builders.hpp"

namespace tensorplug::conformance::cases {

void add_linalg_cases(std::vector<OpCase>& out) {
  const auto& floats = float_dtypes();
  const auto& any = any_dtypes();

  // Products summed over up to 5 terms: ten times the base tolerance (a
  // float16 backend may accumulate in float32 in another order).
  const struct {
    const char* name;
    std::vector<std::int64_t> x, y;
  } dots[] = {
      {"matrix (3, 4) x (4, 2)", {3, 4}, {4, 2}},
      {"vectors (4,) x (4,)", {4}, {4}},
      {"(2, 3, 4) x (4, 5)", {2, 3, 4}, {4, 5}},
      {"(3, 4) x (2, 4, 5)", {3, 4}, {2, 4, 5}},
      {"vector (3,) x matrix (3, 2)", {3}, {3, 2}},
      {"matrix (2, 3) x vector (3,)", {2, 3}, {3}},
      {"zero-size (0, 4) x (4, 2)", {0, 4}, {4, 2}},
      {"empty contraction (3, 0) x (0, 2) is zeros", {3, 0}, {0, 2}},
  };
  for (const auto& d : dots) {
    out.push_back({.op = "dot",
                   .name = d.name,
                   .inputs = {in(d.x), in(d.y)},
                   .dtypes = floats,
                   .tol_scale = 10,
                   .differentiable = true});
  }

  const struct {
    const char* name;
    std::vector<std::int64_t> x, y;
    Attrs attrs;
  } batch_dots[] = {
      {"(2, 3, 4) . (2, 4, 5) default axes", {2, 3, 4}, {2, 4, 5}, {}},
      {"(3, 4) . (3, 4) axes 1 gives (3, 1)", {3, 4}, {3, 4}, {{"axes", 1}}},
      {"(2, 4, 3) . (2, 5, 4) axes (1, 2)",
       {2, 4, 3},
       {2, 5, 4},
       {{"axes", Ints{1, 2}}}},
      {"(2, 3, 4) . (2, 4) default axes", {2, 3, 4}, {2, 4}, {}},
      {"(2, 3, 4) . (2, 5, 4) axes (-1, -1)",
       {2, 3, 4},
       {2, 5, 4},
       {{"axes", Ints{-1, -1}}}},
      {"(2, 3, 4) . (2, 4, 5) axes None",
       {2, 3, 4},
       {2, 4, 5},
       {{"axes", None{}}}},
      {"zero batch (0, 3, 4) . (0, 4, 2)", {0, 3, 4}, {0, 4, 2}, {}},
  };
  for (const auto& b : batch_dots) {
    out.push_back({.op = "batch_dot",
                   .name = b.name,
                   .inputs = {in(b.x), in(b.y)},
                   .attrs = b.attrs,
                   .dtypes = floats,
                   .tol_scale = 10,
                   .differentiable = true});
  }

  const struct {
    const char* name;
    std::vector<std::int64_t> shape;
  } transposes[] = {
      {"(2, 3)", {2, 3}}, {"(2, 3, 4)", {2, 3, 4}},     {"rank 1 (4,)", {4}},
      {"scalar ()", {}},  {"zero-size (0, 3)", {0, 3}},
  };
  for (const auto& t : transposes) {
    out.push_back({.op = "transpose",
                   .name = t.name,
                   .inputs = {in(t.shape, -4, 4)},
                   .dtypes = any,
                   .differentiable = true});
  }

  const struct {
    const char* name;
    std::vector<std::int64_t> shape;
    Ints pattern;
  } permutes[] = {
      {"(2, 3, 4) pattern (2, 0, 1)", {2, 3, 4}, {2, 0, 1}},
      {"(2, 3) pattern (1, 0)", {2, 3}, {1, 0}},
      {"(2, 3, 4) negative pattern (0, -1, 1)", {2, 3, 4}, {0, -1, 1}},
      {"identity (2, 3) pattern (0, 1)", {2, 3}, {0, 1}},
      {"zero-size (0, 2, 3) pattern (1, 2, 0)", {0, 2, 3}, {1, 2, 0}},
  };
  for (const auto& p : permutes) {
    out.push_back({.op = "permute_dimensions",
                   .name = p.name,
                   .inputs = {in(p.shape, -4, 4)},
                   .attrs = {{"pattern", p.pattern}},
                   .dtypes = any,
                   .differentiable = true});
  }
}

}  // namespace tensorplug::conformance::cases
