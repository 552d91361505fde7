#include "torch_fashion.hpp"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/optim/adam.h>

#include <stdexcept>
#include <string>

namespace tensorplug::bench::torch_baseline {

namespace {

at::Tensor from(const std::vector<float>& v, std::vector<std::int64_t> shape) {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  if (static_cast<std::int64_t>(v.size()) != n) {
    throw std::invalid_argument("FashionCnn: a variable has " +
                                std::to_string(v.size()) + " values, not " +
                                std::to_string(n));
  }
  return at::from_blob(const_cast<float*>(v.data()), shape, at::kFloat).clone();
}

constexpr std::int64_t kSide = 28, kConv1 = 16, kConv2 = 32, kDense = 128,
                       kClasses = 10, kPooled = (kSide - 4) / 2;

}  // namespace

struct FashionCnn::Impl {
  std::vector<at::Tensor> p;  // w1 b1 w2 b2 (OIHW) d1 c1 d2 c2 (in, out)
  std::unique_ptr<torch::optim::Adam> adam;
  bool channels_last = false;
  bool mkldnn = true;
  bool flush_denormal = false;

  /// Sets libtorch's process-wide oneDNN switch for one step, and restores
  /// it (other runners in the process share it).
  struct Mkldnn {
    bool saved;
    explicit Mkldnn(bool on) : saved(at::globalContext().userEnabledMkldnn()) {
      at::globalContext().setUserEnabledMkldnn(on);
    }
    ~Mkldnn() { at::globalContext().setUserEnabledMkldnn(saved); }
    Mkldnn(const Mkldnn&) = delete;
    Mkldnn& operator=(const Mkldnn&) = delete;
  };
  /// FTZ/DAZ on the calling thread for one step, then off again (the
  /// other runners share the thread).
  struct FlushDenormal {
    bool on;
    explicit FlushDenormal(bool o) : on(o) {
      if (on) at::globalContext().setFlushDenormal(true);
    }
    ~FlushDenormal() {
      if (on) at::globalContext().setFlushDenormal(false);
    }
    FlushDenormal(const FlushDenormal&) = delete;
    FlushDenormal& operator=(const FlushDenormal&) = delete;
  };

  at::Tensor logits(const at::Tensor& x, bool training) {
    at::Tensor c = at::relu(at::conv2d(x, p[0], p[1]));
    c = at::relu(at::conv2d(c, p[2], p[3]));
    at::Tensor h =
        at::dropout(at::max_pool2d(c, {2, 2}, {2, 2}), 0.25, training);
    h = at::relu(at::addmm(p[5], h.flatten(1), p[4]));
    h = at::dropout(h, 0.5, training);
    return at::addmm(p[7], h, p[6]);
  }
  at::Tensor images(const std::vector<float>& pixels, std::int64_t rows) const {
    at::Tensor x = at::from_blob(const_cast<float*>(pixels.data()),
                                 {rows, 1, kSide, kSide}, at::kFloat);
    // One channel: the same bytes in either format, only the strides change.
    return channels_last ? x.contiguous(at::MemoryFormat::ChannelsLast) : x;
  }
  static at::Tensor targets(const std::vector<int>& labels) {
    return at::from_blob(const_cast<int*>(labels.data()),
                         {static_cast<std::int64_t>(labels.size())}, at::kInt)
        .to(at::kLong);
  }
};

FashionCnn::FashionCnn(const std::vector<std::vector<float>>& k, double lr,
                       double epsilon, bool channels_last, bool mkldnn,
                       bool flush_denormal)
    : impl_(new Impl) {
  impl_->flush_denormal = flush_denormal;
  impl_->channels_last = channels_last;
  impl_->mkldnn = mkldnn;
  if (k.size() != 8) {
    throw std::invalid_argument("FashionCnn: expected 8 variables, got " +
                                std::to_string(k.size()));
  }
  // Keras conv kernels (rows, cols, in, out) -> OIHW.
  auto conv = [&](std::size_t i, std::int64_t in, std::int64_t out) {
    return from(k[i], {3, 3, in, out})
        .permute({3, 2, 0, 1})
        .contiguous(channels_last ? at::MemoryFormat::ChannelsLast
                                  : at::MemoryFormat::Contiguous);
  };
  // dense_1 rows: channels_last flatten order (row, col, filter) -> NCHW
  // flatten order (filter, row, col).
  const at::Tensor d1 = from(k[4], {kPooled, kPooled, kConv2, kDense})
                            .permute({2, 0, 1, 3})
                            .reshape({kConv2 * kPooled * kPooled, kDense})
                            .contiguous();
  impl_->p = {conv(0, 1, kConv1),
              from(k[1], {kConv1}),
              conv(2, kConv1, kConv2),
              from(k[3], {kConv2}),
              d1,
              from(k[5], {kDense}),
              from(k[6], {kDense, kClasses}),
              from(k[7], {kClasses})};
  for (auto& t : impl_->p) t.requires_grad_(true);
  impl_->adam = std::make_unique<torch::optim::Adam>(
      impl_->p, torch::optim::AdamOptions(lr).eps(epsilon));
}

FashionCnn::~FashionCnn() = default;

float FashionCnn::train_step(const std::vector<float>& pixels,
                             const std::vector<int>& labels,
                             std::int64_t rows) {
  const Impl::Mkldnn mkldnn(impl_->mkldnn);
  const Impl::FlushDenormal ftz(impl_->flush_denormal);
  impl_->adam->zero_grad();
  at::Tensor loss = at::cross_entropy_loss(
      impl_->logits(impl_->images(pixels, rows), true), Impl::targets(labels));
  loss.backward();
  impl_->adam->step();
  return loss.item<float>();
}

float FashionCnn::evaluate(const std::vector<float>& pixels,
                           const std::vector<int>& labels, std::int64_t rows) {
  const Impl::Mkldnn mkldnn(impl_->mkldnn);
  const Impl::FlushDenormal ftz(impl_->flush_denormal);
  c10::InferenceMode guard;
  return at::cross_entropy_loss(
             impl_->logits(impl_->images(pixels, rows), false),
             Impl::targets(labels))
      .item<float>();
}

}  // namespace tensorplug::bench::torch_baseline
