#include "executor.hpp"

#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/ops/op.hpp>
#include <tensorplug/toolkit/text.hpp>

#include <atomic>
#include <cstring>
#include <vector>

#include "graph.hpp"
#include "translate.hpp"

namespace tftf {
namespace {

using tptk::Array;
using tptk::cat;
using tptk::fail;

std::atomic<int> g_threads{0};

/** A serialized tensorflow.ConfigProto setting both thread pools to n. */
std::string thread_config(int n) {
  std::string proto;
  auto varint = [&](std::uint64_t v) {
    while (v >= 0x80) {
      proto.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    proto.push_back(static_cast<char>(v));
  };
  // intra_op_parallelism_threads = 2, inter_op_parallelism_threads = 5
  // (tensorflow/core/protobuf/config.proto), both int32 varints.
  proto.push_back(0x10);
  varint(static_cast<std::uint64_t>(n));
  proto.push_back(0x28);
  varint(static_cast<std::uint64_t>(n));
  return proto;
}

/** Keeps a toolkit buffer alive while TensorFlow reads it. */
void drop_share(void*, std::size_t, void* arg) noexcept {
  delete static_cast<std::shared_ptr<std::byte[]>*>(arg);
}
void no_release(void*, std::size_t, void*) noexcept {}

class TfExecutor final : public tptk::Executor {
 public:
  explicit TfExecutor(const tptk::Plan& plan);
  ~TfExecutor() override;
  TfExecutor(const TfExecutor&) = delete;
  TfExecutor& operator=(const TfExecutor&) = delete;

  void run(const tptk::Plan& plan, tptk::Evaluation& ev) override;

 private:
  const Api& tf_;
  TF_Graph* graph_ = nullptr;
  TF_Session* session_ = nullptr;
  /** Fed at each call: the plan's input slots, then its variable reads. */
  std::vector<TF_Output> feeds_;
  std::vector<std::size_t> feed_slots_;
  std::vector<bool> feed_borrowed_;  // a caller's tensor, valid in the call
  /** Fetched: each step result that is an output or update value, once. */
  std::vector<TF_Output> fetches_;
  std::vector<std::size_t> fetch_slots_;
  std::vector<const tptk::Node*> fetch_nodes_;
};

TfExecutor::TfExecutor(const tptk::Plan& plan) : tf_(api()) {
  graph_ = tf_.TF_NewGraph();
  try {
    Builder b(tf_, graph_);
    std::vector<TF_Output> value(plan.num_slots, TF_Output{nullptr, 0});
    auto placeholder = [&](const tptk::Node& node, std::size_t slot) {
      std::vector<std::int64_t> dims(node.shape.begin(), node.shape.end());
      for (std::int64_t& d : dims) {
        if (d == tptk::kUnknownDim) d = -1;
      }
      value[slot] =
          b.op("Placeholder")
              .attr_type("dtype", node.dtype)
              .attr_shape("shape", dims, static_cast<int>(dims.size()))
              .out();
      feeds_.push_back(value[slot]);
      feed_slots_.push_back(slot);
    };
    for (std::size_t i = 0; i < plan.input_slots.size(); ++i) {
      placeholder(*plan.inputs[i], plan.input_slots[i]);
      feed_borrowed_.push_back(true);
    }
    for (const tptk::Plan::VariableRead& read : plan.variable_reads) {
      placeholder(*read.variable, read.slot);
      feed_borrowed_.push_back(false);
    }
    for (const tptk::Plan::Folded& f : plan.folded) {
      value[f.slot] = b.constant(f.value);
    }
    std::vector<TF_Output> args;
    for (const tptk::Plan::Step& step : plan.steps) {
      const tptk::Node& node = *step.node;
      const Translation translate = find_translation(node.op->name);
      if (translate == nullptr) {
        fail(TP_ERROR_NOT_IMPLEMENTED,
             "function: the tensorflow backend has "
             "no translation of op '",
             node.op->name, "' (node ", tptk::quoted(node.name), ")");
      }
      args.clear();
      for (std::size_t s : step.args) args.push_back(value[s]);
      b.node = &node;
      value[step.out] = translate(b, node, args);
      b.node = nullptr;
    }
    std::vector<bool> produced(plan.num_slots, false);
    for (const tptk::Plan::Step& step : plan.steps) produced[step.out] = true;
    std::vector<bool> fetched(plan.num_slots, false);
    auto fetch = [&](std::size_t slot) {
      if (!produced[slot] || fetched[slot]) return;
      fetched[slot] = true;
      // TensorFlow refuses to fetch a tensor it is fed ("both fed and
      // fetched"): a step whose translation is its fed operand itself
      // (a cast to the same dtype, a reshape to the same shape) is fetched
      // through an Identity.
      TF_Output out = value[slot];
      for (const TF_Output& f : feeds_) {
        if (f.oper == out.oper && f.index == out.index) {
          out = b.op("Identity").in(out).out();
          break;
        }
      }
      fetches_.push_back(out);
      fetch_slots_.push_back(slot);
      for (const tptk::Plan::Step& step : plan.steps) {
        if (step.out == slot) fetch_nodes_.push_back(step.node);
      }
    };
    for (std::size_t s : plan.output_slots) fetch(s);
    for (std::size_t s : plan.update_value_slots) fetch(s);

    TF_SessionOptions* options = tf_.TF_NewSessionOptions();
    Status s;
    const int threads = g_threads.load(std::memory_order_relaxed);
    if (threads > 0) {
      const std::string proto = thread_config(threads);
      tf_.TF_SetConfig(options, proto.data(), proto.size(), s.get());
      if (!s.ok()) tf_.TF_DeleteSessionOptions(options);
      s.check("function: tensorflow: TF_SetConfig");
    }
    session_ = tf_.TF_NewSession(graph_, options, s.get());
    tf_.TF_DeleteSessionOptions(options);
    s.check("function: tensorflow: TF_NewSession");
  } catch (...) {
    tf_.TF_DeleteGraph(graph_);
    throw;
  }
}

TfExecutor::~TfExecutor() {
  Status s;
  tf_.TF_CloseSession(session_, s.get());
  tf_.TF_DeleteSession(session_, s.get());
  tf_.TF_DeleteGraph(graph_);
}

/** A TF_Tensor reading `a` in place (or TF's aligned copy of it). */
TF_Tensor* feed_tensor(const Api& tf, const Array& a, bool borrowed) {
  const tptk::Shape& shape = a.shape();
  std::int64_t dims[32];
  const int ndim = static_cast<int>(shape.size());
  if (ndim > 32) {
    fail(TP_ERROR_NOT_IMPLEMENTED, "tensorflow: more than 32 dimensions");
  }
  for (int d = 0; d < ndim; ++d) dims[d] = shape[d];
  const TF_DataType type = tf_dtype(a.dtype());
  TF_Tensor* t = nullptr;
  if (a.nbytes() == 0) {
    t = tf.TF_AllocateTensor(type, dims, ndim, 0);
  } else if (borrowed || !a.storage()) {
    t = tf.TF_NewTensor(type, dims, ndim, const_cast<std::byte*>(a.bytes()),
                        a.nbytes(), &no_release, nullptr);
  } else {
    auto* share = new std::shared_ptr<std::byte[]>(a.storage());
    t = tf.TF_NewTensor(type, dims, ndim, const_cast<std::byte*>(a.bytes()),
                        a.nbytes(), &drop_share, share);
  }
  if (t == nullptr) {
    fail(TP_ERROR_OUT_OF_MEMORY, "tensorflow: cannot make an input tensor");
  }
  return t;
}

void TfExecutor::run(const tptk::Plan& plan, tptk::Evaluation& ev) {
  const std::size_t nf = feeds_.size();
  const std::size_t no = fetches_.size();
  // Nothing computed (every output and update value is an input, a
  // variable or a constant, which the toolkit hands out itself).
  if (no == 0) return;
  std::vector<TF_Tensor*> in(nf, nullptr);
  std::vector<TF_Tensor*> out(no, nullptr);
  struct Cleanup {
    const Api& tf;
    std::vector<TF_Tensor*>& in;
    std::vector<TF_Tensor*>& out;
    ~Cleanup() {
      for (TF_Tensor* t : in) {
        if (t != nullptr) tf.TF_DeleteTensor(t);
      }
      for (TF_Tensor* t : out) {
        if (t != nullptr) tf.TF_DeleteTensor(t);
      }
    }
  } cleanup{tf_, in, out};
  for (std::size_t i = 0; i < nf; ++i) {
    in[i] = feed_tensor(tf_, *ev.slots[feed_slots_[i]], feed_borrowed_[i]);
  }
  Status s;
  tf_.TF_SessionRun(session_, nullptr, feeds_.data(), in.data(),
                    static_cast<int>(nf), fetches_.data(), out.data(),
                    static_cast<int>(no), nullptr, 0, nullptr, s.get());
  s.check(plan.label);
  for (std::size_t i = 0; i < no; ++i) {
    const std::size_t slot = fetch_slots_[i];
    const tptk::Node* node = fetch_nodes_[i];
    TF_Tensor* t = out[i];
    const DLDataType dtype = dl_dtype(tf_.TF_TensorType(t));
    if (!tp::dtype_equal(dtype, node->dtype)) {
      fail(TP_ERROR_INTERNAL, plan.label, ": tensorflow computed ",
           tptk::quoted(node->name), " (op ", node->op->name, ") as ",
           tptk::dtype_label(dtype), ", expected ",
           tptk::dtype_label(node->dtype));
    }
    tptk::Shape shape;
    for (int d = 0; d < tf_.TF_NumDims(t); ++d)
      shape.push_back(tf_.TF_Dim(t, d));
    const std::byte* data = static_cast<const std::byte*>(tf_.TF_TensorData(t));
    const std::size_t bytes = tf_.TF_TensorByteSize(t);
    // A result that is (a view of) a caller's input is copied: that memory
    // is the caller's again when the call returns.
    bool aliases_input = false;
    for (std::size_t f = 0; f < nf && bytes > 0; ++f) {
      if (!feed_borrowed_[f]) continue;
      const Array& a = *ev.slots[feed_slots_[f]];
      if (data < a.bytes() + a.nbytes() && a.bytes() < data + bytes) {
        aliases_input = true;
      }
    }
    Array value;
    if (bytes == 0) {
      value = Array(std::move(shape), dtype);
    } else if (aliases_input) {
      value = Array::uninitialized(std::move(shape), dtype);
      std::memcpy(value.bytes(), data, value.nbytes());
    } else {
      TF_Tensor* owned = t;
      out[i] = nullptr;
      const Api* tf = &tf_;
      value = Array::adopt(
          std::move(shape), dtype,
          std::shared_ptr<std::byte[]>(
              static_cast<std::byte*>(const_cast<std::byte*>(data)),
              [tf, owned](std::byte*) { tf->TF_DeleteTensor(owned); }));
    }
    if (value.nbytes() != bytes && bytes != 0) {
      fail(TP_ERROR_INTERNAL, plan.label, ": tensorflow returned ", bytes,
           " bytes for a value of ", value.nbytes());
    }
    ev.owned[slot] = std::move(value);
    ev.slots[slot] = &ev.owned[slot];
  }
}

}  // namespace

void set_session_threads(int threads) noexcept {
  g_threads.store(threads, std::memory_order_relaxed);
}

std::unique_ptr<tptk::Executor> make_executor(const tptk::Plan& plan) {
  return std::make_unique<TfExecutor>(plan);
}

}  // namespace tftf
