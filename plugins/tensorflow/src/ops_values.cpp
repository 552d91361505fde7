// Translations of the value ops (toolkit ops/values.cpp): constant, zeros and
// ones; and of gradients.cpp's zeros_like, ones_like (internal) and
// stop_gradient.
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/ops/cast.hpp>

#include <cstring>

#include "translate.hpp"

namespace tftf {
namespace {

using tptk::Array;
using tptk::Node;

/** A static shape (every dim known) as a 1-D int64 Const (Fill's dims). */
TF_Output dims_const(Builder& b, const tptk::Shape& shape) {
  Array dims(tptk::Shape{static_cast<std::int64_t>(shape.size())},
             tptk::kInt64);
  for (std::size_t d = 0; d < shape.size(); ++d) {
    dims.data<std::int64_t>()[d] = shape[d];
  }
  return b.constant(dims);
}

TF_Output fill(Builder& b, const Node& n, TF_Output scalar) {
  return b.op("Fill").in(dims_const(b, n.shape)).in(scalar).out();
}

// As eval: the value (a number, or a tensor) converted to the node's dtype
// by the toolkit's own cast_array (truncation, NaN to 0, saturation, != 0
// for bool), then copied when it has the result's element count (any shape:
// eval copies the elements in order) or, when it has one element, filled.
TF_Output tr_constant(Builder& b, const Node& n, std::span<const TF_Output>) {
  const Array* value = n.attrs.find_value("value");
  Array converted;
  if (value == nullptr) {
    Array scalar({}, tptk::kFloat64);
    *scalar.data<double>() = n.attrs.get_float("value", 0.0);
    converted = tptk::cast_array(scalar, n.dtype, n.op->name);
  } else {
    converted = tptk::cast_array(*value, n.dtype, n.op->name);
  }
  std::size_t count = 1;
  for (std::int64_t d : n.shape) count *= static_cast<std::size_t>(d);
  if (converted.size() == count) {
    Array out(n.shape, n.dtype);
    if (out.nbytes() > 0) {
      std::memcpy(out.bytes(), converted.bytes(), out.nbytes());
    }
    return b.constant(out);
  }
  Array one({}, n.dtype);
  std::memcpy(one.bytes(), converted.bytes(), one.nbytes());
  return fill(b, n, b.constant(one));
}

TF_Output tr_zeros(Builder& b, const Node& n, std::span<const TF_Output>) {
  return fill(b, n, b.scalar(0.0, n.dtype));
}

// 1 in every dtype: true for bool.
TF_Output tr_ones(Builder& b, const Node& n, std::span<const TF_Output>) {
  return fill(b, n, b.scalar(1.0, n.dtype));
}

// ZerosLike / OnesLike take x's run-time shape and dtype (every supported
// dtype, bool included: false / true).
TF_Output tr_zeros_like(Builder& b, const Node&,
                        std::span<const TF_Output> in) {
  return b.op("ZerosLike").in(in[0]).out();
}

TF_Output tr_ones_like(Builder& b, const Node&, std::span<const TF_Output> in) {
  return b.op("OnesLike").in(in[0]).out();
}

// The identity forward; the toolkit gives it no VJP, so no TF gradient is
// ever asked of it (StopGradient says so in the TF graph too).
TF_Output tr_stop_gradient(Builder& b, const Node&,
                           std::span<const TF_Output> in) {
  return b.op("StopGradient").in(in[0]).out();
}

}  // namespace

TFTF_TRANSLATE(constant, tr_constant)
TFTF_TRANSLATE(zeros, tr_zeros)
TFTF_TRANSLATE(ones, tr_ones)
TFTF_TRANSLATE(zeros_like, tr_zeros_like)
TFTF_TRANSLATE(ones_like, tr_ones_like)
TFTF_TRANSLATE(stop_gradient, tr_stop_gradient)

}  // namespace tftf
