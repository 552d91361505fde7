// The Keras 2.2 crossentropies (TF backend): categorical_crossentropy,
// sparse_categorical_crossentropy and binary_crossentropy, each with a fused
// backward op `<name>_grad(target, output, grad)` giving d loss / d output
// (the target gets no gradient). `epsilon` is the context's, added by the
// entry (nn_op_entry).
#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "ops/nn_common.hpp"
#include "text.hpp"

namespace tptk {

extern const OpDef kCategoricalGrad;
extern const OpDef kSparseGrad;
extern const OpDef kBinaryGrad;

namespace {

constexpr AttrSpec kAxisAttrs[] = {
    {"from_logits", kAttrBool}, {"axis", kAttrInt}, {"epsilon", kAttrFloat}};
constexpr AttrSpec kBinaryAttrs[] = {{"from_logits", kAttrBool},
                                     {"epsilon", kAttrFloat}};

bool grad_op(const OpDef& op) {
  return &op == &kCategoricalGrad || &op == &kSparseGrad || &op == &kBinaryGrad;
}

/** Checks the grad operand of a backward op against the loss's shape. */
void check_grad(const OpDef& op, const Shape& grad, const Shape& loss) {
  if (!may_equal(grad, loss)) {
    fail(TP_ERROR_SHAPE, op.name, ": grad shape ", format_shape(grad),
         " differs from the loss shape ", format_shape(loss));
  }
}

/** The loss shape of categorical/sparse; checks the target's shape. */
Shape axis_loss_shape(const OpDef& op, const Attrs& attrs, const Shape& t,
                      const Shape& o, bool sparse) {
  if (o.empty()) {
    fail(TP_ERROR_SHAPE, op.name, ": output must have rank 1 or more, got ",
         "shape ()");
  }
  const std::size_t axis =
      normalize_axis(op, attrs.get_int("axis", -1), o.size(), o);
  Shape loss = drop_axis(o, axis);
  bool ok = may_equal(t, o);
  if (sparse) {
    Shape with_one = o;
    with_one[axis] = 1;
    ok = may_equal(t, loss) || may_equal(t, with_one);
  }
  if (!ok) {
    fail(TP_ERROR_SHAPE, op.name, ": target shape ", format_shape(t),
         " does not match output shape ", format_shape(o),
         sparse ? " (expected the output's shape without the class axis)" : "");
  }
  return loss;
}

Signature infer_xent(const OpDef& op, std::span<const NodePtr> inputs,
                     const Attrs& attrs) {
  const Node& t = *inputs[0];
  const Node& o = *inputs[1];
  require_float(op, o, "output");
  const bool sparse =
      &op == &kSparseGrad || std::string_view(op.name).starts_with("sparse");
  const bool binary = std::string_view(op.name).starts_with("binary");
  if (sparse) {
    if (is_bool(t.dtype)) {
      fail(TP_ERROR_DTYPE, op.name, ": target has dtype bool; expected ",
           "integer or float class indices");
    }
  } else {
    require_same_dtype(op, t, "target", o, "output");
  }
  Shape loss;
  if (binary) {
    if (!may_equal(t.shape, o.shape)) {
      fail(TP_ERROR_SHAPE, op.name, ": target shape ", format_shape(t.shape),
           " and output shape ", format_shape(o.shape), " differ");
    }
    loss = o.shape;
  } else {
    loss = axis_loss_shape(op, attrs, t.shape, o.shape, sparse);
  }
  if (grad_op(op)) {
    check_grad(op, inputs[2]->shape, loss);
    return {o.dtype, o.shape};
  }
  return {o.dtype, std::move(loss)};
}

struct Ctx {
  bool logits;
  double eps;
};

Ctx ctx_of(const Node& node) {
  return {node.attrs.get_bool("from_logits", false),
          node.attrs.get_float("epsilon", 1e-7)};
}

template <class A>
A clip(A v, A eps) {
  return std::min(std::max(v, eps), A(1) - eps);
}

template <class A>
bool inside(A v, A eps) {
  return v >= eps && v <= A(1) - eps;
}

/** One row along the class axis: n elements at base + j * inner. */
struct Rows {
  AxisView v;
  template <class Fn>
  void each(Fn fn) const {
    for (std::size_t o = 0; o < v.outer; ++o) {
      for (std::size_t i = 0; i < v.inner; ++i) {
        fn(o * v.inner + i, o * v.n * v.inner + i);
      }
    }
  }
};

/** Class index of sparse target element r (checked). */
std::vector<int64_t> class_indices(const OpDef& op, const Array& t,
                                   std::size_t classes) {
  std::vector<int64_t> out(t.size());
  dispatch_numeric(t.dtype(), op.name, [&]<class T>() {
    const T* p = t.data<T>();
    for (std::size_t r = 0; r < out.size(); ++r) {
      const double v = static_cast<double>(p[r]);
      if (!(v >= 0 && v < static_cast<double>(classes))) {
        std::ostringstream shown;
        shown << v;
        fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": target class ", shown.str(),
             " (element ", r, ") is out of range for ", classes, " classes");
      }
      out[r] = static_cast<int64_t>(v);
    }
  });
  return out;
}

/** categorical and sparse, forward and backward. */
template <bool sparse, bool backward>
Array eval_axis_xent(const Node& node, std::span<const Array* const> in) {
  const OpDef& op = *node.op;
  const Array& t = *in[0];
  const Array& o = *in[1];
  const Shape loss_shape =
      axis_loss_shape(op, node.attrs, t.shape(), o.shape(), sparse);
  if (backward && in[2]->shape() != loss_shape) {
    check_grad(op, in[2]->shape(), loss_shape);
  }
  const std::size_t axis = normalize_axis(op, node.attrs.get_int("axis", -1),
                                          o.shape().size(), o.shape());
  const Rows rows{axis_view(o.shape(), axis)};
  const Ctx c = ctx_of(node);
  std::vector<int64_t> cls;
  if (sparse) cls = class_indices(op, t, rows.v.n);
  Array out(backward ? o.shape() : loss_shape, o.dtype());
  const std::size_t n = rows.v.n, inner = rows.v.inner;
  dispatch_float(o.dtype(), op.name, [&]<class T>() {
    using A = Acc<T>;
    const A eps = static_cast<A>(c.eps);
    const T* po = o.data<T>();
    const T* pt = sparse ? nullptr : t.data<T>();
    const T* pg = backward ? in[2]->data<T>() : nullptr;
    T* pr = out.data<T>();
    std::vector<A> p(n), tv(n);
    rows.each([&](std::size_t r, std::size_t base) {
      if (n == 0) {
        if (!backward) pr[r] = T(0);
        return;
      }
      for (std::size_t j = 0; j < n; ++j) {
        p[j] = static_cast<A>(po[base + j * inner]);
        tv[j] = sparse ? A(cls[r] == static_cast<int64_t>(j) ? 1 : 0)
                       : static_cast<A>(pt[base + j * inner]);
      }
      A tsum = 0;
      for (std::size_t j = 0; j < n; ++j) tsum += tv[j];
      if (c.logits) {  // p holds logits
        const A m = *std::max_element(p.begin(), p.end());
        A s = 0;
        for (std::size_t j = 0; j < n; ++j) s += std::exp(p[j] - m);
        const A lse = m + std::log(s);
        if constexpr (!backward) {
          A l = 0;
          for (std::size_t j = 0; j < n; ++j) l -= tv[j] * (p[j] - lse);
          pr[r] = static_cast<T>(l);
        } else {
          const A g = static_cast<A>(pg[r]);
          for (std::size_t j = 0; j < n; ++j) {
            pr[base + j * inner] =
                static_cast<T>(g * (std::exp(p[j] - lse) * tsum - tv[j]));
          }
        }
        return;
      }
      if constexpr (sparse) {
        // Keras: log(clip(output)) as logits of a softmax crossentropy.
        A s = 0;
        for (std::size_t j = 0; j < n; ++j) s += clip(p[j], eps);
        const std::size_t k = static_cast<std::size_t>(cls[r]);
        if constexpr (!backward) {
          pr[r] = static_cast<T>(std::log(s) - std::log(clip(p[k], eps)));
        } else {
          const A g = static_cast<A>(pg[r]);
          for (std::size_t j = 0; j < n; ++j) {
            A d = A(1) / s - (j == k ? A(1) / clip(p[j], eps) : A(0));
            if (!inside(p[j], eps)) d = 0;
            pr[base + j * inner] = static_cast<T>(g * d);
          }
        }
      } else {
        // Keras: output / sum(output), clipped, then -sum(t * log).
        A s = 0;
        for (std::size_t j = 0; j < n; ++j) s += p[j];
        if constexpr (!backward) {
          A l = 0;
          for (std::size_t j = 0; j < n; ++j) {
            l -= tv[j] * std::log(clip(p[j] / s, eps));
          }
          pr[r] = static_cast<T>(l);
        } else {
          const A g = static_cast<A>(pg[r]);
          std::vector<A>& dq = tv;  // reuse: d loss / d (p / s)
          A dot = 0;
          for (std::size_t j = 0; j < n; ++j) {
            const A q = p[j] / s;
            dq[j] = inside(q, eps) ? -tv[j] / q : A(0);
            dot += dq[j] * q;
          }
          for (std::size_t j = 0; j < n; ++j) {
            pr[base + j * inner] = static_cast<T>(g * (dq[j] - dot) / s);
          }
        }
      }
    });
  });
  return out;
}

template <bool backward>
Array eval_binary_xent(const Node& node, std::span<const Array* const> in) {
  const OpDef& op = *node.op;
  const Array& t = *in[0];
  const Array& o = *in[1];
  if (t.shape() != o.shape()) {
    fail(TP_ERROR_SHAPE, op.name, ": target shape ", format_shape(t.shape()),
         " and output shape ", format_shape(o.shape()), " differ");
  }
  if (backward) check_grad(op, in[2]->shape(), o.shape());
  const Ctx c = ctx_of(node);
  Array out(o.shape(), o.dtype());
  dispatch_float(o.dtype(), op.name, [&]<class T>() {
    using A = Acc<T>;
    const A eps = static_cast<A>(c.eps);
    const T* po = o.data<T>();
    const T* pt = t.data<T>();
    const T* pg = backward ? in[2]->data<T>() : nullptr;
    T* pr = out.data<T>();
    for (std::size_t i = 0; i < o.size(); ++i) {
      const A tv = static_cast<A>(pt[i]);
      const A ov = static_cast<A>(po[i]);
      const A cv = clip(ov, eps);
      const A z = c.logits ? ov : std::log(cv / (A(1) - cv));
      if constexpr (!backward) {
        pr[i] = static_cast<T>(std::max(z, A(0)) - z * tv +
                               std::log1p(std::exp(-std::abs(z))));
      } else {
        const A g = static_cast<A>(pg[i]);
        A d;
        if (c.logits) {
          d = A(1) / (A(1) + std::exp(-z)) - tv;
        } else {
          d = inside(ov, eps) ? (cv - tv) / (cv * (A(1) - cv)) : A(0);
        }
        pr[i] = static_cast<T>(g * d);
      }
    }
  });
  return out;
}

std::vector<NodePtr> vjp_categorical(const Node& node, const NodePtr& grad) {
  return {nullptr,
          apply_op(kCategoricalGrad, {node.inputs[0], node.inputs[1], grad},
                   node.attrs)};
}
std::vector<NodePtr> vjp_sparse(const Node& node, const NodePtr& grad) {
  return {nullptr, apply_op(kSparseGrad, {node.inputs[0], node.inputs[1], grad},
                            node.attrs)};
}
std::vector<NodePtr> vjp_binary(const Node& node, const NodePtr& grad) {
  return {nullptr, apply_op(kBinaryGrad, {node.inputs[0], node.inputs[1], grad},
                            node.attrs)};
}

}  // namespace

