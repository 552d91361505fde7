// The shared skeleton of elementwise binary ops with NumPy broadcasting:
// inference (same dtypes, broadcastable shapes, dtype class) and evaluation
// through a kernel functor `K{}.template operator()<T>(a, b)`.
#pragma once

#include <span>

#include "dtype.hpp"
#include "ops/broadcast.hpp"
#include "ops/elementwise.hpp"
#include "ops/op.hpp"
#include "text.hpp"

namespace tptk {

[[noreturn]] void broadcast_error(const OpDef& op, const Shape& a,
                                  const Shape& b);

/**
 * Checks two operands: equal dtypes (the error names both, with the
 * shapes), dtype in class `c`, broadcastable shapes. Returns the broadcast
 * static shape.
 */
Shape check_binary(const OpDef& op, const Node& a, const Node& b, DtypeClass c);

/** Binary infer: result dtype is the operands' (bool when Compare). */
template <DtypeClass C, bool Compare = false>
Signature infer_binary(const OpDef& op, std::span<const NodePtr> inputs,
                       const Attrs&) {
  Shape shape = check_binary(op, *inputs[0], *inputs[1], C);
  return {Compare ? kBool : inputs[0]->dtype, std::move(shape)};
}

/** Calls f.template operator()<T>() for the dtypes of class C. */
template <DtypeClass C, class F>
decltype(auto) dispatch_class(DLDataType dt, std::string_view entry, F&& f) {
  if constexpr (C == DtypeClass::floating) {
    return dispatch_float(dt, entry, std::forward<F>(f));
  } else if constexpr (C == DtypeClass::numeric) {
    return dispatch_numeric(dt, entry, std::forward<F>(f));
  } else {
    return dispatch(dt, entry, std::forward<F>(f));
  }
}

/**
 * Binary eval: out = K(a, b) elementwise with broadcasting; K's call
 * operator is `template <class T> R operator()(T, T) const` with R = T, or
 * bool when Compare.
 */
template <class K, DtypeClass C, bool Compare = false>
Array eval_binary(const Node& node, std::span<const Array* const> inputs) {
  const OpDef& op = *node.op;
  const Array& a = *inputs[0];
  const Array& b = *inputs[1];
  auto shape = broadcast_shapes(a.shape(), b.shape());
  if (!shape) broadcast_error(op, a.shape(), b.shape());
  Array out(std::move(*shape), Compare ? kBool : a.dtype());
  dispatch_class<C>(a.dtype(), op.name, [&]<class T>() {
    using R = std::conditional_t<Compare, bool, T>;
    broadcast_binary<T, R>(a, b, out, [](T x, T y) -> R {
      return K{}.template operator()<T>(x, y);
    });
  });
  return out;
}

}  // namespace tptk
