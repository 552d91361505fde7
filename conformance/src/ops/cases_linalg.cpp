// Cases of the linear-algebra ops: dot, batch_dot, transpose,
// permute_dimensions.
#include "ops/case_builders.hpp"

namespace tensorplug::conformance::cases {

void add_linalg_cases(std::vector<OpCase>& out) {
  const auto& floats = float_dtypes();
  const auto& any = any_dtypes();

  // Sums of products: the base tolerance plus the reordered-sum bound of
  // `terms` = the contraction length (a BLAS adds in any order). The
  // threshold cases have odd and prime sizes around the blocking and
  // vector widths, long contractions (K up to 1000), an outer product
  // (K = 1) and operands that come out of `transpose` inside the graph.
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
      {"long contraction (1, 1000) x (1000, 1)", {1, 1000}, {1000, 1}},
      {"vectors (1000,) x (1000,)", {1000}, {1000}},
      {"odd (65, 257) x (257, 63)", {65, 257}, {257, 63}},
      {"odd (127, 64) x (64, 7)", {127, 64}, {64, 7}},
      {"square (64, 64) x (64, 64)", {64, 64}, {64, 64}},
      {"long contraction (7, 1000) x (1000, 65)", {7, 1000}, {1000, 65}},
      {"large (257, 1000) x (1000, 65)", {257, 1000}, {1000, 65}},
      {"outer product (257, 1) x (1, 127)", {257, 1}, {1, 127}},
      {"rank 3 (3, 65, 127) x (127, 63)", {3, 65, 127}, {127, 63}},
      {"vector (1000,) x matrix (1000, 65)", {1000}, {1000, 65}},
      {"matrix (257, 127) x vector (127,)", {257, 127}, {127}},
  };
  for (const auto& d : dots) {
    // Rank >= 2: the second-to-last axis of y; a vector: its only axis.
    out.push_back({.op = "dot",
                   .name = d.name,
                   .inputs = {in(d.x), in(d.y)},
                   .dtypes = floats,
                   .terms = d.x.back(),
                   .strided_feed = true,
                   .differentiable = true});
  }
  // Operands computed inside the graph: transpose(x) of a fed (K, M) and
  // transpose(y) of a fed (N, K) (a BLAS call with transposed operands, or a
  // strided view that must not be read as contiguous).
  const struct {
    const char* name;
    std::vector<std::int64_t> x, y;  // as fed, before the transpose
    bool tx, ty;
  } transposed_dots[] = {
      {"transpose(x (257, 65)) x transpose(y (63, 257))",
       {257, 65},
       {63, 257},
       true,
       true},
      {"transpose(x (1000, 7)) x (1000, 65)",
       {1000, 7},
       {1000, 65},
       true,
       false},
      {"(65, 127) x transpose(y (64, 127))", {65, 127}, {64, 127}, false, true},
  };
  for (const auto& d : transposed_dots) {
    out.push_back({.op = "dot",
                   .name = d.name,
                   .inputs = {d.tx ? transposed(in(d.x)) : in(d.x),
                              d.ty ? transposed(in(d.y)) : in(d.y)},
                   .dtypes = floats,
                   .terms = d.tx ? d.x.front() : d.x.back(),
                   .differentiable = true});
  }