const OpDef kCategorical{"categorical_crossentropy",
                         2,
                         2,
                         kAxisAttrs,
                         &infer_xent,
                         &eval_axis_xent<false, false>,
                         &vjp_categorical};
const OpDef kCategoricalGrad{
    "categorical_crossentropy_grad", 3,      3, kAxisAttrs, &infer_xent,
    &eval_axis_xent<false, true>,    nullptr};
const OpDef kSparse{
    "sparse_categorical_crossentropy", 2,          2, kAxisAttrs, &infer_xent,
    &eval_axis_xent<true, false>,      &vjp_sparse};
const OpDef kSparseGrad{"sparse_categorical_crossentropy_grad",
                        3,
                        3,
                        kAxisAttrs,
                        &infer_xent,
                        &eval_axis_xent<true, true>,
                        nullptr};
const OpDef kBinary{
    "binary_crossentropy",    2,          2, kBinaryAttrs, &infer_xent,
    &eval_binary_xent<false>, &vjp_binary};
const OpDef kBinaryGrad{
    "binary_crossentropy_grad", 3,      3, kBinaryAttrs, &infer_xent,
    &eval_binary_xent<true>,    nullptr};

}  // namespace tptk

TPTK_EXPORT_NN_OP(categorical_crossentropy, tptk::kCategorical,
                  tptk::kNeedsEpsilon)
TPTK_EXPORT_NN_OP(sparse_categorical_crossentropy, tptk::kSparse,
                  tptk::kNeedsEpsilon)
TPTK_EXPORT_NN_OP(binary_crossentropy, tptk::kBinary, tptk::kNeedsEpsilon)
TPTK_INTERNAL_OP(categorical_crossentropy_grad, tptk::kCategoricalGrad)
TPTK_INTERNAL_OP(sparse_categorical_crossentropy_grad, tptk::kSparseGrad)
TPTK_INTERNAL_OP(binary_crossentropy_grad, tptk::kBinaryGrad)
