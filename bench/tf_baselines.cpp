#include "tf_baselines.hpp"

#include <tensorflow/c/c_api.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tensorplug::bench::tf_baseline {

namespace {

/// Owns a TF_Status; `check` throws TensorFlow's message.
class Status {
 public:
  Status() : s_(TF_NewStatus()) {}
  ~Status() { TF_DeleteStatus(s_); }
  Status(const Status&) = delete;
  Status& operator=(const Status&) = delete;
  TF_Status* get() const { return s_; }
  void check(const std::string& what) const {
    if (TF_GetCode(s_) != TF_OK) {
      throw std::runtime_error("tf_direct: " + what + ": " + TF_Message(s_));
    }
  }

 private:
  TF_Status* s_;
};

/// A float32 TF_Tensor holding a copy of `values` (TF_AllocateTensor gives
/// TensorFlow's own aligned buffer, so feeding it never copies again).
TF_Tensor* float_tensor(const std::vector<std::int64_t>& dims,
                        const float* values, std::size_t count) {
  TF_Tensor* t =
      TF_AllocateTensor(TF_FLOAT, dims.data(), static_cast<int>(dims.size()),
                        count * sizeof(float));
  if (t == nullptr) throw std::runtime_error("tf_direct: TF_AllocateTensor");
  if (count > 0) std::memcpy(TF_TensorData(t), values, count * sizeof(float));
  return t;
}
TF_Tensor* float_tensor(const std::vector<std::int64_t>& dims,
                        const std::vector<float>& values) {
  return float_tensor(dims, values.data(), values.size());
}

std::vector<float> to_vector(TF_Tensor* t) {
  std::vector<float> v(TF_TensorByteSize(t) / sizeof(float));
  std::memcpy(v.data(), TF_TensorData(t), v.size() * sizeof(float));
  return v;
}

/// A serialized tensorflow.ConfigProto with intra_op_parallelism_threads
/// (field 2) and inter_op_parallelism_threads (field 5) = n, both varints:
/// {0x10, n, 0x28, n} for n < 128. The tensorflow backend sets the same.
std::string thread_config(int n) {
  std::string proto;
  auto field = [&](char tag) {
    proto.push_back(tag);
    auto v = static_cast<std::uint64_t>(n);
    while (v >= 0x80) {
      proto.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    proto.push_back(static_cast<char>(v));
  };
  field(0x10);
  field(0x28);
  return proto;
}

/// A resource variable: its handle (for the updates) and its one read
/// (ReadVariableOp, what the model computes with and what the gradients
/// are taken with respect to).
struct Variable {
  TF_Output handle;
  TF_Output read;
};

/// One TF_Graph and its TF_Session: the graph-building helpers every
/// baseline uses, the variables' initialisation, and the run call.
class Model {
 public:
  Model() : graph_(TF_NewGraph()) {}
  ~Model() {
    for (TF_Tensor* t : feeds_) TF_DeleteTensor(t);
    if (session_ != nullptr) {
      Status s;
      TF_CloseSession(session_, s.get());
      TF_DeleteSession(session_, s.get());
    }
    TF_DeleteGraph(graph_);
  }
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  /// One operation being described: attributes, then `out()` adds it.
  class Op {
   public:
    Op(Model& m, const char* type)
        : desc_(TF_NewOperation(
              m.graph_, type,
              (std::string(type) + "_" + std::to_string(m.next_name_++))
                  .c_str())),
          type_(type) {}
    Op& in(TF_Output x) {
      TF_AddInput(desc_, x);
      return *this;
    }
    Op& type(const char* name, TF_DataType t) {
      TF_SetAttrType(desc_, name, t);
      return *this;
    }
    Op& str(const char* name, const std::string& v) {
      TF_SetAttrString(desc_, name, v.data(), v.size());
      return *this;
    }
    Op& ints(const char* name, std::initializer_list<std::int64_t> v) {
      TF_SetAttrIntList(desc_, name, v.begin(), static_cast<int>(v.size()));
      return *this;
    }
    Op& shape(const char* name, const std::vector<std::int64_t>& dims) {
      TF_SetAttrShape(desc_, name, dims.data(), static_cast<int>(dims.size()));
      return *this;
    }
    Op& tensor(const char* name, TF_Tensor* t) {
      Status s;
      TF_SetAttrTensor(desc_, name, t, s.get());
      TF_DeleteTensor(t);  // the graph keeps its own copy
      s.check(type_ + " attribute " + name);
      return *this;
    }
    TF_Operation* finish() {
      Status s;
      TF_Operation* op = TF_FinishOperation(desc_, s.get());
      s.check(type_);
      return op;
    }
    TF_Output out(int index = 0) { return {finish(), index}; }

   private:
    TF_OperationDescription* desc_;
    std::string type_;
  };
  Op op(const char* type) { return Op(*this, type); }

  TF_Output placeholder(const std::vector<std::int64_t>& dims) {
    return op("Placeholder").type("dtype", TF_FLOAT).shape("shape", dims).out();
  }
  TF_Output constant(TF_Tensor* value, TF_DataType type) {
    return op("Const").tensor("value", value).type("dtype", type).out();
  }
  TF_Output scalar(float v) {
    return constant(float_tensor({}, &v, 1), TF_FLOAT);
  }
  TF_Output int32s(std::initializer_list<std::int32_t> v) {
    const std::int64_t n = static_cast<std::int64_t>(v.size());
    TF_Tensor* t = TF_AllocateTensor(TF_INT32, &n, 1, v.size() * 4);
    if (t == nullptr) throw std::runtime_error("tf_direct: TF_AllocateTensor");
    std::memcpy(TF_TensorData(t), v.begin(), v.size() * 4);
    return constant(t, TF_INT32);
  }

  /// A float32 resource variable of shape `dims` whose initialiser assigns
  /// it `init` (run once, when the session opens; the value is a Const of
  /// the graph, as tf.Variable(initial_value) builds it in graph mode).
  Variable variable(const std::vector<std::int64_t>& dims,
                    const std::vector<float>& init) {
    // A name unique in the process: no two models' variables can meet in a
    // resource manager, whatever TensorFlow shares between sessions.
    static std::atomic<std::uint64_t> next{0};
    const std::string name = "tp_bench_v" + std::to_string(next++);
    const TF_Output handle = op("VarHandleOp")
                                 .type("dtype", TF_FLOAT)
                                 .shape("shape", dims)
                                 .str("shared_name", name)
                                 .out();
    const TF_Output value = constant(float_tensor(dims, init), TF_FLOAT);
    initializers_.push_back(op("AssignVariableOp")
                                .in(handle)
                                .in(value)
                                .type("dtype", TF_FLOAT)
                                .finish());
    const TF_Output read =
        op("ReadVariableOp").in(handle).type("dtype", TF_FLOAT).out();
    variables_.push_back({handle, read});
    return variables_.back();
  }

  TF_Output matmul(TF_Output a, TF_Output b) {
    return op("MatMul").in(a).in(b).type("T", TF_FLOAT).out();
  }
  TF_Output bias_add(TF_Output x, TF_Output bias) {
    return op("BiasAdd").in(x).in(bias).type("T", TF_FLOAT).out();
  }
  TF_Output relu(TF_Output x) {
    return op("Relu").in(x).type("T", TF_FLOAT).out();
  }

  /// The workload's loss, mean(categorical_crossentropy(y, softmax(logits))),
  /// as a TF user writes it: the fused SoftmaxCrossEntropyWithLogits (per
  /// row -sum(y * log_softmax(logits))), then Mean over the batch. Equal to
  /// Keras's clipped composition on probabilities while no probability is
  /// below its epsilon (1e-7), as here.
  TF_Output loss(TF_Output logits, TF_Output labels) {
    const TF_Output per_row = op("SoftmaxCrossEntropyWithLogits")
                                  .in(logits)
                                  .in(labels)
                                  .type("T", TF_FLOAT)
                                  .out(0);
    return op("Mean")
        .in(per_row)
        .in(int32s({0}))
        .type("T", TF_FLOAT)
        .type("Tidx", TF_INT32)
        .out();
  }

  /// TF_AddGradients of `loss` with respect to every variable's read, and
  /// one ResourceApplyGradientDescent per variable: p <- p - lr * dL/dp, in
  /// place. The updates are the step's run targets.
  void sgd(TF_Output loss, double lr) {
    std::vector<TF_Output> reads;
    for (const Variable& v : variables_) reads.push_back(v.read);
    std::vector<TF_Output> grads(reads.size());
    Status s;
    TF_AddGradients(graph_, &loss, 1, reads.data(),
                    static_cast<int>(reads.size()), nullptr, s.get(),
                    grads.data());
    s.check("TF_AddGradients");
    const TF_Output alpha = scalar(static_cast<float>(lr));
    for (std::size_t i = 0; i < variables_.size(); ++i) {
      updates_.push_back(op("ResourceApplyGradientDescent")
                             .in(variables_[i].handle)
                             .in(alpha)
                             .in(grads[i])
                             .type("T", TF_FLOAT)
                             .finish());
    }
  }

  /// Opens the session (both pools at `threads`) and runs the variables'
  /// initialisers once.
  void open(int threads) {
    TF_SessionOptions* options = TF_NewSessionOptions();
    Status s;
    const std::string proto = thread_config(threads);
    TF_SetConfig(options, proto.data(), proto.size(), s.get());
    if (TF_GetCode(s.get()) == TF_OK) {
      session_ = TF_NewSession(graph_, options, s.get());
    }
    TF_DeleteSessionOptions(options);
    s.check("TF_SetConfig / TF_NewSession");
    if (!initializers_.empty()) {
      TF_SessionRun(session_, nullptr, nullptr, nullptr, 0, nullptr, nullptr, 0,
                    initializers_.data(),
                    static_cast<int>(initializers_.size()), nullptr, s.get());
      s.check("variable initialisation");
    }
  }

  /// A data Placeholder and the TF_Tensor fed to it on every call, made
  /// once from the workload's data (the model owns it).
  TF_Output feed(const std::vector<std::int64_t>& graph_dims,
                 const std::vector<std::int64_t>& dims,
                 const std::vector<float>& values) {
    const TF_Output p = placeholder(graph_dims);
    feed_ops_.push_back(p);
    feeds_.push_back(float_tensor(dims, values));
    return p;
  }

  /// One TF_SessionRun: the first `nfeeds` feeds, `fetch` (if any) and the
  /// updates (if `train`). Returns the fetched tensor (the caller deletes
  /// it) or nullptr.
  TF_Tensor* run(int nfeeds, const TF_Output* fetch, bool train) {
    TF_Tensor* out = nullptr;
    TF_SessionRun(session_, nullptr, feed_ops_.data(), feeds_.data(), nfeeds,
                  fetch, fetch != nullptr ? &out : nullptr,
                  fetch != nullptr ? 1 : 0, train ? updates_.data() : nullptr,
                  train ? static_cast<int>(updates_.size()) : 0, nullptr,
                  status_.get());
    status_.check("TF_SessionRun");
    return out;
  }
  /// run(), the fetched tensor dropped (what the timed loops do: the
  /// result is produced and freed, as a caller that reads it would).
  void run_and_drop(int nfeeds, const TF_Output* fetch, bool train) {
    TF_Tensor* t = run(nfeeds, fetch, train);
    if (t != nullptr) TF_DeleteTensor(t);
  }
  std::vector<float> run_values(int nfeeds, const TF_Output* fetch,
                                bool train) {
    TF_Tensor* t = run(nfeeds, fetch, train);
    std::vector<float> v = to_vector(t);
    TF_DeleteTensor(t);
    return v;
  }

 private:
  TF_Graph* graph_;
  TF_Session* session_ = nullptr;
  Status status_;
  std::uint64_t next_name_ = 0;
  std::vector<Variable> variables_;
  std::vector<TF_Operation*> initializers_;
  std::vector<TF_Operation*> updates_;
  std::vector<TF_Output> feed_ops_;
  std::vector<TF_Tensor*> feeds_;
};

}  // namespace

std::string version() { return TF_Version(); }

bool set_quiet_environment() {
  bool changed = false;
  for (const auto& [name, value] : {std::pair{"TF_CPP_MIN_LOG_LEVEL", "1"},
                                    std::pair{"TF_ENABLE_ONEDNN_OPTS", "0"}}) {
    if (std::getenv(name) == nullptr) {
      ::setenv(name, value, 0);
      changed = true;
    }
  }
  return changed;
}

// ----- GEMM ---------------------------------------------------------------

struct Gemm::Impl {
  Model m;
  TF_Output c{};
};
Gemm::Gemm(const GemmData& d, int threads) : impl_(new Impl) {
  Model& m = impl_->m;
  const TF_Output a = m.feed({d.n, d.n}, {d.n, d.n}, d.a);
  const TF_Output b = m.feed({d.n, d.n}, {d.n, d.n}, d.b);
  impl_->c = m.matmul(a, b);
  m.open(threads);
}
Gemm::~Gemm() = default;
void Gemm::run() { impl_->m.run_and_drop(2, &impl_->c, false); }
std::vector<float> Gemm::result() {
  return impl_->m.run_values(2, &impl_->c, false);
}

// ----- MLP ----------------------------------------------------------------

struct Mlp::Impl {
  Model m;
  TF_Output loss{}, probabilities{};
};
Mlp::Mlp(const MlpData& d, int threads) : impl_(new Impl) {
  Model& m = impl_->m;
  // x first: the forward pass feeds it alone.
  const TF_Output x = m.feed({-1, d.in}, {d.batch, d.in}, d.x);
  const TF_Output y = m.feed({-1, d.classes}, {d.batch, d.classes}, d.y);
  const Variable w1 = m.variable({d.in, d.hidden}, d.w1);
  const Variable b1 = m.variable({d.hidden}, d.b1);
  const Variable w2 = m.variable({d.hidden, d.classes}, d.w2);
  const Variable b2 = m.variable({d.classes}, d.b2);
  const TF_Output h = m.relu(m.bias_add(m.matmul(x, w1.read), b1.read));
  const TF_Output logits = m.bias_add(m.matmul(h, w2.read), b2.read);
  impl_->probabilities = m.op("Softmax").in(logits).type("T", TF_FLOAT).out();
  impl_->loss = m.loss(logits, y);
  m.sgd(impl_->loss, d.learning_rate);
  m.open(threads);
}
Mlp::~Mlp() = default;
void Mlp::step() { impl_->m.run_and_drop(2, &impl_->loss, true); }
void Mlp::forward() { impl_->m.run_and_drop(1, &impl_->probabilities, false); }
std::vector<float> Mlp::losses(int steps) {
  std::vector<float> out;
  for (int i = 0; i < steps; ++i) {
    out.push_back(impl_->m.run_values(2, &impl_->loss, true).at(0));
  }
  return out;
}
std::vector<float> Mlp::probabilities() {
  return impl_->m.run_values(1, &impl_->probabilities, false);
}

// ----- CNN ----------------------------------------------------------------

struct Cnn::Impl {
  Model m;
  TF_Output loss{};
};
Cnn::Cnn(const CnnData& d, int threads) : impl_(new Impl) {
  Model& m = impl_->m;
  // (batch, side, side) pixels are the bytes of NHWC with one channel.
  const TF_Output x =
      m.feed({-1, d.side, d.side, 1}, {d.batch, d.side, d.side, 1}, d.x);
  const TF_Output y = m.feed({-1, d.classes}, {d.batch, d.classes}, d.y);
  const Variable kernel = m.variable({3, 3, 1, d.filters}, d.kernel);
  const Variable conv_bias = m.variable({d.filters}, d.conv_bias);
  const Variable dense = m.variable({d.features(), d.classes}, d.dense);
  const Variable dense_bias = m.variable({d.classes}, d.dense_bias);
  const TF_Output conv = m.op("Conv2D")
                             .in(x)
                             .in(kernel.read)
                             .type("T", TF_FLOAT)
                             .ints("strides", {1, 1, 1, 1})
                             .str("padding", "VALID")
                             .str("data_format", "NHWC")
                             .out();
  const TF_Output c = m.relu(m.bias_add(conv, conv_bias.read));
  const TF_Output pooled = m.op("MaxPool")
                               .in(c)
                               .type("T", TF_FLOAT)
                               .ints("ksize", {1, 2, 2, 1})
                               .ints("strides", {1, 2, 2, 1})
                               .str("padding", "VALID")
                               .str("data_format", "NHWC")
                               .out();
  const TF_Output flat =
      m.op("Reshape")
          .in(pooled)
          .in(m.int32s({-1, static_cast<std::int32_t>(d.features())}))
          .type("T", TF_FLOAT)
          .type("Tshape", TF_INT32)
          .out();
  const TF_Output logits =
      m.bias_add(m.matmul(flat, dense.read), dense_bias.read);
  impl_->loss = m.loss(logits, y);
  m.sgd(impl_->loss, d.learning_rate);
  m.open(threads);
}
Cnn::~Cnn() = default;
void Cnn::step() { impl_->m.run_and_drop(2, &impl_->loss, true); }
std::vector<float> Cnn::losses(int steps) {
  std::vector<float> out;
  for (int i = 0; i < steps; ++i) {
    out.push_back(impl_->m.run_values(2, &impl_->loss, true).at(0));
  }
  return out;
}

// ----- tiny ---------------------------------------------------------------

struct Tiny::Impl {
  Model m;
  TF_Output sum{};
};
Tiny::Tiny(int threads) : impl_(new Impl) {
  Model& m = impl_->m;
  const TF_Output x = m.feed({1}, {1}, {1.0f});
  impl_->sum = m.op("AddV2").in(x).in(m.scalar(1.0f)).type("T", TF_FLOAT).out();
  m.open(threads);
}
Tiny::~Tiny() = default;
void Tiny::run() { impl_->m.run_and_drop(1, &impl_->sum, false); }
float Tiny::value() { return impl_->m.run_values(1, &impl_->sum, false).at(0); }

}  // namespace tensorplug::bench::tf_baseline
