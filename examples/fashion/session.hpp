// The graphs of one Fashion-MNIST model on one backend: the training step
// (categorical cross-entropy, Adam) and the inference graph. One definition,
// used by tensorplug-fashion and by the epoch benchmark (bench/), so that
// the benchmark times exactly the main job's work.
#pragma once

#include <tensorplug/backend.hpp>
#include <tensorplug/keras.hpp>

#include <random>
#include <span>
#include <string>
#include <vector>

#include "../common/batches.hpp"
#include "../common/optimizer.hpp"
#include "model.hpp"

namespace fashion {

struct Session {
  Model model;
  Tensor x, y;
  tensorplug::Function train_step;  // [x, y] -> [loss, probabilities], Adam
  tensorplug::Function evaluate;    // [x, y] -> [loss, probabilities]

  /// `model_name` is "cnn" or "mlp"; the variables are initialised from
  /// `rng` (glorot_uniform), Adam's learning rate is `lr`.
  Session(const std::string& model_name, double lr, const Backend& b,
          std::mt19937& rng)
      : model(model_name, b, rng) {
    x = b.placeholder(model.input_shape(), tensorplug::dtype::float32, "x");
    y = b.placeholder({-1, kClasses}, tensorplug::dtype::float32, "y");
    const Tensor train_probs = model.forward(x, /*training=*/true);
    const Tensor loss = K::mean(K::categorical_crossentropy(y, train_probs));
    const auto updates =
        tpex::adam_updates(b, loss, model.parameters().variables, lr);
    train_step = b.function({x, y}, {loss, train_probs}, updates, "train_step");
    const Tensor probs = model.forward(x, /*training=*/false);
    evaluate = b.function(
        {x, y}, {K::mean(K::categorical_crossentropy(y, probs)), probs}, {},
        "evaluate");
  }

  /// A batch's pixels shaped as the model's input.
  Array inputs(const std::vector<float>& pixels, std::size_t rows) const {
    std::vector<std::int64_t> shape = model.input_shape();
    shape[0] = static_cast<std::int64_t>(rows);
    return Array::of<float>(shape, std::span<const float>(pixels));
  }
  /// A batch's one-hot targets.
  static Array targets(const tpex::Batch& batch) {
    return Array::of<float>({static_cast<std::int64_t>(batch.rows), kClasses},
                            std::span<const float>(batch.one_hot));
  }
};

}  // namespace fashion
