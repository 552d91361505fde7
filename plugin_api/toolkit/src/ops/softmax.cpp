// softmax(x, axis=-1): exp(x - max) / sum(exp(x - max)) along `axis`, and its
// fused backward op softmax_grad(x, grad) = y * (grad - sum(grad * y)).
#include <algorithm>
#include <cmath>
#include <vector>

#include "ops/nn_common.hpp"
#include "text.hpp"

namespace tptk {

extern const OpDef kSoftmaxGrad;

namespace {

constexpr AttrSpec kSoftmaxAttrs[] = {{"axis", kAttrInt}};

Signature infer_softmax(const OpDef& op, std::span<const NodePtr> inputs,
                        const Attrs& attrs) {
  const Node& x = *inputs[0];
  require_float(op, x, "x");
  if (x.shape.empty()) {
    fail(TP_ERROR_SHAPE, op.name, ": cannot apply softmax to a scalar ",
         "(shape ())");
  }
  normalize_axis(op, attrs.get_int("axis", -1), x.shape.size(), x.shape);
  if (inputs.size() == 2 && !may_equal(inputs[1]->shape, x.shape)) {
    fail(TP_ERROR_SHAPE, op.name, ": grad shape ",
         format_shape(inputs[1]->shape), " differs from x shape ",
         format_shape(x.shape));
  }
  return {x.dtype, x.shape};
}

/** y = softmax of one row (n elements, stride `inner`) into `y` (Acc). */
template <class T>
void softmax_row(const T* x, std::size_t n, std::size_t inner, Acc<T>* y) {
  using A = Acc<T>;
  A m = static_cast<A>(x[0]);
  for (std::size_t j = 1; j < n; ++j)
    m = std::max(m, static_cast<A>(x[j * inner]));
  A s = 0;
  for (std::size_t j = 0; j < n; ++j) {
    y[j] = std::exp(static_cast<A>(x[j * inner]) - m);
    s += y[j];
  }
  for (std::size_t j = 0; j < n; ++j) y[j] /= s;
}

/** Calls fn(row offset) for each row along `axis`. */
template <class Fn>
void for_rows(const AxisView& v, Fn fn) {
  for (std::size_t o = 0; o < v.outer; ++o) {
    for (std::size_t i = 0; i < v.inner; ++i) fn(o * v.n * v.inner + i);
  }
}

Array eval_softmax(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  const std::size_t axis = normalize_axis(
      *node.op, node.attrs.get_int("axis", -1), x.shape().size(), x.shape());
  const AxisView v = axis_view(x.shape(), axis);
  Array out(x.shape(), x.dtype());
  dispatch_float(x.dtype(), node.op->name, [&]<class T>() {
    std::vector<Acc<T>> y(v.n);
    const T* px = x.data<T>();
    T* po = out.data<T>();
    if (v.n == 0) return;
    for_rows(v, [&](std::size_t base) {
      softmax_row(px + base, v.n, v.inner, y.data());
      for (std::size_t j = 0; j < v.n; ++j) {
        po[base + j * v.inner] = static_cast<T>(y[j]);
      }
    });
  });
  return out;
}

Array eval_softmax_grad(const Node& node, std::span<const Array* const> in) {
  const Array& x = *in[0];
  const Array& g = *in[1];
  if (g.shape() != x.shape()) {
    fail(TP_ERROR_SHAPE, node.op->name, ": grad shape ",
         format_shape(g.shape()), " differs from x shape ",
         format_shape(x.shape()));
  }
  const std::size_t axis = normalize_axis(
      *node.op, node.attrs.get_int("axis", -1), x.shape().size(), x.shape());
  const AxisView v = axis_view(x.shape(), axis);
  Array out(x.shape(), x.dtype());
  dispatch_float(x.dtype(), node.op->name, [&]<class T>() {
    using A = Acc<T>;
    std::vector<A> y(v.n);
    const T* px = x.data<T>();
    const T* pg = g.data<T>();
    T* po = out.data<T>();
    if (v.n == 0) return;
    for_rows(v, [&](std::size_t base) {
      softmax_row(px + base, v.n, v.inner, y.data());
      A dot = 0;
      for (std::size_t j = 0; j < v.n; ++j) {
        dot += y[j] * static_cast<A>(pg[base + j * v.inner]);
      }
      for (std::size_t j = 0; j < v.n; ++j) {
        const std::size_t k = base + j * v.inner;
        po[k] = static_cast<T>(y[j] * (static_cast<A>(pg[k]) - dot));
      }
    });
  });
  return out;
}

std::vector<NodePtr> vjp_softmax(const Node& node, const NodePtr& grad) {
  return {apply_op(kSoftmaxGrad, {node.inputs[0], grad}, node.attrs)};
}

}  // namespace

const OpDef kSoftmax{
    "softmax",     1,           1, kSoftmaxAttrs, &infer_softmax,
    &eval_softmax, &vjp_softmax};
const OpDef kSoftmaxGrad{
    "softmax_grad",     2,      2, kSoftmaxAttrs, &infer_softmax,
    &eval_softmax_grad, nullptr};

}  // namespace tptk

TPTK_EXPORT_OP(softmax, tptk::kSoftmax)
TPTK_INTERNAL_OP(softmax_grad, tptk::kSoftmaxGrad)
