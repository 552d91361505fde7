#include "nn_util.hpp"

#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/ops/op.hpp>
#include <tensorplug/toolkit/text.hpp>

namespace tftf {

DLDataType acc_dtype(DLDataType d) {
  return tp::dtype_equal(d, tptk::kFloat16) ? tptk::kFloat32 : d;
}

void require_float(const tptk::Node& n, const tptk::Node& x, const char* what) {
  if (!tptk::is_float(x.dtype)) {
    tptk::fail(TP_ERROR_DTYPE, "tensorflow: ", n.op->name, ": ", what,
               " has dtype ", tptk::dtype_label(x.dtype),
               "; expected float16, float32 or float64");
  }
}

TF_Output transpose(Builder& b, TF_Output x,
                    std::span<const std::int64_t> perm) {
  return b.op("Transpose").in(x).in(b.int32s(perm)).out();
}

TF_Output to_nhwc(Builder& b, TF_Output x, bool first) {
  return first ? transpose(b, x, {0, 2, 3, 1}) : x;
}

TF_Output from_nhwc(Builder& b, TF_Output x, bool first) {
  return first ? transpose(b, x, {0, 3, 1, 2}) : x;
}

TF_Output nhwc_shape(Builder& b, const tptk::Node& x, TF_Output xv,
                     bool first) {
  const tptk::Shape& s = x.shape;
  if (tptk::is_fully_known(s)) {
    if (!first) return b.int32s({s[0], s[1], s[2], s[3]});
    return b.int32s({s[0], s[2], s[3], s[1]});
  }
  const TF_Output shape = b.shape_of(xv);
  if (!first) return shape;
  return b.op("GatherV2")
      .in(shape)
      .in(b.int32s({0, 2, 3, 1}))
      .in(b.int32_scalar(0))
      .out();
}

}  // namespace tftf
