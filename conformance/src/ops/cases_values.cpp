// Cases of the value ops: constant, zeros, ones, random_uniform,
// random_normal, cast, and stop_gradient's forward value.
#include "ops/case_builders.hpp"

namespace tensorplug::conformance::cases {

void add_value_cases(std::vector<OpCase>& out) {
  const auto& any = any_dtypes();
  const auto& floats = float_dtypes();

  // constant: a number converted to the dtype under test, a tensor value
  // keeping its own dtype, filled or reshaped to `shape`.
  out.push_back({.op = "constant",
                 .name = "number -2.5 as dtype",
                 .attrs = {{"value", -2.5}},
                 .dtypes = any,
                 .dtype_attr = "dtype"});
  out.push_back({.op = "constant",
                 .name = "number 1.5 filled to shape (2, 3)",
                 .attrs = {{"value", 1.5}, {"shape", Ints{2, 3}}},
                 .dtypes = any,
                 .dtype_attr = "dtype"});
  out.push_back({.op = "constant",
                 .name = "number 3 without dtype is floatx",
                 .attrs = {{"value", 3.0}},
                 .dtypes = {dtype::float32}});
  {
    InputSpec value = in({2, 3}, -4, 4);
    value.attr = "value";
    out.push_back({.op = "constant",
                   .name = "tensor (2, 3) keeps its dtype",
                   .inputs = {value},
                   .dtypes = any});
    out.push_back({.op = "constant",
                   .name = "tensor (2, 3) reshaped to (3, 2)",
                   .inputs = {value},
                   .attrs = {{"shape", Ints{3, 2}}},
                   .dtypes = any});
    InputSpec one = in({1}, -4, 4);
    one.attr = "value";
    out.push_back({.op = "constant",
                   .name = "tensor (1,) filled to (2, 2)",
                   .inputs = {one},
                   .attrs = {{"shape", Ints{2, 2}}},
                   .dtypes = any});
    InputSpec empty = in({0, 3});
    empty.attr = "value";
    out.push_back({.op = "constant",
                   .name = "tensor (0, 3)",
                   .inputs = {empty},
                   .dtypes = any});
    InputSpec large = in({257, 255}, -4, 4);
    large.attr = "value";
    out.push_back({.op = "constant",
                   .name = "tensor (257, 255) reshaped to (255, 257)",
                   .inputs = {large},
                   .attrs = {{"shape", Ints{255, 257}}},
                   .dtypes = any});
  }

  for (const char* op : {"zeros", "ones"}) {
    out.push_back({.op = op,
                   .name = "shape (2, 3)",
                   .attrs = {{"shape", Ints{2, 3}}},
                   .dtypes = any,
                   .dtype_attr = "dtype"});
    out.push_back({.op = op,
                   .name = "scalar shape ()",
                   .attrs = {{"shape", Ints{}}},
                   .dtypes = any,
                   .dtype_attr = "dtype"});
    out.push_back({.op = op,
                   .name = "zero-size shape (0, 3)",
                   .attrs = {{"shape", Ints{0, 3}}},
                   .dtypes = any,
                   .dtype_attr = "dtype"});
    out.push_back({.op = op,
                   .name = "shape (257, 257) (64K+ elements)",
                   .attrs = {{"shape", Ints{257, 257}}},
                   .dtypes = any,
                   .dtype_attr = "dtype"});
    out.push_back({.op = op,
                   .name = "no dtype is floatx, shape (4,)",
                   .attrs = {{"shape", Ints{4}}},
                   .dtypes = {dtype::float32}});
  }

  // Random ops cannot be compared elementwise: statistics on 10 000
  // samples, bounds and seeded repeatability (ops/random_checks.cpp).
  out.push_back({.op = "random_uniform",
                 .name = "10000 samples in [-2, 3), seed 1234",
                 .attrs = {{"shape", Ints{100, 100}},
                           {"minval", -2.0},
                           {"maxval", 3.0},
                           {"seed", 1234}},
                 .dtypes = floats,
                 .dtype_attr = "dtype",
                 .check = Check::kUniformSamples});
  out.push_back({.op = "random_uniform",
                 .name = "zero-size shape (0, 3)",
                 .attrs = {{"shape", Ints{0, 3}}, {"seed", 5}},
                 .dtypes = floats,
                 .dtype_attr = "dtype"});
  out.push_back({.op = "random_normal",
                 .name = "10000 samples mean 1.5 stddev 2, seed 99",
                 .attrs = {{"shape", Ints{100, 100}},
                           {"mean", 1.5},
                           {"stddev", 2.0},
                           {"seed", 99}},
                 .dtypes = floats,
                 .dtype_attr = "dtype",
                 .check = Check::kNormalSamples});
  out.push_back({.op = "random_normal",
                 .name = "zero-size shape (0, 3)",
                 .attrs = {{"shape", Ints{0, 3}}, {"seed", 5}},
                 .dtypes = floats,
                 .dtype_attr = "dtype"});

  // cast: every dtype to every dtype. Values in [-4, 4) exercise truncation
  // toward zero, negatives to bool, and float16 rounding.
  for (const auto& to : any) {
    out.push_back({.op = "cast",
                   .name = "(2, 3) to " + dtype_name(to),
                   .inputs = {in({2, 3}, -4, 4)},
                   .attrs = {{"dtype", to}},
                   .dtypes = any,
                   // Finite differences only without rounding in between.
                   .differentiable = same_dtype(to, dtype::float64)});
  }
  // 64K+ elements, odd extents, and a transposed operand.
  for (const auto& to : any) {
    out.push_back({.op = "cast",
                   .name = "(257, 257) to " + dtype_name(to),
                   .inputs = {in({257, 257}, -4, 4)},
                   .attrs = {{"dtype", to}},
                   .dtypes = any});
  }
  out.push_back({.op = "cast",
                 .name = "transpose(x (63, 1041)) to float32",
                 .inputs = {transposed(in({63, 1041}, -4, 4))},
                 .attrs = {{"dtype", dtype::float32}},
                 .dtypes = any});
  out.push_back({.op = "cast",
                 .name = "scalar () to float32",
                 .inputs = {in({}, -4, 4)},
                 .attrs = {{"dtype", dtype::float32}},
                 .dtypes = any});
  out.push_back({.op = "cast",
                 .name = "zero-size (0, 3) to int32",
                 .inputs = {in({0, 3})},
                 .attrs = {{"dtype", dtype::int32}},
                 .dtypes = any});

  out.push_back({.op = "stop_gradient",
                 .name = "(2, 3) is the identity",
                 .inputs = {in({2, 3}, -4, 4)},
                 .dtypes = any});
  out.push_back({.op = "stop_gradient",
                 .name = "transpose(x (257, 255)) is the identity",
                 .inputs = {transposed(in({257, 255}, -4, 4))},
                 .dtypes = any});
  out.push_back({.op = "stop_gradient",
                 .name = "scalar ()",
                 .inputs = {in({}, -4, 4)},
                 .dtypes = any});
}

}  // namespace tensorplug::conformance::cases
