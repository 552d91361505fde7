// The Fashion-MNIST models, built with the Keras backend functions the way
// Keras's layers build them. The variables are created once; `forward`
// builds the graph on them, with dropout for training and without for
// inference (Keras's learning phase), so both graphs share the weights.
//
//   mlp: Flatten -> Dense(256, relu) -> Dropout(0.2) -> Dense(10, softmax)
//   cnn: in the style of Keras's mnist_cnn example:
//        Conv2D(16, 3x3, relu) -> Conv2D(32, 3x3, relu) -> MaxPooling2D(2x2)
//        -> Dropout(0.25) -> Flatten -> Dense(128, relu) -> Dropout(0.5)
//        -> Dense(10, softmax), laid out per image_data_format.
#pragma once

#include <tensorplug/keras.hpp>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "../common/layers.hpp"
#include "idx.hpp"

namespace fashion {

namespace K = tensorplug::keras;
using tensorplug::Array;
using tensorplug::Backend;
using tensorplug::Tensor;

inline constexpr std::int64_t kConv1 = 16;
inline constexpr std::int64_t kConv2 = 32;
inline constexpr std::int64_t kCnnDense = 128;
inline constexpr std::int64_t kMlpHidden = 256;

class Model {
 public:
  Model(std::string name, const Backend& b, std::mt19937& rng)
      : name_(std::move(name)),
        channels_first_(b.settings().image_data_format.value ==
                        tensorplug::ImageDataFormat::kChannelsFirst) {
    if (name_ == "mlp") {
      input_shape_ = {-1, kPixels};
      dense(b, rng, "dense_1", kPixels, kMlpHidden);
      dense(b, rng, "dense_2", kMlpHidden, kClasses);
    } else if (name_ == "cnn") {
      input_shape_ = channels_first_
                         ? std::vector<std::int64_t>{-1, 1, kSide, kSide}
                         : std::vector<std::int64_t>{-1, kSide, kSide, 1};
      conv(b, rng, "conv2d_1", 1, kConv1);
      conv(b, rng, "conv2d_2", kConv1, kConv2);
      const std::int64_t pooled = (kSide - 4) / 2;  // two valid 3x3, pool 2
      dense(b, rng, "dense_1", pooled * pooled * kConv2, kCnnDense);
      dense(b, rng, "dense_2", kCnnDense, kClasses);
    } else {
      throw std::invalid_argument("unknown model `" + name_ +
                                  "` (expected mlp or cnn)");
    }
  }

  const std::string& name() const { return name_; }
  /// (-1, 784) for the MLP; (-1, 28, 28, 1) or (-1, 1, 28, 28) for the CNN
  /// (the same bytes: one channel).
  const std::vector<std::int64_t>& input_shape() const { return input_shape_; }
  const tpex::Parameters& parameters() const { return params_; }

  /// The class probabilities (None, 10) of `x`; with dropout when
  /// `training`.
  Tensor forward(const Tensor& x, bool training) const {
    const auto& v = params_.variables;
    auto drop = [&](const Tensor& t, double level) {
      return training ? K::dropout(t, level) : t;
    };
    if (name_ == "mlp") {
      Tensor h = K::relu(K::dot(x, v[0]) + v[1]);
      return K::softmax(K::dot(drop(h, 0.2), v[2]) + v[3]);
    }
    const std::string format =
        channels_first_ ? "channels_first" : "channels_last";
    Tensor c = K::relu(
        K::bias_add(K::conv2d(x, v[0], {1, 1}, "valid", format), v[1], format));
    c = K::relu(
        K::bias_add(K::conv2d(c, v[2], {1, 1}, "valid", format), v[3], format));
    Tensor p = K::pool2d(c, {2, 2}, {2, 2}, "valid", format, "max");
    p = drop(p, 0.25);
    // Keras's Flatten puts channels_first data in channels_last order, so
    // that the same weights mean the same thing in both formats (and a
    // model saved in one loads in the other).
    if (channels_first_) p = K::permute_dimensions(p, {0, 2, 3, 1});
    Tensor h = K::relu(K::dot(K::batch_flatten(p), v[4]) + v[5]);
    return K::softmax(K::dot(drop(h, 0.5), v[6]) + v[7]);
  }

 private:
  void dense(const Backend& b, std::mt19937& rng, const std::string& name,
             std::int64_t in, std::int64_t units) {
    params_.add(b, tpex::glorot_uniform({in, units}, in, units, rng),
                name + "/kernel");
    params_.add(b, Array({units}, tensorplug::dtype::float32), name + "/bias");
  }
  /// Keras kernels are (rows, cols, in, out) in both formats; glorot's fans
  /// are receptive field x channels.
  void conv(const Backend& b, std::mt19937& rng, const std::string& name,
            std::int64_t in, std::int64_t filters) {
    params_.add(
        b, tpex::glorot_uniform({3, 3, in, filters}, 9 * in, 9 * filters, rng),
        name + "/kernel");
    params_.add(b, Array({filters}, tensorplug::dtype::float32),
                name + "/bias");
  }

  std::string name_;
  bool channels_first_;
  std::vector<std::int64_t> input_shape_;
  tpex::Parameters params_;
};

}  // namespace fashion
