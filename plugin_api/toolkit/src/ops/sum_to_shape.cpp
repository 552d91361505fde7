// The internal op `sum_to_shape(grad, like)`: sums `grad` over the
// dimensions along which an operand of `like`'s shape was broadcast (leading
// dimensions it lacks, and its dimensions of size 1), so that the result has
// the runtime shape of `like`. The gradients of broadcasting ops use it
// (through sum_to in ops/vjp_util.hpp). Not exported.
#include <type_traits>
#include <vector>

#include "dtype.hpp"
#include "ops/broadcast.hpp"
#include "ops/op.hpp"
#include "text.hpp"

namespace tptk {

namespace {

/** True when `like` broadcasts to `grad` (unknown dims match anything). */
bool reducible(const Shape& grad, const Shape& like) {
  if (like.size() > grad.size()) return false;
  const std::size_t offset = grad.size() - like.size();
  for (std::size_t i = 0; i < like.size(); ++i) {
    const int64_t l = like[i];
    const int64_t g = grad[offset + i];
    if (l == 1 || l == g || l == kUnknownDim || g == kUnknownDim) continue;
    return false;
  }
  return true;
}

[[noreturn]] void not_reducible(const Shape& grad, const Shape& like) {
  fail(TP_ERROR_SHAPE, "sum_to_shape: cannot sum a gradient of shape ",
       format_shape(grad), " to shape ", format_shape(like));
}

Signature infer_sum_to_shape(const OpDef&, std::span<const NodePtr> inputs,
                             const Attrs&) {
  const Node& grad = *inputs[0];
  const Node& like = *inputs[1];
  if (!reducible(grad.shape, like.shape)) {
    not_reducible(grad.shape, like.shape);
  }
  if (is_bool(grad.dtype)) {
    unsupported_dtype(grad.dtype, "sum_to_shape",
                      "float16, float32, float64, int32, int64");
  }
  return {grad.dtype, like.shape};
}

/** Accumulator type: float16 sums in float, floats in double. */
template <class T>
using acc_t =
    std::conditional_t<std::is_floating_point_v<T> || std::is_same_v<T, half>,
                       double, T>;

template <class T>
void sum_into(const Array& grad, Array& out) {
  const Shape& shape = grad.shape();
  const std::size_t rank = shape.size();
  const std::size_t total = grad.size();
  std::vector<acc_t<T>> acc(out.size(), acc_t<T>(0));
  const T* pg = grad.data<T>();
  if (total > 0 && rank > 0) {
    const Shape so = broadcast_strides(out.shape(), rank);
    const int64_t inner = shape[rank - 1];
    const int64_t step = so[rank - 1];
    Shape index(rank, 0);
    for (std::size_t done = 0; done < total;
         done += static_cast<std::size_t>(inner)) {
      int64_t o = 0;
      for (std::size_t d = 0; d + 1 < rank; ++d) o += index[d] * so[d];
      for (int64_t i = 0; i < inner; ++i) {
        if constexpr (std::is_integral_v<T>) {
          // Wrapping sum: signed overflow must not be undefined behaviour.
          using U = std::make_unsigned_t<T>;
          acc[o + i * step] = static_cast<T>(static_cast<U>(acc[o + i * step]) +
                                             static_cast<U>(*pg++));
        } else {
          acc[o + i * step] += static_cast<acc_t<T>>(*pg++);
        }
      }
      for (std::size_t d = rank - 1; d-- > 0;) {
        if (++index[d] < shape[d]) break;
        index[d] = 0;
      }
    }
  } else if (total > 0) {
    acc[0] = static_cast<acc_t<T>>(pg[0]);
  }
  T* po = out.data<T>();
  for (std::size_t i = 0; i < acc.size(); ++i) po[i] = static_cast<T>(acc[i]);
}

Array eval_sum_to_shape(const Node&, std::span<const Array* const> inputs) {
  const Array& grad = *inputs[0];
  const Shape& like = inputs[1]->shape();
  if (!reducible(grad.shape(), like)) not_reducible(grad.shape(), like);
  Array out(like, grad.dtype());
  dispatch_numeric(grad.dtype(), "sum_to_shape",
                   [&]<class T>() { sum_into<T>(grad, out); });
  return out;
}

}  // namespace

const OpDef kSumToShape{"sum_to_shape",     2,      2, {}, &infer_sum_to_shape,
                        &eval_sum_to_shape, nullptr};

}  // namespace tptk

TPTK_INTERNAL_OP(sum_to_shape, tptk::kSumToShape)
