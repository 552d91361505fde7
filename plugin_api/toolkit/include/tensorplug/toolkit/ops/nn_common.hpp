// Helpers shared by the neural-network ops (softmax, bias_add, conv2d,
// pool2d, the crossentropies, dropout): the entry wrapper that fills in the
// context's settings (image_data_format, epsilon) the ops default to, the
// data_format/axis attribute checks, and the accumulation type.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>

#include "dtype.hpp"
#include "ops/op.hpp"

namespace tptk {

/** Compute type: float for half and float, double for double. */
template <class T>
using Acc = std::conditional_t<std::is_same_v<T, double>, double, float>;

enum NnNeeds : unsigned {
  /** `data_format` absent or None becomes the context's image_data_format. */
  kNeedsDataFormat = 1,
  /** Adds the attribute `epsilon` (not a Keras argument) from the context. */
  kNeedsEpsilon = 2,
};

/** op_entry after completing the attributes from the context. */
tp_status nn_op_entry(const OpDef& op, unsigned needs, tp_context* context,
                      const tp_op_args* args, tp_tensor** outputs,
                      tp_error* error) noexcept;

/** True for "channels_first"; throws naming the op for anything else than
 * "channels_first"/"channels_last". */
bool channels_first(const OpDef& op, const Attrs& attrs);

/** `axis` (negative counts from the end) checked against `rank`. */
std::size_t normalize_axis(const OpDef& op, std::int64_t axis, std::size_t rank,
                           const Shape& shape);

/** Requires a float dtype, naming the op, the operand and its shape. */
void require_float(const OpDef& op, const Node& x, std::string_view what);

/** Requires equal dtypes, naming both operands. */
void require_same_dtype(const OpDef& op, const Node& a, std::string_view an,
                        const Node& b, std::string_view bn);

/** Row-major [outer, n, inner] view around `axis` of a concrete shape. */
struct AxisView {
  std::size_t outer = 1, n = 1, inner = 1;
};
AxisView axis_view(const Shape& shape, std::size_t axis);

/** `shape` without dimension `axis`. */
Shape drop_axis(const Shape& shape, std::size_t axis);

}  // namespace tptk

/** Exports `tp_<name>` through nn_op_entry. */
#define TPTK_EXPORT_NN_OP(name, def, needs)                                 \
  static const ::tptk::OpRegistration tptk_registration_##name{def};        \
  TP_CPP_EXPORT tp_status tp_##name(tp_context* context,                    \
                                    const tp_op_args* args,                 \
                                    tp_tensor** outputs, tp_error* error) { \
    return ::tptk::nn_op_entry(def, needs, context, args, outputs, error);  \
  }
