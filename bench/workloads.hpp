// The compute workloads of tensorplug_bench_compute, written once with the
// application API (tensorplug/backend.hpp, tensorplug/keras.hpp): what graph
// each builds, its shapes, and the deterministic data it is fed. Nothing here
// depends on Google Benchmark, BLAS or libtorch, so that a `tensorplug bench`
// command can reuse it; the baselines (OpenBLAS, libtorch) live next to the
// driver and take the same data.
//
// Layouts: every matrix is row-major float32. Kernels follow Keras:
// dense kernels are (in, out), conv kernels (rows, cols, in, out); images are
// fed as the configuration's image_data_format says (with one channel,
// (N, H, W, 1) and (N, 1, H, W) have the same bytes).
#pragma once

#include <tensorplug/array.hpp>
#include <tensorplug/backend.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tensorplug::bench {

/// Sizes of every workload; `smoke()` gives tiny ones for the ctest run.
struct Sizes {
  std::vector<std::int64_t> gemm = {256, 512, 1024};
  // MLP in-hidden-classes, batch.
  std::int64_t mlp_batch = 64;
  std::int64_t mlp_in = 784;
  std::int64_t mlp_hidden = 256;
  std::int64_t classes = 10;
  // CNN: side x side x 1 input, `filters` 3x3 valid convolutions, relu,
  // 2x2 max pooling (stride 2), dense to `classes`.
  std::int64_t cnn_batch = 64;
  std::int64_t cnn_side = 8;
  std::int64_t cnn_filters = 16;
  double learning_rate = 0.01;

  static Sizes full() { return {}; }
  static Sizes smoke();
};

/// Uniform values in [-limit, limit) from a seeded Mersenne Twister (24 high
/// bits of each draw), the same on every platform.
std::vector<float> uniform(std::size_t n, double limit, std::uint32_t seed);

// ----- GEMM ---------------------------------------------------------------

struct GemmData {
  std::int64_t n = 0;
  std::vector<float> a, b;  // n x n each
  Array a_array() const;
  Array b_array() const;
  double flops() const { return 2.0 * n * n * n; }
};
GemmData make_gemm_data(std::int64_t n, std::uint32_t seed = 1);

/// function([a, b], [dot(a, b)]) with a, b (n, n) float32 placeholders.
Function build_gemm(const Backend& b, std::int64_t n);

// ----- MLP in-hidden-classes ------------------------------------------------

/// Initial weights and one batch (inputs and one-hot targets).
struct MlpData {
  std::int64_t batch = 0, in = 0, hidden = 0, classes = 0;
  double learning_rate = 0;
  std::vector<float> w1, b1, w2, b2;  // (in, hidden), (hidden), (hidden,
                                      // classes), (classes)
  std::vector<float> x, y;            // (batch, in), (batch, classes)
  Array x_array() const;
  Array y_array() const;
  /// Multiply-adds x2 of one forward pass (the three-GEMM training step is
  /// about 3x this).
  double forward_flops() const {
    return 2.0 * batch * (in * hidden + hidden * classes);
  }
};
MlpData make_mlp_data(const Sizes& sizes, std::uint32_t seed = 2);

/// The MLP built on one backend: variables initialised from MlpData, and
///   step    = function([x, y], [loss], sgd updates of the 4 variables)
///   forward = function([x], [softmax probabilities])
/// loss = mean(categorical_crossentropy(y, softmax(dense(relu(dense(x)))))),
/// dense(x) = dot(x, kernel) + bias, SGD p <- p - lr * dL/dp.
struct MlpModel {
  std::vector<Tensor> variables;  // w1, b1, w2, b2
  Function step;
  Function forward;
};
MlpModel build_mlp(const Backend& b, const MlpData& data);

// ----- CNN ------------------------------------------------------------------

struct CnnData {
  std::int64_t batch = 0, side = 0, filters = 0, classes = 0;
  double learning_rate = 0;
  /// Conv kernel (3, 3, 1, filters) Keras order, its bias, the dense kernel
  /// (pooled * pooled * filters, classes) whose rows are in channels_last
  /// flatten order (row, col, filter), and its bias.
  std::vector<float> kernel, conv_bias, dense, dense_bias;
  std::vector<float> x, y;  // (batch, side, side) pixels; (batch, classes)
  std::int64_t conv_side() const { return side - 2; }  // valid 3x3
  std::int64_t pooled() const { return conv_side() / 2; }
  std::int64_t features() const { return pooled() * pooled() * filters; }
  /// The pixels shaped for `format` ("channels_last" or "channels_first").
  Array x_array(const std::string& format) const;
  Array y_array() const;
};
CnnData make_cnn_data(const Sizes& sizes, std::uint32_t seed = 3);

/// conv2d(3x3, valid) + bias_add, relu, pool2d(2x2, stride 2, max),
/// batch_flatten (in channels_last order, as Keras's Flatten does), dense,
/// softmax, mean categorical cross-entropy, SGD; the layout is the backend's
/// image_data_format (`format`).
struct CnnModel {
  std::string format;
  std::vector<Tensor> variables;  // kernel, conv bias, dense, dense bias
  Function step;                  // [x, y] -> [loss], updates
};
CnnModel build_cnn(const Backend& b, const CnnData& data);

// ----- tiny call ------------------------------------------------------------

/// function([x], [x + 1.0]) with x a (1,) float32 placeholder.
Function build_tiny(const Backend& b);

}  // namespace tensorplug::bench
