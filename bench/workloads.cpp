#include "workloads.hpp"

#include <tensorplug/keras.hpp>

#include <cmath>
#include <random>
#include <span>
#include <utility>

namespace tensorplug::bench {

namespace K = tensorplug::keras;

namespace {

Array array_of(std::vector<std::int64_t> shape, const std::vector<float>& v) {
  return Array::of<float>(std::move(shape), std::span<const float>(v));
}

/// Keras's glorot_uniform limit.
double glorot(std::int64_t fan_in, std::int64_t fan_out) {
  return std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
}

/// One-hot targets, class i % classes for row i shuffled by the seed.
std::vector<float> one_hot(std::int64_t rows, std::int64_t classes,
                           std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> y(static_cast<std::size_t>(rows * classes), 0.0f);
  for (std::int64_t r = 0; r < rows; ++r) {
    y[static_cast<std::size_t>(r * classes + rng() % classes)] = 1.0f;
  }
  return y;
}

using Updates = std::vector<std::pair<Tensor, Tensor>>;

Updates sgd(const Tensor& loss, const std::vector<Tensor>& params, double lr) {
  const auto grads = K::gradients(loss, params);
  Updates updates;
  for (std::size_t i = 0; i < params.size(); ++i) {
    updates.emplace_back(params[i], params[i] - grads[i] * lr);
  }
  return updates;
}

}  // namespace

Sizes Sizes::smoke() {
  Sizes s;
  s.gemm = {32, 64};
  s.mlp_batch = 8;
  s.mlp_in = 64;
  s.mlp_hidden = 32;
  s.cnn_batch = 8;
  s.cnn_filters = 4;
  return s;
}

std::vector<float> uniform(std::size_t n, double limit, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> v(n);
  for (auto& x : v) {
    const double u = static_cast<double>(rng() >> 8) / 16777216.0;
    x = static_cast<float>((2.0 * u - 1.0) * limit);
  }
  return v;
}

// ----- GEMM ---------------------------------------------------------------

Array GemmData::a_array() const { return array_of({n, n}, a); }
Array GemmData::b_array() const { return array_of({n, n}, b); }

GemmData make_gemm_data(std::int64_t n, std::uint32_t seed) {
  GemmData d;
  d.n = n;
  const auto count = static_cast<std::size_t>(n * n);
  d.a = uniform(count, 1.0, seed);
  d.b = uniform(count, 1.0, seed + 1000);
  return d;
}

Function build_gemm(const Backend& b, std::int64_t n) {
  const Tensor x = b.placeholder({n, n}, dtype::float32, "a");
  const Tensor y = b.placeholder({n, n}, dtype::float32, "b");
  return b.function({x, y}, {K::dot(x, y)}, {}, "gemm");
}

// ----- MLP ----------------------------------------------------------------

Array MlpData::x_array() const { return array_of({batch, in}, x); }
Array MlpData::y_array() const { return array_of({batch, classes}, y); }

MlpData make_mlp_data(const Sizes& s, std::uint32_t seed) {
  MlpData d;
  d.batch = s.mlp_batch;
  d.in = s.mlp_in;
  d.hidden = s.mlp_hidden;
  d.classes = s.classes;
  d.learning_rate = s.learning_rate;
  d.w1 = uniform(static_cast<std::size_t>(d.in * d.hidden),
                 glorot(d.in, d.hidden), seed);
  // Small non-zero biases, so that their gradients and updates matter in
  // the correctness check.
  d.b1 = uniform(static_cast<std::size_t>(d.hidden), 0.1, seed + 1);
  d.w2 = uniform(static_cast<std::size_t>(d.hidden * d.classes),
                 glorot(d.hidden, d.classes), seed + 2);
  d.b2 = uniform(static_cast<std::size_t>(d.classes), 0.1, seed + 3);
  // Pixel-like inputs in [0, 1).
  d.x = uniform(static_cast<std::size_t>(d.batch * d.in), 0.5, seed + 4);
  for (auto& v : d.x) v += 0.5f;
  d.y = one_hot(d.batch, d.classes, seed + 5);
  return d;
}

MlpModel build_mlp(const Backend& b, const MlpData& d) {
  MlpModel m;
  const Tensor w1 = b.variable(array_of({d.in, d.hidden}, d.w1), "w1");
  const Tensor b1 = b.variable(array_of({d.hidden}, d.b1), "b1");
  const Tensor w2 = b.variable(array_of({d.hidden, d.classes}, d.w2), "w2");
  const Tensor b2 = b.variable(array_of({d.classes}, d.b2), "b2");
  m.variables = {w1, b1, w2, b2};
  const Tensor x = b.placeholder({-1, d.in}, dtype::float32, "x");
  const Tensor y = b.placeholder({-1, d.classes}, dtype::float32, "y");
  const Tensor h = K::relu(K::dot(x, w1) + b1);
  const Tensor probabilities = K::softmax(K::dot(h, w2) + b2);
  const Tensor loss = K::mean(K::categorical_crossentropy(y, probabilities));
  m.step = b.function({x, y}, {loss}, sgd(loss, m.variables, d.learning_rate),
                      "mlp_step");
  m.forward = b.function({x}, {probabilities}, {}, "mlp_forward");
  return m;
}

// ----- CNN ----------------------------------------------------------------

Array CnnData::x_array(const std::string& format) const {
  if (format == "channels_first") return array_of({batch, 1, side, side}, x);
  return array_of({batch, side, side, 1}, x);
}
Array CnnData::y_array() const { return array_of({batch, classes}, y); }

CnnData make_cnn_data(const Sizes& s, std::uint32_t seed) {
  CnnData d;
  d.batch = s.cnn_batch;
  d.side = s.cnn_side;
  d.filters = s.cnn_filters;
  d.classes = s.classes;
  d.learning_rate = s.learning_rate;
  d.kernel = uniform(static_cast<std::size_t>(9 * d.filters),
                     glorot(9, 9 * d.filters), seed);
  d.conv_bias = uniform(static_cast<std::size_t>(d.filters), 0.1, seed + 1);
  d.dense = uniform(static_cast<std::size_t>(d.features() * d.classes),
                    glorot(d.features(), d.classes), seed + 2);
  d.dense_bias = uniform(static_cast<std::size_t>(d.classes), 0.1, seed + 3);
  d.x = uniform(static_cast<std::size_t>(d.batch * d.side * d.side), 0.5,
                seed + 4);
  for (auto& v : d.x) v += 0.5f;
  d.y = one_hot(d.batch, d.classes, seed + 5);
  return d;
}

CnnModel build_cnn(const Backend& b, const CnnData& d) {
  CnnModel m;
  const bool first =
      b.settings().image_data_format.value == ImageDataFormat::kChannelsFirst;
  m.format = first ? "channels_first" : "channels_last";
  const Tensor kernel =
      b.variable(array_of({3, 3, 1, d.filters}, d.kernel), "conv/kernel");
  const Tensor conv_bias =
      b.variable(array_of({d.filters}, d.conv_bias), "conv/bias");
  const Tensor dense =
      b.variable(array_of({d.features(), d.classes}, d.dense), "dense/kernel");
  const Tensor dense_bias =
      b.variable(array_of({d.classes}, d.dense_bias), "dense/bias");
  m.variables = {kernel, conv_bias, dense, dense_bias};
  const Tensor x =
      b.placeholder(first ? std::vector<std::int64_t>{-1, 1, d.side, d.side}
                          : std::vector<std::int64_t>{-1, d.side, d.side, 1},
                    dtype::float32, "x");
  const Tensor y = b.placeholder({-1, d.classes}, dtype::float32, "y");
  Tensor c = K::conv2d(x, kernel, {1, 1}, "valid", m.format);
  c = K::relu(K::bias_add(c, conv_bias, m.format));
  Tensor p = K::pool2d(c, {2, 2}, {2, 2}, "valid", m.format, "max");
  if (first) p = K::permute_dimensions(p, {0, 2, 3, 1});
  const Tensor logits = K::dot(K::batch_flatten(p), dense) + dense_bias;
  const Tensor loss =
      K::mean(K::categorical_crossentropy(y, K::softmax(logits)));
  m.step = b.function({x, y}, {loss}, sgd(loss, m.variables, d.learning_rate),
                      "cnn_step");
  return m;
}

// ----- tiny call ----------------------------------------------------------

Function build_tiny(const Backend& b) {
  const Tensor x = b.placeholder({1}, dtype::float32, "x");
  return b.function({x}, {x + 1.0}, {}, "tiny");
}

}  // namespace tensorplug::bench
