// pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None,
// pool_mode="max") as Keras's K.pool2d, and its backward op
// pool2d_grad(x, grad): max routes the gradient to the first maximum of each
// window, avg spreads it over the window's elements (padding excluded from
// the count, as TF does with "same" padding).
#include <limits>
#include <vector>

#include "ops/nn_common.hpp"
#include "ops/pool.hpp"
#include "ops/window.hpp"
#include "text.hpp"

namespace tptk {

extern const OpDef kPool2dGrad;

namespace {

constexpr AttrSpec kPoolAttrs[] = {
    {"pool_size", kAttrInts},   {"strides", kAttrInts},
    {"padding", kAttrString},   {"data_format", kAttrString | kAttrNone},
    {"pool_mode", kAttrString},
};

}  // namespace

PoolAttrs pool_attrs(const OpDef& op, const Attrs& attrs) {
  PoolAttrs p;
  p.w = window_attrs(op, attrs, "strides", false);
  const auto size = attrs.get_ints("pool_size");
  if (!size || size->size() != 2 || (*size)[0] < 1 || (*size)[1] < 1) {
    fail(TP_ERROR_INVALID_ARGUMENT, op.name,
         ": pool_size must be 2 positive ints",
         size ? cat(", got ", format_shape(*size)) : std::string());
  }
  p.w.kh = (*size)[0];
  p.w.kw = (*size)[1];
  const std::string mode = attrs.get_string("pool_mode", "max");
  if (mode != "max" && mode != "avg") {
    fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": pool_mode is ", quoted(mode),
         "; expected 'max' or 'avg'");
  }
  p.max = mode == "max";
  return p;
}

namespace {

Shape pool_shape(const OpDef& op, const PoolAttrs& p, const Shape& x) {
  if (x.size() != 4) {
    fail(TP_ERROR_SHAPE, op.name, ": x must have rank 4, got shape ",
         format_shape(x));
  }
  int64_t n, h, w, c;
  split_nhwc(x, p.w.first, n, h, w, c);
  const WindowAttrs& a = p.w;
  return join_nhwc(a.first, n, window_out(op, h, a.kh, a.sh, 1, a.same, x),
                   window_out(op, w, a.kw, a.sw, 1, a.same, x), c);
}

Signature infer_pool(const OpDef& op, std::span<const NodePtr> inputs,
                     const Attrs& attrs) {
  const Node& x = *inputs[0];
  require_float(op, x, "x");
  const PoolAttrs p = pool_attrs(op, attrs);
  Shape out = pool_shape(op, p, x.shape);
  if (inputs.size() == 2) {
    require_same_dtype(op, x, "x", *inputs[1], "grad");
    if (!may_equal(inputs[1]->shape, out)) {
      fail(TP_ERROR_SHAPE, op.name, ": grad shape ",
           format_shape(inputs[1]->shape), " differs from the output shape ",
           format_shape(out));
    }
    return {x.dtype, x.shape};
  }
  return {x.dtype, std::move(out)};
}

/**
 * For each output element, fn(output index, list of x indices in its
 * window) — the list is reused.
 */
template <class Fn>
void for_windows(const Geometry& g, const WindowAttrs& a, Fn fn) {
  std::vector<int64_t> idx;
  for (int64_t n = 0; n < g.n; ++n) {
    for (int64_t c = 0; c < g.c; ++c) {
      for (int64_t oh = 0; oh < g.oh; ++oh) {
        for (int64_t ow = 0; ow < g.ow; ++ow) {
          idx.clear();
          for (int64_t kh = 0; kh < a.kh; ++kh) {
            const int64_t ih = oh * a.sh - g.pt + kh;
            if (ih < 0 || ih >= g.h) continue;
            for (int64_t kw = 0; kw < a.kw; ++kw) {
              const int64_t iw = ow * a.sw - g.pl + kw;
              if (iw < 0 || iw >= g.w) continue;
              idx.push_back(n * g.xn + ih * g.xh + iw * g.xw + c * g.xc);
            }
          }
          fn(n * g.on + oh * g.oh_s + ow * g.ow_s + c * g.oc_s, idx);
        }
      }
    }
  }
}

template <bool backward>
Array eval_pool(const Node& node, std::span<const Array* const> in) {
  const OpDef& op = *node.op;
  const Array& x = *in[0];
  const PoolAttrs p = pool_attrs(op, node.attrs);
  const Shape out_shape = pool_shape(op, p, x.shape());
  int64_t n, h, w, c;
  split_nhwc(x.shape(), p.w.first, n, h, w, c);
  const Geometry g = make_geometry(op, p.w, x.shape(), c);
  if (backward && in[1]->shape() != out_shape) {
    fail(TP_ERROR_SHAPE, op.name, ": grad shape ", format_shape(in[1]->shape()),
         " differs from the output shape ", format_shape(out_shape));
  }
  Array out(backward ? x.shape() : out_shape, x.dtype());
  dispatch_float(x.dtype(), op.name, [&]<class T>() {
    using A = Acc<T>;
    const T* px = x.data<T>();
    T* po = out.data<T>();
    std::vector<A> acc(backward ? out.size() : 0, 0);
    const T* pg = backward ? in[1]->data<T>() : nullptr;
    for_windows(g, p.w, [&](int64_t o, const std::vector<int64_t>& idx) {
      // "same" windows always hold at least one element.
      if (p.max) {
        int64_t best = idx[0];
        for (int64_t i : idx) {
          if (static_cast<A>(px[i]) > static_cast<A>(px[best])) best = i;
        }
        if constexpr (backward) {
          acc[best] += static_cast<A>(pg[o]);
        } else {
          po[o] = px[best];
        }
      } else {
        const A count = static_cast<A>(idx.size());
        if constexpr (backward) {
          const A share = static_cast<A>(pg[o]) / count;
          for (int64_t i : idx) acc[i] += share;
        } else {
          A s = 0;
          for (int64_t i : idx) s += static_cast<A>(px[i]);
          po[o] = static_cast<T>(s / count);
        }
      }
    });
    if constexpr (backward) {
      for (std::size_t i = 0; i < acc.size(); ++i)
        po[i] = static_cast<T>(acc[i]);
    }
  });
  return out;
}

std::vector<NodePtr> vjp_pool(const Node& node, const NodePtr& grad) {
  return {apply_op(kPool2dGrad, {node.inputs[0], grad}, node.attrs)};
}

}  // namespace

const OpDef kPool2d{"pool2d",          1,        1, kPoolAttrs, &infer_pool,
                    &eval_pool<false>, &vjp_pool};
const OpDef kPool2dGrad{"pool2d_grad",    2,      2, kPoolAttrs, &infer_pool,
                        &eval_pool<true>, nullptr};

}  // namespace tptk

TPTK_EXPORT_NN_OP(pool2d, tptk::kPool2d, tptk::kNeedsDataFormat)
TPTK_INTERNAL_OP(pool2d_grad, tptk::kPool2dGrad)
