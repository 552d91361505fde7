#include "torch_baselines.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/version.h>

#include <cstring>

namespace tensorplug::bench::torch_baseline {

namespace {

at::Tensor tensor_of(const std::vector<float>& v,
                     std::vector<std::int64_t> shape) {
  return at::from_blob(const_cast<float*>(v.data()), shape, at::kFloat).clone();
}

at::Tensor param(const std::vector<float>& v, std::vector<std::int64_t> shape) {
  return tensor_of(v, std::move(shape)).requires_grad_(true);
}

/// Class indices of one-hot rows.
at::Tensor labels_of(const std::vector<float>& y, std::int64_t rows,
                     std::int64_t classes) {
  return tensor_of(y, {rows, classes}).argmax(1);
}

void sgd(std::vector<at::Tensor>& params, double lr) {
  at::NoGradGuard no_grad;
  for (auto& p : params) {
    p.sub_(p.grad(), lr);
    p.mutable_grad().reset();
  }
}

std::vector<float> to_vector(const at::Tensor& t) {
  const at::Tensor c = t.contiguous();
  std::vector<float> v(static_cast<std::size_t>(c.numel()));
  std::memcpy(v.data(), c.data_ptr<float>(), v.size() * sizeof(float));
  return v;
}

}  // namespace

std::string version() {
  return std::string(TORCH_VERSION) + ", " +
         std::to_string(at::get_num_threads()) + " intra-op threads now";
}

void set_threads(int n) {
  if (at::get_num_threads() != n) at::set_num_threads(n);
}

int threads() { return at::get_num_threads(); }

// ----- GEMM ---------------------------------------------------------------

struct Gemm::Impl {
  at::Tensor a, b, c;
};
Gemm::Gemm(const GemmData& d)
    : impl_(new Impl{
          tensor_of(d.a, {d.n, d.n}), tensor_of(d.b, {d.n, d.n}), {}}) {}
Gemm::~Gemm() = default;
void Gemm::run() { impl_->c = at::mm(impl_->a, impl_->b); }
std::vector<float> Gemm::result() {
  run();
  return to_vector(impl_->c);
}

// ----- MLP ----------------------------------------------------------------

struct Mlp::Impl {
  std::vector<at::Tensor> params;  // w1, b1, w2, b2
  at::Tensor x, labels;
  double lr = 0;
  at::Tensor out;

  at::Tensor loss() {
    const at::Tensor h = at::relu(at::addmm(params[1], x, params[0]));
    const at::Tensor logits = at::addmm(params[3], h, params[2]);
    return at::cross_entropy_loss(logits, labels);
  }
  void step() {
    at::Tensor l = loss();
    l.backward();
    sgd(params, lr);
    out = l.detach();
  }
};

Mlp::Mlp(const MlpData& d) : impl_(new Impl) {
  impl_->params = {param(d.w1, {d.in, d.hidden}), param(d.b1, {d.hidden}),
                   param(d.w2, {d.hidden, d.classes}),
                   param(d.b2, {d.classes})};
  impl_->x = tensor_of(d.x, {d.batch, d.in});
  impl_->labels = labels_of(d.y, d.batch, d.classes);
  impl_->lr = d.learning_rate;
}
Mlp::~Mlp() = default;
void Mlp::step() { impl_->step(); }
void Mlp::forward() {
  c10::InferenceMode guard;
  const auto& p = impl_->params;
  const at::Tensor h = at::relu(at::addmm(p[1], impl_->x, p[0]));
  impl_->out = at::softmax(at::addmm(p[3], h, p[2]), 1);
}
std::vector<float> Mlp::losses(int steps) {
  std::vector<float> out;
  for (int i = 0; i < steps; ++i) {
    impl_->step();
    out.push_back(impl_->out.item<float>());
  }
  return out;
}
std::vector<float> Mlp::probabilities() {
  forward();
  return to_vector(impl_->out);
}

// ----- CNN ----------------------------------------------------------------

struct Cnn::Impl {
  std::vector<at::Tensor> params;  // conv weight (F,1,3,3), bias, dense, bias
  at::Tensor x, labels;
  double lr = 0;
  at::Tensor out;

  void step() {
    at::Tensor c = at::relu(at::conv2d(x, params[0], params[1]));
    at::Tensor p = at::max_pool2d(c, {2, 2}, {2, 2});
    at::Tensor logits = at::addmm(params[3], p.flatten(1), params[2]);
    at::Tensor l = at::cross_entropy_loss(logits, labels);
    l.backward();
    sgd(params, lr);
    out = l.detach();
  }
};

Cnn::Cnn(const CnnData& d) : impl_(new Impl) {
  const std::int64_t f = d.filters, q = d.pooled();
  // Keras (3, 3, 1, F) -> torch (F, 1, 3, 3).
  const at::Tensor kernel =
      tensor_of(d.kernel, {3, 3, 1, f}).permute({3, 2, 0, 1}).contiguous();
  // Dense rows: channels_last flatten order (row, col, filter) -> NCHW
  // flatten order (filter, row, col).
  const at::Tensor dense = tensor_of(d.dense, {q, q, f, d.classes})
                               .permute({2, 0, 1, 3})
                               .reshape({f * q * q, d.classes})
                               .contiguous();
  impl_->params = {kernel.requires_grad_(true), param(d.conv_bias, {f}),
                   dense.requires_grad_(true),
                   param(d.dense_bias, {d.classes})};
  impl_->x = tensor_of(d.x, {d.batch, 1, d.side, d.side});
  impl_->labels = labels_of(d.y, d.batch, d.classes);
  impl_->lr = d.learning_rate;
}
Cnn::~Cnn() = default;
void Cnn::step() { impl_->step(); }
std::vector<float> Cnn::losses(int steps) {
  std::vector<float> out;
  for (int i = 0; i < steps; ++i) {
    impl_->step();
    out.push_back(impl_->out.item<float>());
  }
  return out;
}

// ----- tiny ---------------------------------------------------------------

struct Tiny::Impl {
  at::Tensor a = at::ones({1}, at::kFloat);
  at::Tensor b = at::ones({1}, at::kFloat);
  at::Tensor out;
};
Tiny::Tiny() : impl_(new Impl) {}
Tiny::~Tiny() = default;
void Tiny::add_tensor() { impl_->out = at::add(impl_->a, impl_->b); }
void Tiny::add_scalar() { impl_->out = at::add(impl_->a, 1.0); }
float Tiny::add_tensor_value() {
  add_tensor();
  return impl_->out.item<float>();
}

}  // namespace tensorplug::bench::torch_baseline
