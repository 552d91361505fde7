// Elementwise binary ops with NumPy broadcasting. Each op is a functor over
// the element type plus one OpDef; adding subtract/multiply/... is one line
// each in the table at the bottom.
#include <functional>

#include "dtype.hpp"
#include "ops/broadcast.hpp"
#include "ops/op.hpp"
#include "text.hpp"

namespace tpref {

namespace {

[[noreturn]] void broadcast_error(const OpDef& op, const Shape& a,
                                  const Shape& b) {
  fail(TP_ERROR_SHAPE, op.name, ": cannot broadcast shapes ", format_shape(a),
       " and ", format_shape(b));
}

Signature infer_binary(const OpDef& op, std::span<const NodePtr> inputs,
                       const Attrs&) {
  const Node& a = *inputs[0];
  const Node& b = *inputs[1];
  if (!tp::dtype_equal(a.dtype, b.dtype)) {
    fail(TP_ERROR_DTYPE, op.name,
         ": operand dtypes differ: ", tp::dtype_name(a.dtype), " and ",
         tp::dtype_name(b.dtype));
  }
  auto shape = broadcast_shapes(a.shape, b.shape);
  if (!shape) broadcast_error(op, a.shape, b.shape);
  return {a.dtype, std::move(*shape)};
}

template <class Fn>
Array eval_binary(const Node& node, std::span<const Array* const> inputs) {
  const OpDef& op = *node.op;
  const Array& a = *inputs[0];
  const Array& b = *inputs[1];
  auto shape = broadcast_shapes(a.shape(), b.shape());
  if (!shape) broadcast_error(op, a.shape(), b.shape());
  Array out(std::move(*shape), a.dtype());
  dispatch(a.dtype(), op.name,
           [&]<class T>() { broadcast_binary<T>(a, b, out, Fn{}); });
  return out;
}

}  // namespace

const OpDef kAdd{"add",  2, 2, {}, &infer_binary, &eval_binary<std::plus<>>,
                 nullptr};

}  // namespace tpref

TPREF_EXPORT_OP(add, tpref::kAdd)
