// Helpers the nn translations share (ops_nn, ops_conv, ops_pool,
// ops_crossentropy): the compute dtype, the float-only check, transposes
// and the NHWC layout TensorFlow's CPU conv/pool kernels need.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>

#include "graph.hpp"

namespace tftf {

/** The compute dtype of a float dtype: float32 for float16 (the toolkit
 * computes float16 in float and rounds once). */
DLDataType acc_dtype(DLDataType d);

/** Throws TP_ERROR_DTYPE naming n's op unless `x` is float16/32/64;
 * `what` says which ("operand", "output"). */
void require_float(const tptk::Node& n, const tptk::Node& x,
                   const char* what = "operand");

/** Transpose(x, perm). */
TF_Output transpose(Builder& b, TF_Output x,
                    std::span<const std::int64_t> perm);
inline TF_Output transpose(Builder& b, TF_Output x,
                           std::initializer_list<std::int64_t> perm) {
  return transpose(b, x,
                   std::span<const std::int64_t>(perm.begin(), perm.size()));
}

/** x (NCHW when `first`, else NHWC) as NHWC, and back. */
TF_Output to_nhwc(Builder& b, TF_Output x, bool first);
TF_Output from_nhwc(Builder& b, TF_Output x, bool first);

/** The NHWC shape of x as a 1-D int32 tensor (a Const when known). */
TF_Output nhwc_shape(Builder& b, const tptk::Node& x, TF_Output xv, bool first);

}  // namespace tftf
