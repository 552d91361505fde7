// bias_add(x, bias, data_format=None): adds a bias per channel (1-D bias)
// or per channel and position (bias of rank ndim(x) - 1, laid out as Keras:
// x.shape[1:] for channels_last, (spatial..., channels) for channels_first).
// Its backward op bias_add_grad(grad, bias) sums grad onto the bias's shape.
#include <vector>

#include "ops/nn_common.hpp"
#include "text.hpp"

namespace tptk {

extern const OpDef kBiasAddGrad;

namespace {

constexpr AttrSpec kBiasAddAttrs[] = {{"data_format", kAttrString | kAttrNone}};

/** Checks bias's shape against x's (static or concrete). */
void check_bias(const OpDef& op, const Shape& x, const Shape& bias,
                bool first) {
  if (x.size() < 2) {
    fail(TP_ERROR_SHAPE, op.name, ": x must have rank 2 or more, got shape ",
         format_shape(x));
  }
  if (bias.size() != 1 && bias.size() != x.size() - 1) {
    fail(TP_ERROR_SHAPE, op.name, ": unexpected bias dimensions ", bias.size(),
         " (bias shape ", format_shape(bias), "), expected 1 or ", x.size() - 1,
         " for x shape ", format_shape(x));
  }
  Shape expected;
  if (bias.size() == 1) {
    expected = {first && x.size() >= 3 ? x[1] : x.back()};
  } else if (!first) {
    expected.assign(x.begin() + 1, x.end());
  } else {
    expected.assign(x.begin() + 2, x.end());
    expected.push_back(x[1]);
  }
  if (!may_equal(expected, bias)) {
    fail(TP_ERROR_SHAPE, op.name, ": bias shape ", format_shape(bias),
         " does not match x shape ", format_shape(x), " (",
         first ? "channels_first" : "channels_last", ", expected bias shape ",
         format_shape(expected), ")");
  }
}

Signature infer_bias_add(const OpDef& op, std::span<const NodePtr> inputs,
                         const Attrs& attrs) {
  const Node& x = *inputs[0];
  const Node& bias = *inputs[1];
  const bool first = channels_first(op, attrs);
  require_float(op, x, "x");
  require_same_dtype(op, x, "x", bias, "bias");
  check_bias(op, x.shape, bias.shape, first);
  return {x.dtype, x.shape};
}

Signature infer_bias_add_grad(const OpDef&, std::span<const NodePtr> inputs,
                              const Attrs&) {
  return {inputs[0]->dtype, inputs[1]->shape};
}

/**
 * Calls fn(x index, bias index) for every element of x. Layout: per-channel
 * bias on axis c, or a full bias (channels_last: x[n, m] -> bias[m];
 * channels_first: x[n, c, s] -> bias[s, c]).
 */
template <class Fn>
void for_each_pair(const Shape& x, const Shape& bias, bool first, Fn fn) {
  std::size_t total = 1;
  for (auto d : x) total *= static_cast<std::size_t>(d);
  if (total == 0) return;
  if (bias.size() == 1) {
    const std::size_t axis = first && x.size() >= 3 ? 1 : x.size() - 1;
    const AxisView v = axis_view(x, axis);
    std::size_t k = 0;
    for (std::size_t o = 0; o < v.outer; ++o) {
      for (std::size_t c = 0; c < v.n; ++c) {
        for (std::size_t i = 0; i < v.inner; ++i) fn(k++, c);
      }
    }
    return;
  }
  const auto n = static_cast<std::size_t>(x[0]);
  const std::size_t per = total / n;
  if (!first) {
    for (std::size_t k = 0; k < total; ++k) fn(k, k % per);
    return;
  }
  const auto c_count = static_cast<std::size_t>(x[1]);
  const std::size_t s_count = per / c_count;
  std::size_t k = 0;
  for (std::size_t b = 0; b < n; ++b) {
    for (std::size_t c = 0; c < c_count; ++c) {
      for (std::size_t s = 0; s < s_count; ++s) fn(k++, s * c_count + c);
    }
  }
}

Array eval_bias_add(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  const Array& bias = *in[1];
  const bool first = channels_first(*node.op, node.attrs);
  check_bias(*node.op, x.shape(), bias.shape(), first);
  Array out(x.shape(), x.dtype());
  dispatch_float(x.dtype(), node.op->name, [&]<class T>() {
    const T* px = x.data<T>();
    const T* pb = bias.data<T>();
    T* po = out.data<T>();
    for_each_pair(x.shape(), bias.shape(), first,
                  [&](std::size_t k, std::size_t j) {
                    po[k] = static_cast<T>(static_cast<Acc<T>>(px[k]) +
                                           static_cast<Acc<T>>(pb[j]));
                  });
  });
  return out;
}

Array eval_bias_add_grad(const Node& node, std::span<const Array* const> in) {
  const Array& g = *in[0];
  const Array& bias = *in[1];
  const bool first = channels_first(*node.op, node.attrs);
  Array out(bias.shape(), g.dtype());
  dispatch_float(g.dtype(), node.op->name, [&]<class T>() {
    std::vector<Acc<T>> acc(bias.size(), 0);
    const T* pg = g.data<T>();
    for_each_pair(g.shape(), bias.shape(), first,
                  [&](std::size_t k, std::size_t j) {
                    acc[j] += static_cast<Acc<T>>(pg[k]);
                  });
    T* po = out.data<T>();
    for (std::size_t j = 0; j < acc.size(); ++j) po[j] = static_cast<T>(acc[j]);
  });
  return out;
}

std::vector<NodePtr> vjp_bias_add(const Node& node, const NodePtr& grad) {
  return {grad, apply_op(kBiasAddGrad, {grad, node.inputs[1]}, node.attrs)};
}

}  // namespace

const OpDef kBiasAdd{
    "bias_add",   2, 2, kBiasAddAttrs, &infer_bias_add, &eval_bias_add,
    &vjp_bias_add};
const OpDef kBiasAddGrad{
    "bias_add_grad",     2,      2, kBiasAddAttrs, &infer_bias_add_grad,
    &eval_bias_add_grad, nullptr};

}  // namespace tptk

TPTK_EXPORT_NN_OP(bias_add, tptk::kBiasAdd, tptk::kNeedsDataFormat)
TPTK_INTERNAL_OP(bias_add_grad, tptk::kBiasAddGrad)
