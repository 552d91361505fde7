// The geometry shared by conv2d and pool2d: 2-D sliding windows over an
// NHWC or NCHW tensor with strides, dilation and Keras/TF "valid"/"same"
// padding (TF pads `max((ceil(in / s) - 1) * s + (k - 1) * d + 1 - in, 0)`
// in total, the extra element at the bottom/right).
#pragma once

#include <cstdint>
#include <vector>

#include "ops/op.hpp"

namespace tptk {

struct WindowAttrs {
  bool first = false;      // channels_first
  bool same = false;       // padding "same"
  int64_t sh = 1, sw = 1;  // strides
  int64_t dh = 1, dw = 1;  // dilation
  int64_t kh = 1, kw = 1;  // window (kernel or pool) size
};

/** Reads data_format, padding, `strides_name`, dilation_rate (when
 * `dilation`) from attrs, checking each (errors name the op). */
WindowAttrs window_attrs(const OpDef& op, const Attrs& attrs,
                         const char* strides_name, bool dilation);

/** Output size along one spatial dim (kUnknownDim when `in` is unknown);
 * throws when a "valid" window does not fit, naming `x_shape`. */
int64_t window_out(const OpDef& op, int64_t in, int64_t k, int64_t s, int64_t d,
                   bool same, const Shape& x_shape);

/** Padding before (top/left) along one dim. */
int64_t window_pad_before(int64_t in, int64_t out, int64_t k, int64_t s,
                          int64_t d, bool same);

/** A concrete 4-D geometry with strides of x and of the output. */
struct Geometry {
  int64_t n = 0, h = 0, w = 0, c = 0;  // input
  int64_t oh = 0, ow = 0, oc = 0;      // output
  int64_t pt = 0, pl = 0;              // padding top/left
  // element strides of x (n, h, w, c) and of the output (n, h, w, c)
  int64_t xn = 0, xh = 0, xw = 0, xc = 0;
  int64_t on = 0, oh_s = 0, ow_s = 0, oc_s = 0;
};

/** (N, H, W, C) of a 4-D shape in the given format. */
inline void split_nhwc(const Shape& s, bool first, int64_t& n, int64_t& h,
                       int64_t& w, int64_t& c) {
  n = s[0];
  h = first ? s[2] : s[1];
  w = first ? s[3] : s[2];
  c = first ? s[1] : s[3];
}

/** The shape (N, H, W, C) in the given format. */
inline Shape join_nhwc(bool first, int64_t n, int64_t h, int64_t w, int64_t c) {
  return first ? Shape{n, c, h, w} : Shape{n, h, w, c};
}

Geometry make_geometry(const OpDef& op, const WindowAttrs& a,
                       const Shape& x_shape, int64_t out_channels);

}  // namespace tptk
