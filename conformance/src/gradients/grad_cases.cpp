// The table of gradient cases: every op docs/ops.md calls differentiable,
// with small shapes (each element costs two evaluations of the loss).
#include "gradients/grad_cases.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace tensorplug::conformance {

ValueGenerator uniform(double lo, double hi) {
  return [lo, hi](std::mt19937_64& rng, std::size_t n) {
    std::uniform_real_distribution<double> d(lo, hi);
    std::vector<double> v(n);
    for (double& x : v) x = d(rng);
    return v;
  };
}

ValueGenerator signed_magnitude(double lo, double hi) {
  return [lo, hi](std::mt19937_64& rng, std::size_t n) {
    std::uniform_real_distribution<double> d(lo, hi);
    std::bernoulli_distribution sign(0.5);
    std::vector<double> v(n);
    for (double& x : v) x = sign(rng) ? d(rng) : -d(rng);
    return v;
  };
}

ValueGenerator distinct(double lo, double hi, int parity) {
  return [lo, hi, parity](std::mt19937_64& rng, std::size_t n) {
    // A grid of 2n points (parity 0/1 takes every other one), jittered by
    // at most a quarter of the spacing, then shuffled.
    const std::size_t points = parity < 0 ? n : 2 * n;
    const double spacing = (hi - lo) / static_cast<double>(points);
    std::uniform_real_distribution<double> jitter(-spacing / 4, spacing / 4);
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t k = parity < 0 ? i : 2 * i + parity;
      v[i] = lo + (static_cast<double>(k) + 0.5) * spacing + jitter(rng);
    }
    std::shuffle(v.begin(), v.end(), rng);
    return v;
  };
}

ValueGenerator uniform_avoiding(double lo, double hi,
                                std::vector<double> points, double margin) {
  return [lo, hi, points = std::move(points), margin](std::mt19937_64& rng,
                                                      std::size_t n) {
    std::uniform_real_distribution<double> d(lo, hi);
    std::vector<double> v(n);
    for (double& x : v) {
      do {
        x = d(rng);
      } while (std::any_of(points.begin(), points.end(),
                           [&](double p) { return std::abs(x - p) < margin; }));
    }
    return v;
  };
}

ValueGenerator integers(std::int64_t count) {
  return [count](std::mt19937_64& rng, std::size_t n) {
    std::uniform_int_distribution<std::int64_t> d(0, count - 1);
    std::vector<double> v(n);
    for (double& x : v) x = static_cast<double>(d(rng));
    return v;
  };
}

