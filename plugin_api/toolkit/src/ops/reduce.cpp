// sum, mean, max, min over axes (Keras: axis None/INT/INTS, keepdims), and
// their fused backward op `reduce_grad(grad, x)`.
#include "ops/reduce.hpp"

#include <cmath>
#include <type_traits>

#include "dtype.hpp"
#include "ops/op.hpp"
#include "text.hpp"

namespace tptk {

AxisMask reduced_axes(std::string_view op, const Attrs& attrs,
                      const Shape& shape) {
  const auto rank = static_cast<int64_t>(shape.size());
  const auto axes = attrs.get_ints("axis");
  if (!axes) return AxisMask(shape.size(), true);
  AxisMask mask(shape.size(), false);
  for (int64_t a : *axes) {
    const std::size_t d = normalize_axis(op, a, rank, shape);
    if (mask[d]) {
      fail(TP_ERROR_INVALID_ARGUMENT, op, ": axis ", a, " is repeated");
    }
    mask[d] = true;
  }
  return mask;
}

Shape reduced_shape(const Shape& shape, const AxisMask& mask, bool keepdims) {
  Shape out;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (!mask[d]) {
      out.push_back(shape[d]);
    } else if (keepdims) {
      out.push_back(1);
    }
  }
  return out;
}

int64_t reduced_count(const Shape& shape, const AxisMask& mask) {
  Shape dims;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (mask[d]) dims.push_back(shape[d]);
  }
  return static_product(dims, 0, dims.size());
}

std::string format_axes(const AxisMask& mask) {
  std::string s = "(";
  int n = 0;
  for (std::size_t d = 0; d < mask.size(); ++d) {
    if (mask[d]) s += cat(n++ ? ", " : "", d);
  }
  return s + (n == 1 ? ",)" : ")");
}

