// dropout(x, level, noise_shape=None, seed=None): inverted dropout, as Keras
// (each element kept with probability 1 - level and scaled by 1/(1-level)).
// The entry builds two nodes: the mask (OpDef named "dropout", so that its
// errors name the Keras op: the random scaled 0/1 mask of noise_shape, or of
// x's shape, re-drawn at each evaluation as sample number `draws` of `seed`,
// so a seeded graph repeats its sequence) and `dropout_apply` = x * mask
// (broadcast). The VJP multiplies the gradient by the same mask node, which
// the plan evaluates once per call, so forward and backward see one mask.
#include <cmath>
#include <random>
#include <sstream>

#include "context.hpp"
#include "ops/broadcast.hpp"
#include "ops/nn_common.hpp"
#include "text.hpp"

namespace tptk {

extern const OpDef kDropoutApply;

namespace {

constexpr AttrSpec kMaskAttrs[] = {{"level", kAttrFloat},
                                   {"noise_shape", kAttrInts | kAttrNone},
                                   {"seed", kAttrInt | kAttrNone}};

double level_of(const Attrs& attrs) {
  if (!attrs.has("level")) {
    fail(TP_ERROR_INVALID_ARGUMENT, "dropout: the attribute level is required");
  }
  const double level = attrs.get_float("level", 0.0);
  if (!(level >= 0.0 && level < 1.0)) {
    std::ostringstream shown;
    shown << level;
    fail(TP_ERROR_INVALID_ARGUMENT, "dropout: level ", shown.str(),
         " is not in [0, 1)");
  }
  return level;
}

/** The mask's shape for an x of shape `x` (static or concrete). */
Shape mask_shape(const Attrs& attrs, const Shape& x) {
  const auto noise = attrs.get_ints("noise_shape");
  if (!noise) return x;
  bool ok = noise->size() == x.size();
  for (std::size_t d = 0; ok && d < x.size(); ++d) {
    const int64_t n = (*noise)[d];
    ok = n == 1 || x[d] == kUnknownDim || n == x[d];
  }
  if (!ok) {
    fail(TP_ERROR_SHAPE, "dropout: noise_shape ", format_shape(*noise),
         " does not broadcast to x shape ", format_shape(x));
  }
  return *noise;
}

Signature infer_mask(const OpDef& op, std::span<const NodePtr> inputs,
                     const Attrs& attrs) {
  const Node& x = *inputs[0];
  if (!is_float(x.dtype)) {
    fail(TP_ERROR_DTYPE, "dropout: x has dtype ", tp::dtype_name(x.dtype),
         " (shape ", format_shape(x.shape),
         "); expected float16, float32 or float64");
  }
  (void)op;
  level_of(attrs);
  return {x.dtype, mask_shape(attrs, x.shape)};
}

std::uint64_t splitmix(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Array eval_mask(const Node& node, std::span<const Array* const> in) {
  const double level = level_of(node.attrs);
  const Shape shape = mask_shape(node.attrs, in[0]->shape());
  const auto seed = node.attrs.get_optional_int("seed");
  const std::uint64_t draw = node.draws.fetch_add(1);
  const std::uint64_t base =
      seed ? static_cast<std::uint64_t>(*seed) : std::random_device{}();
  std::mt19937_64 rng(splitmix(base) ^ splitmix(draw + 0x5EEDull));
  // An element is kept when its uniform draw u = k / 2^53 (k the 53 high
  // bits of one 64-bit output) is >= level, i.e. when k >= ceil(level *
  // 2^53): an integer compare, not a floating-point distribution call per
  // element (that was 9% of a Fashion-MNIST CNN step on native).
  const std::uint64_t threshold =
      static_cast<std::uint64_t>(std::ceil(std::ldexp(level, 53)));
  Array out(shape, node.dtype);
  dispatch_float(node.dtype, "dropout", [&]<class T>() {
    const T keep = static_cast<T>(1.0 / (1.0 - level));
    T* p = out.data<T>();
    for (std::size_t i = 0; i < out.size(); ++i) {
      p[i] = (rng() >> 11) >= threshold ? keep : T(0);
    }
  });
  return out;
}

Signature infer_apply(const OpDef&, std::span<const NodePtr> inputs,
                      const Attrs&) {
  return {inputs[0]->dtype, inputs[0]->shape};
}

Array eval_apply(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  const Array& mask = *in[1];
  Array out(x.shape(), x.dtype());
  dispatch_float(x.dtype(), node.op->name, [&]<class T>() {
    broadcast_binary<T>(x, mask, out, [](T a, T b) {
      return static_cast<T>(static_cast<Acc<T>>(a) * static_cast<Acc<T>>(b));
    });
  });
  return out;
}

std::vector<NodePtr> vjp_apply(const Node& node, const NodePtr& grad) {
  return {apply_op(kDropoutApply, {grad, node.inputs[1]}), nullptr};
}

}  // namespace

const OpDef kDropoutMask{"dropout",   1,          1,       kMaskAttrs,
                         &infer_mask, &eval_mask, nullptr, true};
const OpDef kDropoutApply{"dropout_apply", 2,           2,         {},
                          &infer_apply,    &eval_apply, &vjp_apply};

}  // namespace tptk

TPTK_INTERNAL_OP(dropout_mask, tptk::kDropoutMask)
TPTK_INTERNAL_OP(dropout_apply, tptk::kDropoutApply)

/** `dropout(x, level, noise_shape, seed)`: x * dropout_mask(x). */
TP_CPP_EXPORT tp_status tp_dropout(tp_context* context, const tp_op_args* args,
                                   tp_tensor** outputs, tp_error* error) {
  using namespace tptk;
  // Malformed calls: op_entry reports them (naming "dropout").
  if (args == nullptr || args->struct_size < TP_OP_ARGS_STRUCT_SIZE ||
      outputs == nullptr || args->num_outputs != 1) {
    return op_entry(kDropoutMask, context, args, outputs, error);
  }
  tp_tensor* mask = nullptr;
  const tp_status status = op_entry(kDropoutMask, context, args, &mask, error);
  if (status != TP_OK) {
    outputs[0] = nullptr;
    return status;
  }
  return tp::guard(error, "dropout", [&] {
    BackendState& state = state_of(context, "dropout");
    try {
      const NodePtr mask_node = state.lookup(mask, "dropout", "mask");
      const NodePtr& x = mask_node->inputs[0];
      std::string name = mask_node->name;
      mask_node->name = cat(name, "/mask");
      NodePtr node = apply_op(kDropoutApply, {x, mask_node}, {}, name);
      state.release(mask);
      mask = nullptr;
      outputs[0] = state.adopt(std::move(node));
    } catch (...) {
      if (mask != nullptr) state.release(mask);
      throw;
    }
  });
}