namespace {

using Shape = std::vector<std::int64_t>;

GradOperand operand(std::string name, Shape shape, ValueGenerator values) {
  return {std::move(name), std::move(shape), std::move(values), true, false};
}
GradOperand fed(std::string name, Shape shape, ValueGenerator values) {
  return {std::move(name), std::move(shape), std::move(values), false, false};
}
GradOperand indices(std::string name, Shape shape, std::int64_t count) {
  return {std::move(name), std::move(shape), integers(count), false, true};
}

GradCase unary(std::string op, Shape shape, ValueGenerator values,
               Attrs attrs = {}, std::string label = {}) {
  return {std::move(op),
          std::move(label),
          {operand("x", std::move(shape), std::move(values))},
          std::move(attrs)};
}

std::vector<GradCase> make_cases() {
  const auto u = uniform(-1, 1);
  std::vector<GradCase> c;
  // Elementwise binary ops, broadcasting (3,) against (2, 3): the gradient
  // of y is summed back to its shape.
  for (const char* op : {"add", "subtract", "multiply"}) {
    c.push_back({op, "", {operand("x", {2, 3}, u), operand("y", {2, 3}, u)}});
    c.push_back(
        {op, "broadcast", {operand("x", {2, 3}, u), operand("y", {3}, u)}});
  }
  c.push_back({"divide",
               "",
               {operand("x", {2, 3}, u),
                operand("y", {2, 3}, signed_magnitude(0.5, 1.5))}});
  c.push_back({"divide",
               "broadcast",
               {operand("x", {2, 3}, u),
                operand("y", {3}, signed_magnitude(0.5, 1.5))}});
  c.push_back({"pow",
               "",
               {operand("x", {2, 3}, uniform(0.5, 1.5)),
                operand("a", {3}, uniform(0.5, 2.0))}});
  for (const char* op : {"maximum", "minimum"}) {
    c.push_back({op,
                 "",
                 {operand("x", {2, 3}, distinct(-1, 1, 0)),
                  operand("y", {2, 3}, distinct(-1, 1, 1))}});
  }
  c.push_back(unary("negative", {2, 3}, u));
  c.push_back(unary("abs", {2, 3}, signed_magnitude(0.1, 1)));
  c.push_back(unary("square", {2, 3}, u));
  c.push_back(unary("sqrt", {2, 3}, uniform(0.5, 2)));
  c.push_back(unary("exp", {2, 3}, u));
  c.push_back(unary("log", {2, 3}, uniform(0.5, 2)));
  c.push_back(unary("clip", {2, 4}, uniform_avoiding(-1, 1, {-0.5, 0.5}, 0.05),
                    {{"min_value", -0.5}, {"max_value", 0.5}},
                    "min_value=-0.5, max_value=0.5"));
  // Activations.
  c.push_back(unary("relu", {2, 3}, signed_magnitude(0.1, 1)));
  c.push_back(unary("relu", {2, 4},
                    uniform_avoiding(-1, 1, {-0.2, 0.0, 0.5}, 0.05),
                    {{"alpha", 0.1}, {"max_value", 0.5}, {"threshold", -0.2}},
                    "alpha=0.1, max_value=0.5, threshold=-0.2"));
  c.push_back(unary("sigmoid", {2, 3}, uniform(-2, 2)));
  c.push_back(unary("tanh", {2, 3}, uniform(-2, 2)));
  c.push_back(unary("softplus", {2, 3}, uniform(-2, 2)));
  c.push_back(unary("elu", {2, 3}, signed_magnitude(0.1, 1)));
  c.push_back(unary("softmax", {2, 3}, uniform(-2, 2)));
  c.push_back(
      unary("softmax", {2, 3}, uniform(-2, 2), {{"axis", 0}}, "axis=0"));
  // Odd sizes past 64 along the softmax axis (a blocked or vectorised
  // kernel's tail).
  c.push_back(unary("softmax", {2, 67}, uniform(-2, 2), {{"axis", -1}},
                    "odd, axis=-1"));
  // Linear algebra.
  c.push_back({"dot", "", {operand("x", {2, 3}, u), operand("y", {3, 4}, u)}});
  c.push_back({"batch_dot",
               "",
               {operand("x", {2, 3, 4}, u), operand("y", {2, 4, 2}, u)}});
  // Larger, odd shapes: a contraction of 65 (past a 64-wide block) and odd
  // outer sizes; every element still costs two loss evaluations.
  c.push_back({"dot",
               "odd, K = 65",
               {operand("x", {3, 65}, u), operand("y", {65, 2}, u)}});
  c.push_back({"batch_dot",
               "odd, K = 65",
               {operand("x", {2, 5, 65}, u), operand("y", {2, 65, 3}, u)}});
  c.push_back({"batch_dot",
               "axes=1",
               {operand("x", {3, 4}, u), operand("y", {3, 4}, u)},
               {{"axes", 1}}});
  c.push_back(unary("transpose", {2, 3}, u));
  c.push_back(unary("permute_dimensions", {2, 3, 4}, u,
                    {{"pattern", Ints{2, 0, 1}}}, "pattern (2, 0, 1)"));
  // Reductions (max/min: distinct values, so there is one extreme).
  c.push_back(unary("sum", {2, 3}, u));
  c.push_back(unary("sum", {2, 3, 2}, u, {{"axis", 1}, {"keepdims", true}},
                    "axis=1, keepdims"));
  c.push_back(unary("mean", {2, 3}, u));
  c.push_back(unary("mean", {2, 3}, u, {{"axis", Ints{0}}}, "axis=(0,)"));
  c.push_back(unary("max", {3, 4}, distinct(-1, 1), {{"axis", 1}}, "axis=1"));
  c.push_back(unary("min", {3, 4}, distinct(-1, 1), {{"axis", 0}}, "axis=0"));
  c.push_back(unary("max", {2, 3}, distinct(-1, 1)));
  // Long, odd reduction axes.
  c.push_back(unary("sum", {3, 129}, u, {{"axis", 1}}, "odd, axis=1"));
  c.push_back(unary("mean", {67, 3}, u, {{"axis", 0}}, "odd, axis=0"));
  c.push_back(
      unary("max", {3, 67}, distinct(-1, 1), {{"axis", -1}}, "odd, axis=-1"));
  // Shape ops.
  c.push_back(
      unary("reshape", {2, 3}, u, {{"shape", Ints{3, -1}}}, "to (3, -1)"));
  c.push_back({"concatenate",
               "axis=-1",
               {operand("x", {2, 2}, u), operand("y", {2, 3}, u)}});
  c.push_back({"concatenate",
               "axis=0",
               {operand("x", {1, 3}, u), operand("y", {2, 3}, u)},
               {{"axis", 0}}});
  c.push_back(unary("expand_dims", {2, 3}, u, {{"axis", 1}}, "axis=1"));
  c.push_back(unary("squeeze", {2, 1, 3}, u, {{"axis", 1}}, "axis=1"));
  c.push_back(unary("flatten", {2, 3}, u));
  c.push_back(unary("batch_flatten", {2, 2, 3}, u));
  c.push_back(
      {"gather",
       "",
       {operand("reference", {4, 3}, u), indices("indices", {2, 3}, 4)}});
  // Neural-network ops.
  c.push_back({"bias_add",
               "channels_last",
               {operand("x", {2, 3, 4}, u), operand("bias", {4}, u)},
               {{"data_format", "channels_last"}}});
  c.push_back({"bias_add",
               "channels_first",
               {operand("x", {2, 3, 2, 2}, u), operand("bias", {3}, u)},
               {{"data_format", "channels_first"}}});
  c.push_back({"bias_add",
               "odd channels_last (3, 65) + (65,)",
               {operand("x", {3, 65}, u), operand("bias", {65}, u)},
               {{"data_format", "channels_last"}}});
  c.push_back({"bias_add",
               "odd channels_first (2, 65, 3)",
               {operand("x", {2, 65, 3}, u), operand("bias", {65}, u)},
               {{"data_format", "channels_first"}}});
  c.push_back(
      {"conv2d",
       "odd, same, strides (2, 2)",
       {operand("x", {1, 7, 5, 2}, u), operand("kernel", {3, 3, 2, 3}, u)},
       {{"padding", "same"},
        {"strides", Ints{2, 2}},
        {"data_format", "channels_last"}}});
  c.push_back(
      {"conv2d",
       "odd channels_first, valid, strides (1, 2)",
       {operand("x", {1, 3, 7, 9}, u), operand("kernel", {3, 2, 3, 2}, u)},
       {{"padding", "valid"},
        {"strides", Ints{1, 2}},
        {"data_format", "channels_first"}}});
  c.push_back(
      {"conv2d",
       "valid",
       {operand("x", {1, 4, 4, 2}, u), operand("kernel", {2, 2, 2, 3}, u)},
       {{"padding", "valid"}, {"data_format", "channels_last"}}});
  c.push_back(
      {"conv2d",
       "same, strides (2, 2)",
       {operand("x", {1, 5, 5, 1}, u), operand("kernel", {3, 3, 1, 2}, u)},
       {{"padding", "same"},
        {"strides", Ints{2, 2}},
        {"data_format", "channels_last"}}});
  c.push_back(
      {"conv2d",
       "channels_first, dilation (2, 2)",
       {operand("x", {1, 2, 5, 5}, u), operand("kernel", {2, 2, 2, 1}, u)},
       {{"dilation_rate", Ints{2, 2}}, {"data_format", "channels_first"}}});
  for (const char* mode : {"max", "avg"}) {
    c.push_back(unary("pool2d", {1, 4, 4, 2}, distinct(-1, 1),
                      {{"pool_size", Ints{2, 2}},
                       {"strides", Ints{2, 2}},
                       {"pool_mode", mode},
                       {"data_format", "channels_last"}},
                      std::string(mode) + ", pool (2, 2), strides (2, 2)"));
  }
  c.push_back(unary("pool2d", {1, 3, 3, 1}, distinct(-1, 1),
                    {{"pool_size", Ints{2, 2}},
                     {"padding", "same"},
                     {"pool_mode", "avg"},
                     {"data_format", "channels_last"}},
                    "avg, same, pool (2, 2)"));
  c.push_back(unary("pool2d", {1, 7, 9, 2}, distinct(-1, 1),
                    {{"pool_size", Ints{3, 3}},
                     {"strides", Ints{2, 2}},
                     {"padding", "same"},
                     {"pool_mode", "avg"},
                     {"data_format", "channels_last"}},
                    "odd, avg, same, pool (3, 3), strides (2, 2)"));
  c.push_back({"categorical_crossentropy",
               "",
               {fed("target", {2, 3}, uniform(0, 1)),
                operand("output", {2, 3}, uniform(0.1, 1))}});
  c.push_back({"categorical_crossentropy",
               "from_logits",
               {fed("target", {2, 3}, uniform(0, 1)),
                operand("output", {2, 3}, uniform(-2, 2))},
               {{"from_logits", true}}});
  // sparse targets may be float class indices (docs/ops.md).
  c.push_back({"sparse_categorical_crossentropy",
               "",
               {fed("target", {2}, integers(3)),
                operand("output", {2, 3}, uniform(0.1, 1))}});
  c.push_back({"sparse_categorical_crossentropy",
               "from_logits",
               {fed("target", {2}, integers(3)),
                operand("output", {2, 3}, uniform(-2, 2))},
               {{"from_logits", true}}});
  c.push_back({"binary_crossentropy",
               "",
               {fed("target", {2, 3}, uniform(0, 1)),
                operand("output", {2, 3}, uniform(0.1, 0.9))}});
  c.push_back({"binary_crossentropy",
               "from_logits",
               {fed("target", {2, 3}, uniform(0, 1)),
                operand("output", {2, 3}, uniform(-2, 2))},
               {{"from_logits", true}}});
  return c;
}

}  // namespace

const std::vector<GradCase>& gradient_cases() {
  static const std::vector<GradCase> cases = make_cases();
  return cases;
}

}  // namespace tensorplug::conformance
