// The two models, built with the Keras backend functions the way Keras's
// Dense, Conv2D, MaxPooling2D and Flatten layers build them.
#pragma once

#include <tensorplug/keras.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "../common/layers.hpp"
#include "dataset.hpp"

namespace digits {

namespace K = tensorplug::keras;
using tensorplug::Array;
using tensorplug::Backend;
using tensorplug::Ints;
using tensorplug::Tensor;

struct Model {
  std::string name;
  /// The image placeholder: (None, 64) for the MLP; (None, 8, 8, 1) or
  /// (None, 1, 8, 8) for the CNN, following image_data_format. The pixels
  /// of a batch are fed as they are in both cases (one channel).
  Tensor input;
  std::vector<std::int64_t> input_shape;  // with -1 for the batch
  Tensor probabilities;                   // (None, 10), softmax
  std::vector<Tensor> weights;
  std::size_t parameters = 0;
};

using tpex::glorot_uniform;

inline Tensor new_weight(Model& m, const Backend& b, const Array& value,
                         const std::string& name) {
  Tensor w = b.variable(value, name);
  m.weights.push_back(w);
  m.parameters += value.size();
  return w;
}

/// Keras Dense(units): dot(x, kernel) + bias (bias_add on a 2-D input).
inline Tensor dense(Model& m, const Backend& b, const Tensor& x,
                    std::int64_t in, std::int64_t units, std::mt19937& rng,
                    const std::string& name) {
  Tensor kernel = new_weight(m, b, glorot_uniform({in, units}, in, units, rng),
                             name + "/kernel");
  Tensor bias = new_weight(m, b, Array({units}, tensorplug::dtype::float32),
                           name + "/bias");
  return K::dot(x, kernel) + bias;
}

/// 64 -> Dense(64, relu) -> Dense(10, softmax).
inline Model build_mlp(const Backend& b, std::mt19937& rng) {
  Model m;
  m.name = "mlp";
  m.input_shape = {-1, kFeatures};
  m.input = b.placeholder(m.input_shape, tensorplug::dtype::float32, "x");
  Tensor h = K::relu(dense(m, b, m.input, kFeatures, 64, rng, "dense_1"));
  m.probabilities = K::softmax(dense(m, b, h, 64, kClasses, rng, "dense_2"));
  return m;
}

/// Conv2D(8, 3x3, relu) -> MaxPooling2D(2x2) -> Flatten -> Dense(10,
/// softmax), in the configured image_data_format.
inline Model build_cnn(const Backend& b, std::mt19937& rng) {
  const bool first = b.settings().image_data_format.value ==
                     tensorplug::ImageDataFormat::kChannelsFirst;
  const std::string format = first ? "channels_first" : "channels_last";
  constexpr std::int64_t kFilters = 8;
  Model m;
  m.name = "cnn";
  m.input_shape = first ? std::vector<std::int64_t>{-1, 1, kSide, kSide}
                        : std::vector<std::int64_t>{-1, kSide, kSide, 1};
  m.input = b.placeholder(m.input_shape, tensorplug::dtype::float32, "x");
  // Keras kernels are (rows, cols, in, out) in both formats; glorot's fans
  // are receptive field x channels.
  Tensor kernel = new_weight(
      m, b, glorot_uniform({3, 3, 1, kFilters}, 9, 9 * kFilters, rng),
      "conv2d/kernel");
  Tensor bias = new_weight(m, b, Array({kFilters}, tensorplug::dtype::float32),
                           "conv2d/bias");
  Tensor c = K::conv2d(m.input, kernel, {1, 1}, "valid", format);
  c = K::relu(K::bias_add(c, bias, format));
  Tensor p = K::pool2d(c, {2, 2}, {2, 2}, "valid", format, "max");
  // Keras's Flatten puts channels_first data in channels_last order first,
  // so that both formats give the same model (the same weights mean the
  // same thing).
  if (first) p = K::permute_dimensions(p, {0, 2, 3, 1});
  Tensor flat = K::batch_flatten(p);  // (None, 3 * 3 * 8)
  const std::int64_t features = 3 * 3 * kFilters;
  m.probabilities =
      K::softmax(dense(m, b, flat, features, kClasses, rng, "dense"));
  return m;
}

inline Model build_model(const std::string& name, const Backend& b,
                         std::mt19937& rng) {
  if (name == "mlp") return build_mlp(b, rng);
  if (name == "cnn") return build_cnn(b, rng);
  throw std::invalid_argument("unknown model `" + name +
                              "` (expected mlp or cnn)");
}

}  // namespace digits
