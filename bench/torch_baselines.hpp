// The libtorch baselines of tensorplug_bench_compute: the workloads of
// workloads.hpp written directly in libtorch (ATen + autograd), fed the same
// data. Built only when CMake finds Torch (TP_BENCH_HAVE_TORCH); the torch
// headers stay in torch_baselines.cpp so the driver compiles quickly.
//
// Each class holds its tensors resident (as a libtorch program would) and
// runs one iteration per call; the `*_losses` / `probabilities` methods are
// for the untimed correctness check.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "workloads.hpp"

namespace tensorplug::bench::torch_baseline {

/// "1.13.0 (OpenMP ...)": the version and at::get_parallel_info's summary.
std::string version();
/// at::set_num_threads (intra-op pool; the BLAS pool is OpenBLAS's own).
void set_threads(int n);
/// at::get_num_threads.
int threads();

/// at::mm(a, b) of two n x n float32 tensors.
class Gemm {
 public:
  explicit Gemm(const GemmData& data);
  ~Gemm();
  void run();
  std::vector<float> result();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The MLP: addmm + relu, addmm, cross_entropy (log_softmax + nll_loss),
/// autograd backward, SGD `p.sub_(p.grad(), lr)` under NoGradGuard.
class Mlp {
 public:
  explicit Mlp(const MlpData& data);
  ~Mlp();
  void step();
  /// The forward pass under c10::InferenceMode: softmax probabilities.
  void forward();
  /// Losses of `steps` training steps (each before its update).
  std::vector<float> losses(int steps);
  std::vector<float> probabilities();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The CNN in NCHW: conv2d (3x3 valid, bias), relu, max_pool2d(2, 2),
/// flatten, addmm, cross_entropy, autograd, SGD. The dense kernel's rows are
/// permuted once from channels_last to NCHW flatten order, so the model is
/// the same as the tensorplug one.
class Cnn {
 public:
  explicit Cnn(const CnnData& data);
  ~Cnn();
  void step();
  std::vector<float> losses(int steps);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// One-element float32 tensors: at::add(a, b) and at::add(a, 1.0).
class Tiny {
 public:
  Tiny();
  ~Tiny();
  void add_tensor();
  void add_scalar();
  float add_tensor_value();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tensorplug::bench::torch_baseline
