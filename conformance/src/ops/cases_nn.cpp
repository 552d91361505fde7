// Cases of the neural-network ops: bias_add, conv2d, pool2d, the three
// crossentropies and dropout.
#include <string>
#include <variant>

#include "ops/case_builders.hpp"

namespace tensorplug::conformance::cases {

void add_nn_cases(std::vector<OpCase>& out) {
  const auto& floats = float_dtypes();

  const struct {
    const char* name;
    std::vector<std::int64_t> x, bias;
    Attrs attrs;
  } biases[] = {
      {"(2, 3) + (3,)", {2, 3}, {3}, {}},
      {"(2, 4, 4, 3) + (3,) channels_last",
       {2, 4, 4, 3},
       {3},
       {{"data_format", "channels_last"}}},
      {"(2, 3, 4, 4) + (3,) channels_first",
       {2, 3, 4, 4},
       {3},
       {{"data_format", "channels_first"}}},
      {"(2, 4, 3) + Keras layout (4, 3) channels_last",
       {2, 4, 3},
       {4, 3},
       {{"data_format", "channels_last"}}},
      {"(2, 3, 4) + Keras layout (4, 3) channels_first",
       {2, 3, 4},
       {4, 3},
       {{"data_format", "channels_first"}}},
      {"zero-size (0, 3) + (3,)", {0, 3}, {3}, {}},
      // 64K+ elements, odd channel counts, both layouts.
      {"(257, 257) + (257,)", {257, 257}, {257}, {}},
      {"(2, 23, 23, 65) + (65,) channels_last",
       {2, 23, 23, 65},
       {65},
       {{"data_format", "channels_last"}}},
      {"(2, 65, 23, 23) + (65,) channels_first",
       {2, 65, 23, 23},
       {65},
       {{"data_format", "channels_first"}}},
  };
  for (const auto& b : biases) {
    out.push_back({.op = "bias_add",
                   .name = b.name,
                   .inputs = {in(b.x, -2, 2), in(b.bias, -2, 2)},
                   .attrs = b.attrs,
                   .dtypes = floats,
                   .strided_feed = true,
                   .differentiable = true});
  }

  // Elementwise chains long enough to be fused (bias_add -> relu ->
  // multiply -> add, the tail of a dense or conv layer), at 64K+ elements so
  // a threaded kernel splits them, in both layouts.
  const struct {
    const char* name;
    std::vector<std::int64_t> x, bias, scale;
    const char* format;
  } chains[] = {
      {"chain bias_add -> relu -> multiply -> add on (257, 257)",
       {257, 257},
       {257},
       {257, 257},
       "channels_last"},
      {"chain bias_add -> relu -> multiply (65,) -> add channels_last (2, 23, "
       "23, 65)",
       {2, 23, 23, 65},
       {65},
       {65},
       "channels_last"},
      {"chain bias_add -> relu -> multiply -> add channels_first (2, 65, 23, "
       "23)",
       {2, 65, 23, 23},
       {65},
       {2, 65, 23, 23},
       "channels_first"},
  };
  for (const auto& ch : chains) {
    out.push_back(
        {.op = "bias_add",
         .name = ch.name,
         .inputs = {in(ch.x, -2, 2), in(ch.bias, -2, 2), in(ch.scale, -2, 2),
                    in(ch.x, -2, 2)},
         .attrs = {{"data_format", ch.format}},
         .dtypes = floats,
         .chain = {{"relu", {}, -1}, {"multiply", {}, 2}, {"add", {}, 3}}});
  }

  // conv2d: the base tolerance plus the reordered-sum bound of K = kh * kw
  // * input channels products per output (the kernel's first three axes).
  const struct {
    const char* name;
    std::vector<std::int64_t> x, kernel;
    Attrs attrs;
  } convs[] = {
      {"(1, 5, 5, 2) * (3, 3, 2, 4) valid", {1, 5, 5, 2}, {3, 3, 2, 4}, {}},
      {"(2, 6, 5, 3) * (3, 3, 3, 2) same, strides 2",
       {2, 6, 5, 3},
       {3, 3, 3, 2},
       {{"padding", "same"}, {"strides", Ints{2, 2}}}},
      {"channels_first (1, 2, 5, 5) * (2, 2, 2, 3) same",
       {1, 2, 5, 5},
       {2, 2, 2, 3},
       {{"padding", "same"}, {"data_format", "channels_first"}}},
      {"(1, 7, 7, 1) * (3, 3, 1, 2) valid, dilation 2",
       {1, 7, 7, 1},
       {3, 3, 1, 2},
       {{"padding", "valid"}, {"dilation_rate", Ints{2, 2}}}},
      {"channels_first (1, 2, 8, 7) * (2, 3, 2, 2) strides (2, 1), dilation "
       "(2, 2), same",
       {1, 2, 8, 7},
       {2, 3, 2, 2},
       {{"padding", "same"},
        {"strides", Ints{2, 1}},
        {"dilation_rate", Ints{2, 2}},
        {"data_format", "channels_first"}}},
      {"zero batch (0, 4, 4, 1) * (2, 2, 1, 1)",
       {0, 4, 4, 1},
       {2, 2, 1, 1},
       {}},
      // Threshold cases: odd spatial sizes, strides, both paddings, both
      // layouts, even and odd kernels, channel counts around 64 (where an
      // im2col + GEMM backend blocks).
      {"odd (2, 17, 15, 3) * (3, 3, 3, 8) same",
       {2, 17, 15, 3},
       {3, 3, 3, 8},
       {{"padding", "same"}}},
      {"odd (1, 33, 31, 5) * (5, 3, 5, 7) valid, strides (2, 3)",
       {1, 33, 31, 5},
       {5, 3, 5, 7},
       {{"padding", "valid"}, {"strides", Ints{2, 3}}}},
      {"channels_first odd (2, 3, 17, 15) * (3, 3, 3, 8) same, strides 2",
       {2, 3, 17, 15},
       {3, 3, 3, 8},
       {{"padding", "same"},
        {"strides", Ints{2, 2}},
        {"data_format", "channels_first"}}},
      {"channels_first odd (1, 5, 33, 31) * (4, 4, 5, 7) valid",
       {1, 5, 33, 31},
       {4, 4, 5, 7},
       {{"padding", "valid"}, {"data_format", "channels_first"}}},
      {"even kernel (1, 33, 31, 5) * (4, 2, 5, 7) same, strides (3, 2)",
       {1, 33, 31, 5},
       {4, 2, 5, 7},
       {{"padding", "same"}, {"strides", Ints{3, 2}}}},
      {"large spatial (1, 65, 67, 1) * (7, 7, 1, 3) same",
       {1, 65, 67, 1},
       {7, 7, 1, 3},
       {{"padding", "same"}}},
      {"1x1 (2, 9, 9, 64) * (1, 1, 64, 65) valid",
       {2, 9, 9, 64},
       {1, 1, 64, 65},
       {{"padding", "valid"}}},
      {"channels_first (1, 65, 9, 7) * (3, 3, 65, 63) same, K = 585",
       {1, 65, 9, 7},
       {3, 3, 65, 63},
       {{"padding", "same"}, {"data_format", "channels_first"}}},
  };
  for (const auto& c : convs) {
    out.push_back({.op = "conv2d",
                   .name = c.name,
                   .inputs = {in(c.x), in(c.kernel)},
                   .attrs = c.attrs,
                   .dtypes = floats,
                   .terms = c.kernel[0] * c.kernel[1] * c.kernel[2],
                   .strided_feed = true,
                   .differentiable = true});
  }

  // Distinct values: one maximum per window (defined gradients).
  const struct {
    const char* name;
    std::vector<std::int64_t> x;
    Attrs attrs;
  } pools[] = {
      {"max (1, 4, 4, 2) pool (2, 2) strides (2, 2)",
       {1, 4, 4, 2},
       {{"pool_size", Ints{2, 2}}, {"strides", Ints{2, 2}}}},
      {"avg (2, 5, 5, 3) pool (3, 3) strides (2, 2) same",
       {2, 5, 5, 3},
       {{"pool_size", Ints{3, 3}},
        {"strides", Ints{2, 2}},
        {"padding", "same"},
        {"pool_mode", "avg"}}},
      {"max channels_first (1, 2, 5, 4) pool (2, 3) strides (1, 2) same",
       {1, 2, 5, 4},
       {{"pool_size", Ints{2, 3}},
        {"strides", Ints{1, 2}},
        {"padding", "same"},
        {"data_format", "channels_first"},
        {"pool_mode", "max"}}},
      {"avg channels_first (2, 3, 4, 4) pool (2, 2) default strides",
       {2, 3, 4, 4},
       {{"pool_size", Ints{2, 2}},
        {"data_format", "channels_first"},
        {"pool_mode", "avg"}}},
      {"max zero batch (0, 4, 4, 1) pool (2, 2)",
       {0, 4, 4, 1},
       {{"pool_size", Ints{2, 2}}}},
      // Threshold cases: odd spatial sizes, strides, both paddings and
      // layouts, 64K+ elements.
      {"max odd (2, 17, 15, 3) pool (3, 3) strides (2, 2) valid",
       {2, 17, 15, 3},
       {{"pool_size", Ints{3, 3}}, {"strides", Ints{2, 2}}}},
      {"avg odd (2, 17, 15, 3) pool (3, 3) strides (2, 2) same",
       {2, 17, 15, 3},
       {{"pool_size", Ints{3, 3}},
        {"strides", Ints{2, 2}},
        {"padding", "same"},
        {"pool_mode", "avg"}}},
      {"max channels_first odd (1, 5, 33, 31) pool (2, 2) same",
       {1, 5, 33, 31},
       {{"pool_size", Ints{2, 2}},
        {"padding", "same"},
        {"data_format", "channels_first"}}},
      {"avg channels_first odd (1, 5, 33, 31) pool (3, 2) strides (3, 1) "
       "valid",
       {1, 5, 33, 31},
       {{"pool_size", Ints{3, 2}},
        {"strides", Ints{3, 1}},
        {"data_format", "channels_first"},
        {"pool_mode", "avg"}}},
      {"avg (1, 65, 67, 16) pool (2, 2) same (64K+ elements)",
       {1, 65, 67, 16},
       {{"pool_size", Ints{2, 2}}, {"padding", "same"}, {"pool_mode", "avg"}}},
      {"max channels_first (1, 16, 65, 67) pool (3, 3) strides (1, 1) same",
       {1, 16, 65, 67},
       {{"pool_size", Ints{3, 3}},
        {"strides", Ints{1, 1}},
        {"padding", "same"},
        {"data_format", "channels_first"}}},
  };
  for (const auto& p : pools) {
    // Average pooling sums a window: the reordered-sum bound of its size.
    std::int64_t window = 0;
    for (const auto& a : p.attrs) {
      if (a.name == "pool_mode" && std::get<std::string>(a.value) == "avg") {
        for (const auto& b : p.attrs) {
          if (b.name == "pool_size") {
            const auto& size = std::get<Ints>(b.value);
            window = size[0] * size[1];
          }
        }
      }
    }
    out.push_back({.op = "pool2d",
                   .name = p.name,
                   .inputs = {in(p.x, -4, 4, Fill::kDistinct)},
                   .attrs = p.attrs,
                   .dtypes = floats,
                   .terms = window,
                   .differentiable = true});
  }

  // Crossentropies chain log, exp and sums: ten times the base tolerance.
  // Gradients only w.r.t. `output` (operand 1).
  const InputSpec probs = in({}, 0.05, 1, Fill::kProbabilities);
  const auto with_shape = [](InputSpec s, std::vector<std::int64_t> shape) {
    s.shape = std::move(shape);
    return s;
  };
  const auto crossentropy = [&](std::string op, std::string name,
                                InputSpec target, InputSpec output,
                                Attrs attrs) {
    out.push_back({.op = std::move(op),
                   .name = std::move(name),
                   .inputs = {std::move(target), std::move(output)},
                   .attrs = std::move(attrs),
                   .dtypes = floats,
                   .tol_scale = 10,
                   .differentiable = true,
                   .grad_inputs = {1}});
  };
  const struct {
    const char* name;
    std::vector<std::int64_t> shape;
    bool logits;
    Attrs attrs;
  } categoricals[] = {
      {"probabilities (4, 5)", {4, 5}, false, {}},
      {"from_logits (4, 5)", {4, 5}, true, {{"from_logits", true}}},
      {"unnormalised output (3, 4, 3)", {3, 4, 3}, false, {}},
      {"from_logits axis 0 (5, 3)",
       {5, 3},
       true,
       {{"from_logits", true}, {"axis", 0}}},
      {"zero-size (0, 3)", {0, 3}, false, {}},
      {"1000 classes (63, 1000)", {63, 1000}, false, {}},
      {"from_logits 1000 classes (63, 1000)",
       {63, 1000},
       true,
       {{"from_logits", true}}},
      {"from_logits axis 0 (1000, 7)",
       {1000, 7},
       true,
       {{"from_logits", true}, {"axis", 0}}},
  };
  for (const auto& c : categoricals) {
    const InputSpec output =
        c.logits ? in(c.shape, -3, 3) : in(c.shape, 0.05, 1);
    crossentropy("categorical_crossentropy", c.name, with_shape(probs, c.shape),
                 output, c.attrs);
  }

  const struct {
    const char* name;
    std::vector<std::int64_t> target, output;
    std::optional<DLDataType> target_dtype;  // nullopt: the float dtype
    Attrs attrs;
  } sparses[] = {
      {"(4, 5) int32 targets (4,)", {4}, {4, 5}, dtype::int32, {}},
      {"(4, 5) int64 targets (4,)", {4}, {4, 5}, dtype::int64, {}},
      {"(4, 5) float targets (4,)", {4}, {4, 5}, std::nullopt, {}},
      {"from_logits (3, 4) int32 targets",
       {3},
       {3, 4},
       dtype::int32,
       {{"from_logits", true}}},
      {"(2, 3, 4) targets (2, 3, 1)", {2, 3, 1}, {2, 3, 4}, dtype::int64, {}},
      {"zero-size (0, 3)", {0}, {0, 3}, dtype::int32, {}},
      {"(257, 1000) int64 targets (257,)",
       {257},
       {257, 1000},
       dtype::int64,
       {}},
      {"from_logits (127, 1000) int32 targets",
       {127},
       {127, 1000},
       dtype::int32,
       {{"from_logits", true}}},
  };
  for (const auto& s : sparses) {
    const double classes = static_cast<double>(s.output.back());
    InputSpec target = in(s.target, 0, classes - 1, Fill::kIntegers);
    target.dtype = s.target_dtype;
    const bool logits = !s.attrs.empty();
    crossentropy("sparse_categorical_crossentropy", s.name, target,
                 logits ? in(s.output, -3, 3) : with_shape(probs, s.output),
                 s.attrs);
  }

  const struct {
    const char* name;
    std::vector<std::int64_t> shape;
    bool logits;
  } binaries[] = {
      {"probabilities (3, 4)", {3, 4}, false},
      {"from_logits (3, 4)", {3, 4}, true},
      {"scalar ()", {}, false},
      {"zero-size (0, 3)", {0, 3}, false},
      {"probabilities (257, 257)", {257, 257}, false},
      {"from_logits (65537,)", {65537}, true},
  };
  for (const auto& b : binaries) {
    Attrs attrs;
    if (b.logits) attrs.emplace_back("from_logits", true);
    crossentropy("binary_crossentropy", b.name, in(b.shape, 0, 1),
                 b.logits ? in(b.shape, -4, 4) : in(b.shape, 0.05, 0.95),
                 attrs);
  }

  // dropout: level 0 keeps everything (a deterministic identity, comparable
  // and differentiable); other levels are checked statistically. x in
  // [1, 2) so that a kept element is never 0.
  out.push_back({.op = "dropout",
                 .name = "level 0 is the identity (3, 4)",
                 .inputs = {in({3, 4}, -2, 2)},
                 .attrs = {{"level", 0.0}},
                 .dtypes = floats,
                 .differentiable = true});
  out.push_back({.op = "dropout",
                 .name = "zero-size (0, 3) level 0.5",
                 .inputs = {in({0, 3})},
                 .attrs = {{"level", 0.5}, {"seed", 3}},
                 .dtypes = floats});
  out.push_back({.op = "dropout",
                 .name = "level 0.3 on (100, 100), seed 7",
                 .inputs = {in({100, 100}, 1, 2)},
                 .attrs = {{"level", 0.3}, {"seed", 7}},
                 .dtypes = floats,
                 .unknown_batch = false,
                 .check = Check::kDropoutSamples});
  out.push_back(
      {.op = "dropout",
       .name = "level 0.5 noise_shape (400, 1) on (400, 8), seed 11",
       .inputs = {in({400, 8}, 1, 2)},
       .attrs = {{"level", 0.5}, {"noise_shape", Ints{400, 1}}, {"seed", 11}},
       .dtypes = floats,
       .unknown_batch = false,
       .check = Check::kDropoutSamples});
}

}  // namespace tensorplug::conformance::cases