namespace {

enum class Mode { sum, mean, max, min };

Mode mode_of(std::string_view name) {
  if (name == "mean") return Mode::mean;
  if (name == "max") return Mode::max;
  if (name == "min") return Mode::min;
  return Mode::sum;
}

/** mean/max/min of no element: an error, never a NaN or garbage. */
void check_not_empty(std::string_view op, const Shape& shape,
                     const AxisMask& mask) {
  if (mode_of(op) == Mode::sum || reduced_count(shape, mask) != 0) return;
  fail(TP_ERROR_SHAPE, op, ": cannot reduce zero elements of shape ",
       format_shape(shape), " along axes ", format_axes(mask));
}

Signature infer_reduce(const OpDef& op, std::span<const NodePtr> inputs,
                       const Attrs& attrs) {
  const Node& x = *inputs[0];
  if (is_bool(x.dtype)) {
    fail(TP_ERROR_DTYPE, op.name, ": dtype bool is not supported ",
         "(supported: float16, float32, float64, int32, int64)");
  }
  const AxisMask mask = reduced_axes(op.name, attrs, x.shape);
  check_not_empty(op.name, x.shape, mask);
  return {x.dtype,
          reduced_shape(x.shape, mask, attrs.get_bool("keepdims", false))};
}

/** Accumulator: double for floats, wrapping unsigned for integers. */
template <class T>
using Acc =
    std::conditional_t<std::is_floating_point_v<T> || std::is_same_v<T, half>,
                       double, std::uint64_t>;

template <class T>
void sum_kernel(const Array& x, const AxisMask& mask, Array& out, Mode mode) {
  std::vector<Acc<T>> acc(out.size(), Acc<T>{0});
  const T* v = x.data<T>();
  reduce_walk(x.shape(), mask, [&](int64_t in, int64_t o) {
    acc[static_cast<std::size_t>(o)] += static_cast<Acc<T>>(v[in]);
  });
  const int64_t count = reduced_count(x.shape(), mask);
  T* dst = out.data<T>();
  for (std::size_t i = 0; i < acc.size(); ++i) {
    if constexpr (std::is_same_v<Acc<T>, double>) {
      dst[i] = static_cast<T>(mode == Mode::mean ? acc[i] / count : acc[i]);
    } else {
      const auto s = static_cast<int64_t>(acc[i]);  // modular (C++20)
      dst[i] = static_cast<T>(mode == Mode::mean ? s / count : s);
    }
  }
}

Array eval_reduce(const Node& node, std::span<const Array* const> inputs) {
  const OpDef& op = *node.op;
  const Array& x = *inputs[0];
  const AxisMask mask = reduced_axes(op.name, node.attrs, x.shape());
  check_not_empty(op.name, x.shape(), mask);
  Array out(
      reduced_shape(x.shape(), mask, node.attrs.get_bool("keepdims", false)),
      x.dtype());
  const Mode mode = mode_of(op.name);
  dispatch_numeric(x.dtype(), op.name, [&]<class T>() {
    if (mode == Mode::sum || mode == Mode::mean) {
      sum_kernel<T>(x, mask, out, mode);
      return;
    }
    const auto pos =
        extreme_positions<T>(x, mask, out.size(), mode == Mode::max);
    T* dst = out.data<T>();
    for (std::size_t i = 0; i < pos.size(); ++i) dst[i] = x.data<T>()[pos[i]];
  });
  return out;
}

// reduce_grad(grad, x): attrs axis, keepdims and mode ("sum", "mean",
// "max", "min"); the result has x's shape.
Signature infer_reduce_grad(const OpDef&, std::span<const NodePtr> inputs,
                            const Attrs&) {
  return {inputs[1]->dtype, inputs[1]->shape};
}

Array eval_reduce_grad(const Node& node, std::span<const Array* const> inputs) {
  const Array& g = *inputs[0];
  const Array& x = *inputs[1];
  const std::string mode = node.attrs.get_string("mode", "sum");
  const AxisMask mask = reduced_axes(mode, node.attrs, x.shape());
  const Shape result = reduced_shape(x.shape(), mask, false);
  if (static_cast<int64_t>(g.size()) != dim_product(result, 0, result.size())) {
    fail(TP_ERROR_SHAPE, mode, ": gradient shape ", format_shape(g.shape()),
         " does not match the result shape ", format_shape(result));
  }
  Array dx(x.shape(), x.dtype());
  dispatch_float(x.dtype(), node.op->name, [&]<class T>() {
    const T* gv = g.data<T>();
    T* dv = dx.data<T>();
    if (mode == "max" || mode == "min") {
      const auto pos = extreme_positions<T>(x, mask, g.size(), mode == "max");
      for (std::size_t i = 0; i < pos.size(); ++i) {
        if (pos[i] >= 0) dv[pos[i]] = gv[i];
      }
      return;
    }
    const int64_t count = reduced_count(x.shape(), mask);
    const double scale = mode == "mean" && count > 0 ? 1.0 / count : 1.0;
    reduce_walk(x.shape(), mask, [&](int64_t in, int64_t o) {
      dv[in] = static_cast<T>(static_cast<double>(gv[o]) * scale);
    });
  });
  return dx;
}

const OpDef kReduceGrad{"reduce_grad",     2,      2, {}, &infer_reduce_grad,
                        &eval_reduce_grad, nullptr};

std::vector<NodePtr> vjp_reduce(const Node& node, const NodePtr& grad) {
  Attrs attrs = node.attrs;
  attrs.set("mode", std::string(node.op->name));
  return {apply_op(kReduceGrad, {grad, node.inputs[0]}, std::move(attrs))};
}

constexpr AttrSpec kReduceAttrs[] = {{"axis", kAttrNone | kAttrInt | kAttrInts},
                                     {"keepdims", kAttrBool}};

}  // namespace

const OpDef kSum{"sum",        1,          1, kReduceAttrs, &infer_reduce,
                 &eval_reduce, &vjp_reduce};
const OpDef kMean{"mean",       1,          1, kReduceAttrs, &infer_reduce,
                  &eval_reduce, &vjp_reduce};
const OpDef kMax{"max",        1,          1, kReduceAttrs, &infer_reduce,
                 &eval_reduce, &vjp_reduce};
const OpDef kMin{"min",        1,          1, kReduceAttrs, &infer_reduce,
                 &eval_reduce, &vjp_reduce};

}  // namespace tptk

TPTK_INTERNAL_OP(reduce_grad, tptk::kReduceGrad)
TPTK_EXPORT_OP(sum, tptk::kSum)
TPTK_EXPORT_OP(mean, tptk::kMean)
TPTK_EXPORT_OP(max, tptk::kMax)
TPTK_EXPORT_OP(min, tptk::kMin)
