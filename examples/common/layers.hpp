// Weight initialisation and the named parameters of a model, shared by the
// examples: what Keras's layers create when they are built.
#pragma once

#include <tensorplug/array.hpp>
#include <tensorplug/backend.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tpex {

/// Keras's glorot_uniform, from a seeded Mersenne Twister (the 24 high bits
/// of each output), so that a seed gives the same weights everywhere.
inline tensorplug::Array glorot_uniform(const tensorplug::Ints& shape,
                                        std::int64_t fan_in,
                                        std::int64_t fan_out,
                                        std::mt19937& rng) {
  const double limit = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  std::vector<float> values(static_cast<std::size_t>(n));
  for (auto& v : values) {
    const double u = static_cast<double>(rng() >> 8) / 16777216.0;
    v = static_cast<float>((2.0 * u - 1.0) * limit);
  }
  return tensorplug::Array::of<float>(shape, std::span<const float>(values));
}

/// A model's trainable variables in creation order, each with its Keras
/// name ("dense_1/kernel"): what the optimizer updates and what
/// `--save`/`--load` write and read.
struct Parameters {
  std::vector<std::string> names;
  std::vector<tensorplug::Tensor> variables;
  std::size_t count = 0;  // scalars in all of them

  tensorplug::Tensor add(const tensorplug::Backend& b,
                         const tensorplug::Array& value,
                         const std::string& name) {
    tensorplug::Tensor v = b.variable(value, name);
    names.push_back(name);
    variables.push_back(v);
    count += value.size();
    return v;
  }
};

}  // namespace tpex
