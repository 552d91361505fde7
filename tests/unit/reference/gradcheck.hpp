// Gradient checking for the reference backend's ops: compares the symbolic
// gradients (the `gradients` entry, evaluated through a `function`) with
// central finite differences of the same loss, in float64.
//
//   check_gradient(b, [](const std::vector<Tensor>& x) {
//     return tensorplug::op("softmax", {x[0]});
//   }, {Array::of<double>({2, 3}, {...})});
//
// The loss is sum(f(xs) * r) for a fixed pseudo-random r of f's output shape,
// so every output element contributes with a distinct weight. It uses the
// ops `multiply`, `sum` and `constant`, so it needs those to be exported by
// the backend (they are part of the elementwise/reduction/value groups).
// Inputs must be float64; choose them away from kinks (ties in max, 0 in
// abs/relu) so that the finite difference is meaningful.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <sstream>
#include <vector>

#include "tensorplug/array.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/ops.hpp"
#include "tensorplug/resolve.hpp"

namespace tensorplug::test {

/** The builtin reference backend, isolated from the environment. */
inline Backend load_reference_backend(
    const Settings& settings = Settings::defaults("reference")) {
  ResolveOptions resolve;
  resolve.use_environment = false;
  LoadOptions options;
  options.announce = false;
  return load_backend_at(resolve_backend("reference", resolve), settings,
                         options);
}

/** A fixed pseudo-random float64 array in [-1, -0.25] U [0.25, 1]. */
inline Array gradcheck_weights(const std::vector<std::int64_t>& shape) {
  std::size_t n = 1;
  for (std::int64_t d : shape) n *= static_cast<std::size_t>(d);
  std::vector<double> v(n);
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  for (std::size_t i = 0; i < n; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const double u = static_cast<double>(state >> 11) * 0x1.0p-53;  // [0,1)
    v[i] = (0.25 + 0.75 * u) * (i % 2 == 0 ? 1.0 : -1.0);
  }
  return Array::of<double>(shape, std::span<const double>(v));
}

inline void check_gradient(
    const Backend& b,
    const std::function<Tensor(const std::vector<Tensor>&)>& f,
    const std::vector<Array>& inputs, double tolerance = 1e-6) {
  std::vector<Tensor> xs;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    REQUIRE(dtype::equal(inputs[i].dtype(), dtype::of<double>()));
    xs.push_back(b.placeholder(inputs[i].shape(), dtype::of<double>(),
                               "x" + std::to_string(i)));
  }
  const Tensor y = f(xs);
  // The runtime shape of f's output gives the weights' shape.
  const Array y_value = b.function(xs, {y})(inputs).at(0);
  REQUIRE(dtype::equal(y_value.dtype(), dtype::of<double>()));
  const Tensor r =
      b.op("constant", {}, {{"value", gradcheck_weights(y_value.shape())}});
  const Tensor loss = op("sum", {op("multiply", {y, r})});
  const Function loss_fn = b.function(xs, {loss});
  const Function grad_fn = b.function(xs, gradients(loss, xs));
  const std::vector<Array> grads = grad_fn(inputs);
  REQUIRE(grads.size() == inputs.size());
  auto loss_at = [&](const std::vector<Array>& values) {
    return loss_fn(values).at(0).to_vector<double>().at(0);
  };
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    REQUIRE(grads[i].shape() == inputs[i].shape());
    const std::vector<double> actual = grads[i].to_vector<double>();
    const std::vector<double> x = inputs[i].to_vector<double>();
    std::vector<Array> values = inputs;
    for (std::size_t k = 0; k < x.size(); ++k) {
      const double h = 1e-6 * std::max(1.0, std::abs(x[k]));
      std::vector<double> moved = x;
      moved[k] = x[k] + h;
      values[i] =
          Array::of<double>(inputs[i].shape(), std::span<const double>(moved));
      const double up = loss_at(values);
      moved[k] = x[k] - h;
      values[i] =
          Array::of<double>(inputs[i].shape(), std::span<const double>(moved));
      const double down = loss_at(values);
      const double expected = (up - down) / (2 * h);
      const double scale =
          std::max({1.0, std::abs(expected), std::abs(actual[k])});
      if (!(std::abs(expected - actual[k]) <= tolerance * scale)) {
        std::ostringstream m;
        m.precision(17);
        m << "gradient mismatch for operand " << i << ", element " << k
          << ": finite difference " << expected << ", gradients() "
          << actual[k];
        FAIL(m.str());
      }
    }
    values[i] = inputs[i];
  }
}

}  // namespace tensorplug::test

using tensorplug::test::check_gradient;
