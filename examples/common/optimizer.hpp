// Minibatch SGD and Adam as the update pairs of a Keras `function`, exactly
// as Keras's optimizers write them with the backend's ops. Shared by the
// examples.
#pragma once

#include <tensorplug/keras.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tpex {

using Updates = std::vector<std::pair<tensorplug::Tensor, tensorplug::Tensor>>;

/// p <- p - lr * dL/dp.
inline Updates sgd_updates(const tensorplug::Tensor& loss,
                           const std::vector<tensorplug::Tensor>& params,
                           double lr) {
  namespace K = tensorplug::keras;
  const auto grads = K::gradients(loss, params);
  Updates updates;
  for (std::size_t i = 0; i < params.size(); ++i) {
    updates.emplace_back(params[i], params[i] - grads[i] * lr);
  }
  return updates;
}

/// Keras's Adam (Kingma & Ba, 2014), with its moments and iteration count
/// as variables:
///   t = iterations + 1
///   lr_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
///   m = beta_1 * m + (1 - beta_1) * g;  v = beta_2 * v + (1 - beta_2) * g^2
///   p = p - lr_t * m / (sqrt(v) + epsilon)
inline Updates adam_updates(const tensorplug::Backend& b,
                            const tensorplug::Tensor& loss,
                            const std::vector<tensorplug::Tensor>& params,
                            double lr, double beta_1 = 0.9,
                            double beta_2 = 0.999) {
  namespace K = tensorplug::keras;
  using tensorplug::Array;
  using tensorplug::Tensor;
  const double epsilon = b.settings().epsilon.value;
  const auto grads = K::gradients(loss, params);
  const Tensor iterations =
      b.variable(Array::of<float>({}, {0.0f}), "Adam/iterations");
  const Tensor t = iterations + 1.0;
  // beta^t = exp(t * log(beta)), t being a tensor.
  const Tensor lr_t = lr * K::sqrt(1.0 - K::exp(t * std::log(beta_2))) /
                      (1.0 - K::exp(t * std::log(beta_1)));
  Updates updates{{iterations, t}};
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Array zeros(tensorplug::int_shape(params[i]),
                      tensorplug::dtype_of(params[i]));
    const Tensor m = b.variable(zeros, "Adam/m_" + std::to_string(i));
    const Tensor v = b.variable(zeros, "Adam/v_" + std::to_string(i));
    const Tensor m_t = beta_1 * m + (1.0 - beta_1) * grads[i];
    const Tensor v_t = beta_2 * v + (1.0 - beta_2) * K::square(grads[i]);
    updates.emplace_back(m, m_t);
    updates.emplace_back(v, v_t);
    updates.emplace_back(params[i],
                         params[i] - lr_t * m_t / (K::sqrt(v_t) + epsilon));
  }
  return updates;
}

inline Updates optimizer_updates(const std::string& name,
                                 const tensorplug::Backend& b,
                                 const tensorplug::Tensor& loss,
                                 const std::vector<tensorplug::Tensor>& params,
                                 double lr) {
  if (name == "sgd") return sgd_updates(loss, params, lr);
  if (name == "adam") return adam_updates(b, loss, params, lr);
  throw std::invalid_argument("unknown optimizer `" + name +
                              "` (expected sgd or adam)");
}

}  // namespace tpex
