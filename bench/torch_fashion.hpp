// The libtorch baseline of tensorplug_bench_epoch: the Fashion-MNIST CNN of
// examples/fashion/model.hpp written directly in libtorch, as a libtorch
// user would write it (NCHW, ATen ops with autograd, at::dropout,
// at::cross_entropy_loss on the logits, torch::optim::Adam). Built only with
// Torch (TP_BENCH_HAVE_TORCH); the torch headers stay in torch_fashion.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace tensorplug::bench::torch_baseline {

class FashionCnn {
 public:
  /// `keras_variables`: the tensorplug model's 8 variables in its order
  /// (conv2d_1 kernel (3,3,1,16) and bias, conv2d_2 kernel (3,3,16,32) and
  /// bias, dense_1 kernel (12*12*32, 128) in channels_last flatten order and
  /// bias, dense_2 kernel (128, 10) and bias). They are converted once to
  /// libtorch's layout, so both programs start from the same model.
  /// Adam with learning rate `lr` and `epsilon` (Keras's fuzz factor).
  /// With `channels_last`, the images and the conv kernels are in
  /// libtorch's ChannelsLast memory format (NHWC in memory, NCHW in shape),
  /// which selects other convolution kernels. Without `mkldnn`, each step
  /// runs with libtorch's oneDNN (mkldnn) kernels disabled
  /// (at::globalContext().setUserEnabledMkldnn(false), PyTorch's
  /// `torch.backends.mkldnn.enabled = False`): ATen's own kernels on BLAS.
  /// With `flush_denormal`, each step runs with
  /// at::globalContext().setFlushDenormal(true) (PyTorch's
  /// `torch.set_flush_denormal(True)`: FTZ and DAZ in MXCSR), which holds for
  /// the calling thread only, not for libtorch's OpenMP workers.
  FashionCnn(const std::vector<std::vector<float>>& keras_variables, double lr,
             double epsilon, bool channels_last, bool mkldnn,
             bool flush_denormal);
  ~FashionCnn();
  FashionCnn(const FashionCnn&) = delete;
  FashionCnn& operator=(const FashionCnn&) = delete;

  /// One training step on `rows` images of 784 pixels and their labels:
  /// forward with dropout, backward, Adam. Returns the loss (before the
  /// update).
  float train_step(const std::vector<float>& pixels,
                   const std::vector<int>& labels, std::int64_t rows);
  /// The mean cross-entropy without dropout (inference), for the check.
  float evaluate(const std::vector<float>& pixels,
                 const std::vector<int>& labels, std::int64_t rows);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tensorplug::bench::torch_baseline