  const struct {
    const char* name;
    std::vector<std::int64_t> x, y;
    Attrs attrs;
    std::int64_t terms;  // the contraction length
  } batch_dots[] = {
      {"(2, 3, 4) . (2, 4, 5) default axes", {2, 3, 4}, {2, 4, 5}, {}, 4},
      {"(3, 4) . (3, 4) axes 1 gives (3, 1)", {3, 4}, {3, 4}, {{"axes", 1}}, 4},
      {"(2, 4, 3) . (2, 5, 4) axes (1, 2)",
       {2, 4, 3},
       {2, 5, 4},
       {{"axes", Ints{1, 2}}},
       4},
      {"(2, 3, 4) . (2, 4) default axes", {2, 3, 4}, {2, 4}, {}, 4},
      {"(2, 3, 4) . (2, 5, 4) axes (-1, -1)",
       {2, 3, 4},
       {2, 5, 4},
       {{"axes", Ints{-1, -1}}},
       4},
      {"(2, 3, 4) . (2, 4, 5) axes None",
       {2, 3, 4},
       {2, 4, 5},
       {{"axes", None{}}},
       4},
      {"zero batch (0, 3, 4) . (0, 4, 2)", {0, 3, 4}, {0, 4, 2}, {}, 4},
      {"long contraction (3, 65, 1000) . (3, 1000, 7)",
       {3, 65, 1000},
       {3, 1000, 7},
       {},
       1000},
      {"odd (2, 127, 64) . (2, 64, 257)", {2, 127, 64}, {2, 64, 257}, {}, 64},
      {"batch 1 (1, 65, 63) . (1, 63, 64)", {1, 65, 63}, {1, 63, 64}, {}, 63},
      {"(2, 257, 63) . (2, 65, 257) axes (1, 2)",
       {2, 257, 63},
       {2, 65, 257},
       {{"axes", Ints{1, 2}}},
       257},
      {"(1000, 127) . (1000, 127) axes 1 gives (1000, 1)",
       {1000, 127},
       {1000, 127},
       {{"axes", 1}},
       127},
      {"batch 257 (257, 7, 65) . (257, 65)", {257, 7, 65}, {257, 65}, {}, 65},
  };
  for (const auto& b : batch_dots) {
    out.push_back({.op = "batch_dot",
                   .name = b.name,
                   .inputs = {in(b.x), in(b.y)},
                   .attrs = b.attrs,
                   .dtypes = floats,
                   .terms = b.terms,
                   .strided_feed = true,
                   .differentiable = true});
  }
  // Operands out of permute_dimensions inside the graph.
  out.push_back(
      {.op = "batch_dot",
       .name = "permute(x (65, 3, 127), (1, 0, 2)) . permute(y (3, 63, 127), "
               "(0, 2, 1))",
       .inputs = {permuted(in({65, 3, 127}), {1, 0, 2}),
                  permuted(in({3, 63, 127}), {0, 2, 1})},
       .dtypes = floats,
       .terms = 127,
       .differentiable = true});

  const struct {
    const char* name;
    std::vector<std::int64_t> shape;
  } transposes[] = {
      {"(2, 3)", {2, 3}},
      {"(2, 3, 4)", {2, 3, 4}},
      {"rank 1 (4,)", {4}},
      {"scalar ()", {}},
      {"zero-size (0, 3)", {0, 3}},
      // Past cache blocks and vector widths, odd on every axis.
      {"odd (257, 65)", {257, 65}},
      {"(1000, 63)", {1000, 63}},
      {"rank 3 (65, 127, 7)", {65, 127, 7}},
      {"rank 1 (65537,)", {65537}},
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
      {"odd (7, 257, 65) pattern (2, 0, 1)", {7, 257, 65}, {2, 0, 1}},
      {"(127, 1, 65) pattern (1, 2, 0)", {127, 1, 65}, {1, 2, 0}},
      {"rank 4 (7, 63, 5, 65) pattern (3, 1, 0, 2)",
       {7, 63, 5, 65},
       {3, 1, 0, 2}},
  };
  for (const auto& p : permutes) {
    out.push_back({.op = "permute_dimensions",
                   .name = p.name,
                   .inputs = {in(p.shape, -4, 4)},
                   .attrs = {{"pattern", p.pattern}},
                   .dtypes = any,
                   .differentiable = true});
  }
  out.push_back({.op = "permute_dimensions",
                 .name = "of transpose(x (65, 7, 127)), pattern (0, 2, 1)",
                 .inputs = {transposed(in({65, 7, 127}, -4, 4))},
                 .attrs = {{"pattern", Ints{0, 2, 1}}},
                 .dtypes = any,
                 .differentiable = true});
  out.push_back({.op = "transpose",
                 .name = "of permute(x (63, 65, 7), (2, 0, 1))",
                 .inputs = {permuted(in({63, 65, 7}, -4, 4), {2, 0, 1})},
                 .dtypes = any,
                 .differentiable = true});
}

}  // namespace tensorplug::conformance::cases
