// Cases of the shape ops: reshape, concatenate, expand_dims, squeeze,
// flatten, batch_flatten, one_hot, gather.
#include <string_view>

#include "ops/case_builders.hpp"

namespace tensorplug::conformance::cases {
namespace {

struct ShapeCase {
  const char* name;
  std::vector<std::int64_t> shape;
  Attrs attrs;
};

void add_shaped(std::vector<OpCase>& out, const char* op,
                const std::vector<ShapeCase>& forms) {
  for (const auto& f : forms) {
    out.push_back({.op = op,
                   .name = f.name,
                   .inputs = {in(f.shape, -4, 4)},
                   .attrs = f.attrs,
                   .dtypes = any_dtypes(),
                   .differentiable = true});
  }
}

}  // namespace

void add_shape_cases(std::vector<OpCase>& out) {
  const auto& any = any_dtypes();

  add_shaped(
      out, "reshape",
      {
          {"(2, 3, 4) to (6, 4)", {2, 3, 4}, {{"shape", Ints{6, 4}}}},
          {"(2, 3, 4) to (4, -1)", {2, 3, 4}, {{"shape", Ints{4, -1}}}},
          {"(2, 3) to (6,)", {2, 3}, {{"shape", Ints{6}}}},
          {"scalar () to (1, 1)", {}, {{"shape", Ints{1, 1}}}},
          {"(1,) to scalar ()", {1}, {{"shape", Ints{}}}},
          {"zero-size (0, 3) to (3, 0)", {0, 3}, {{"shape", Ints{3, 0}}}},
          {"odd (257, 255) to (255, -1)",
           {257, 255},
           {{"shape", Ints{255, -1}}}},
      });
  // Shape ops of computed operands: a reshape of a transposed (in a backend
  // with views, non-contiguous) tensor must copy in the transposed order.
  for (const char* op : {"reshape", "flatten", "batch_flatten"}) {
    Attrs attrs;
    if (std::string_view(op) == "reshape") attrs = {{"shape", Ints{-1, 65}}};
    out.push_back({.op = op,
                   .name = "of transpose(x (65, 7, 257))",
                   .inputs = {transposed(in({65, 7, 257}, -4, 4))},
                   .attrs = attrs,
                   .dtypes = any,
                   .differentiable = true});
  }

  const struct {
    const char* name;
    std::vector<std::vector<std::int64_t>> shapes;
    Attrs attrs;
  } concats[] = {
      {"(2, 3) and (2, 4) default axis", {{2, 3}, {2, 4}}, {}},
      {"(2, 3) and (1, 3) axis 0", {{2, 3}, {1, 3}}, {{"axis", 0}}},
      {"three operands (2, 2, 1), (2, 2, 3), (2, 2, 2) axis 2",
       {{2, 2, 1}, {2, 2, 3}, {2, 2, 2}},
       {{"axis", 2}}},
      {"(2, 3, 1) and (2, 1, 1) axis -2",
       {{2, 3, 1}, {2, 1, 1}},
       {{"axis", -2}}},
      {"a single operand (2, 3)", {{2, 3}}, {{"axis", -1}}},
      {"rank 1 (2,) and (3,)", {{2}, {3}}, {{"axis", 0}}},
      {"zero-size (2, 3) and (0, 3) axis 0", {{2, 3}, {0, 3}}, {{"axis", 0}}},
      {"odd (65, 127) and (65, 1000)", {{65, 127}, {65, 1000}}, {}},
      {"(257, 63), (1, 63), (64, 63) axis 0",
       {{257, 63}, {1, 63}, {64, 63}},
       {{"axis", 0}}},
  };
  for (const auto& c : concats) {
    std::vector<InputSpec> inputs;
    for (const auto& s : c.shapes) inputs.push_back(in(s, -4, 4));
    out.push_back({.op = "concatenate",
                   .name = c.name,
                   .inputs = inputs,
                   .attrs = c.attrs,
                   .dtypes = any,
                   .differentiable = true});
  }
  out.push_back(
      {.op = "concatenate",
       .name = "transpose(x (127, 65)) and (65, 257) axis -1",
       .inputs = {transposed(in({127, 65}, -4, 4)), in({65, 257}, -4, 4)},
       .dtypes = any,
       .differentiable = true});

  add_shaped(out, "expand_dims",
             {
                 {"(2, 3) default axis", {2, 3}, {}},
                 {"(2, 3) axis 0", {2, 3}, {{"axis", 0}}},
                 {"(2, 3) axis 1", {2, 3}, {{"axis", 1}}},
                 {"(2, 3) axis -3", {2, 3}, {{"axis", -3}}},
                 {"scalar () axis 0", {}, {{"axis", 0}}},
                 {"zero-size (0, 3) axis 1", {0, 3}, {{"axis", 1}}},
                 {"odd (257, 255) axis 1", {257, 255}, {{"axis", 1}}},
             });
  add_shaped(out, "squeeze",
             {
                 {"(2, 1, 3) axis 1", {2, 1, 3}, {{"axis", 1}}},
                 {"(1, 3) axis 0", {1, 3}, {{"axis", 0}}},
                 {"(3, 1) axis -1", {3, 1}, {{"axis", -1}}},
                 {"(1,) to scalar", {1}, {{"axis", 0}}},
                 {"zero-size (0, 1) axis 1", {0, 1}, {{"axis", 1}}},
                 {"odd (257, 1, 255) axis 1", {257, 1, 255}, {{"axis", 1}}},
             });
  add_shaped(out, "flatten",
             {
                 {"(2, 3, 4)", {2, 3, 4}, {}},
                 {"rank 1 (5,)", {5}, {}},
                 {"scalar ()", {}, {}},
                 {"zero-size (0, 3)", {0, 3}, {}},
                 {"odd (7, 129, 65)", {7, 129, 65}, {}},
             });
  add_shaped(out, "batch_flatten",
             {
                 {"(2, 3, 4)", {2, 3, 4}, {}},
                 {"(2, 3, 2, 2)", {2, 3, 2, 2}, {}},
                 {"rank 1 (3,)", {3}, {}},
                 {"zero batch (0, 3, 2)", {0, 3, 2}, {}},
                 {"zero-size features (2, 0, 3)", {2, 0, 3}, {}},
                 {"odd (7, 63, 5, 65)", {7, 63, 5, 65}, {}},
             });

  // one_hot: indices -1 and num_classes are out of range (rows of zeros).
  const struct {
    const char* name;
    std::vector<std::int64_t> shape;
    std::int64_t classes;
  } one_hots[] = {
      {"(6,) with 4 classes, indices -1..4", {6}, 4},
      {"(2, 3) with 3 classes", {2, 3}, 3},
      {"scalar () with 5 classes", {}, 5},
      {"zero-size (0,) with 3 classes", {0}, 3},
      {"(3,) with 0 classes", {3}, 0},
      {"(257,) with 1000 classes", {257}, 1000},
      {"(65, 7) with 127 classes", {65, 7}, 127},
  };
  for (const auto& o : one_hots) {
    out.push_back({.op = "one_hot",
                   .name = o.name,
                   .inputs = {in(o.shape, -1, static_cast<double>(o.classes),
                                 Fill::kIntegers)},
                   .attrs = {{"num_classes", o.classes}},
                   .dtypes = index_dtypes()});
  }

  // gather: indices of both index dtypes, in range, repeated.
  const struct {
    const char* name;
    std::vector<std::int64_t> reference, indices;
    DLDataType index_dtype;
  } gathers[] = {
      {"(5, 3) by int32 indices (4,)", {5, 3}, {4}, dtype::int32},
      {"(5, 3) by int64 indices (2, 3)", {5, 3}, {2, 3}, dtype::int64},
      {"rank 1 (5,) by int32 scalar index ()", {5}, {}, dtype::int32},
      {"(4, 2) by int64 zero-size indices (0,)", {4, 2}, {0}, dtype::int64},
      {"repeated indices (8,) of (3, 2, 2), int32",
       {3, 2, 2},
       {8},
       dtype::int32},
      {"(1000, 65) by int64 indices (257,)", {1000, 65}, {257}, dtype::int64},
      {"(257, 7, 9) by int32 indices (7, 65)",
       {257, 7, 9},
       {7, 65},
       dtype::int32},
  };
  for (const auto& g : gathers) {
    const double last = static_cast<double>(g.reference[0] - 1);
    out.push_back({.op = "gather",
                   .name = g.name,
                   .inputs = {in(g.reference, -4, 4),
                              fixed(g.indices, g.index_dtype, 0, last)},
                   .dtypes = any,
                   .differentiable = true,
                   .grad_inputs = {0}});
  }
}

}  // namespace tensorplug::conformance::cases
