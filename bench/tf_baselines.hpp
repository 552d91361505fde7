// The TensorFlow baselines of tensorplug_bench_compute ("tf_direct@N"): the
// workloads of workloads.hpp written directly against TensorFlow's C API
// (tensorflow/c/c_api.h), as a TensorFlow user without tensorplug would
// write them, fed the same data. Built only when CMake finds the
// tensorflow-cpu wheel (TP_BENCH_HAVE_TF); the C API headers stay in
// tf_baselines.cpp.
//
// Each class builds one TF_Graph once and one TF_Session on it with both
// thread pools at `threads` (the tensorflow backend's setting: a serialized
// ConfigProto through TF_SetConfig), and runs one TF_SessionRun per call.
// The data (GEMM operands, MLP/CNN inputs and targets) are Placeholders,
// fed each call from TF_Tensors made once. The model parameters are TF
// resource variables (VarHandleOp, read by ReadVariableOp, initialised once
// from the workload's initial values, updated in place by
// ResourceApplyGradientDescent): they stay resident in the session as a
// tf.Variable does, where the tensorplug side pays for feeding them in and
// fetching the updated values out of every call. The `losses` /
// `probabilities` / `result` methods are for the untimed correctness check.
//
// Every failure (a TF status that is not OK) throws std::runtime_error with
// TensorFlow's message.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "workloads.hpp"

namespace tensorplug::bench::tf_baseline {

/// TF_Version() of the library linked.
std::string version();

/// Sets TF_CPP_MIN_LOG_LEVEL=1 and TF_ENABLE_ONEDNN_OPTS=0 unless the user
/// set them (setenv(..., 0)), as the tensorflow backend does before it
/// dlopens TensorFlow. Returns true if it set either: TensorFlow, linked
/// here, reads them during its static initialisation, before main, so the
/// program must then re-execute itself for them to take effect (and so
/// must the tensorflow backend's copy: the same library in this process).
bool set_quiet_environment();

/// MatMul of two n x n float32 Placeholders; fetches the product.
class Gemm {
 public:
  Gemm(const GemmData& data, int threads);
  ~Gemm();
  void run();
  std::vector<float> result();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The MLP: MatMul + BiasAdd + Relu, MatMul + BiasAdd (the logits),
/// SoftmaxCrossEntropyWithLogits, Mean over the batch (the loss);
/// TF_AddGradients of the loss with respect to the four variable reads;
/// ResourceApplyGradientDescent of each (p <- p - lr * dL/dp). The forward
/// pass fetches Softmax(logits) from the same graph and session.
class Mlp {
 public:
  Mlp(const MlpData& data, int threads);
  ~Mlp();
  void step();
  void forward();
  /// Losses of `steps` training steps (each before its update).
  std::vector<float> losses(int steps);
  std::vector<float> probabilities();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The CNN in NHWC: Conv2D 3x3 VALID + BiasAdd, Relu, MaxPool 2x2 stride 2,
/// Reshape to (batch, features) (NHWC flatten order is Keras's channels_last
/// order, so the dense kernel is used as it is), MatMul + BiasAdd, the loss
/// and SGD as the MLP's.
class Cnn {
 public:
  Cnn(const CnnData& data, int threads);
  ~Cnn();
  void step();
  std::vector<float> losses(int steps);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// AddV2(x, 1.0) on a (1,) float32 Placeholder: the per-call cost of
/// TF_SessionRun itself.
class Tiny {
 public:
  explicit Tiny(int threads);
  ~Tiny();
  void run();
  float value();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tensorplug::bench::tf_baseline
