#include "ops/window.hpp"

#include "text.hpp"

namespace tptk {

namespace {

void read_pair(const OpDef& op, const Attrs& attrs, const char* name,
               int64_t& a, int64_t& b) {
  auto v = attrs.get_ints(name);
  if (!v) return;
  if (v->size() != 2 || (*v)[0] < 1 || (*v)[1] < 1) {
    fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": ", name,
         " must be 2 positive ints, got ", format_shape(*v));
  }
  a = (*v)[0];
  b = (*v)[1];
}

}  // namespace

WindowAttrs window_attrs(const OpDef& op, const Attrs& attrs,
                         const char* strides_name, bool dilation) {
  WindowAttrs w;
  const std::string f = attrs.get_string("data_format", "channels_last");
  if (f != "channels_last" && f != "channels_first") {
    fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": data_format is ", quoted(f),
         "; expected 'channels_last' or 'channels_first'");
  }
  w.first = f == "channels_first";
  const std::string p = attrs.get_string("padding", "valid");
  if (p != "valid" && p != "same") {
    fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": padding is ", quoted(p),
         "; expected 'valid' or 'same'");
  }
  w.same = p == "same";
  read_pair(op, attrs, strides_name, w.sh, w.sw);
  if (dilation) read_pair(op, attrs, "dilation_rate", w.dh, w.dw);
  return w;
}

int64_t window_out(const OpDef& op, int64_t in, int64_t k, int64_t s, int64_t d,
                   bool same, const Shape& x_shape) {
  if (in == kUnknownDim || k == kUnknownDim) return kUnknownDim;
  if (same) return (in + s - 1) / s;
  const int64_t span = (k - 1) * d + 1;
  if (in < span) {
    fail(TP_ERROR_SHAPE, op.name, ": input shape ", format_shape(x_shape),
         " has a spatial size ", in, " smaller than the (dilated) window ",
         span, " with padding 'valid'");
  }
  return (in - span) / s + 1;
}

int64_t window_pad_before(int64_t in, int64_t out, int64_t k, int64_t s,
                          int64_t d, bool same) {
  if (!same) return 0;
  const int64_t total = (out - 1) * s + (k - 1) * d + 1 - in;
  return total > 0 ? total / 2 : 0;
}

Geometry make_geometry(const OpDef& op, const WindowAttrs& a,
                       const Shape& x_shape, int64_t out_channels) {
  Geometry g;
  split_nhwc(x_shape, a.first, g.n, g.h, g.w, g.c);
  g.oc = out_channels;
  g.oh = window_out(op, g.h, a.kh, a.sh, a.dh, a.same, x_shape);
  g.ow = window_out(op, g.w, a.kw, a.sw, a.dw, a.same, x_shape);
  g.pt = window_pad_before(g.h, g.oh, a.kh, a.sh, a.dh, a.same);
  g.pl = window_pad_before(g.w, g.ow, a.kw, a.sw, a.dw, a.same);
  if (a.first) {
    g.xw = 1, g.xh = g.w, g.xc = g.h * g.w, g.xn = g.c * g.h * g.w;
    g.ow_s = 1, g.oh_s = g.ow, g.oc_s = g.oh * g.ow, g.on = g.oc * g.oh * g.ow;
  } else {
    g.xc = 1, g.xw = g.c, g.xh = g.w * g.c, g.xn = g.h * g.w * g.c;
    g.oc_s = 1, g.ow_s = g.oc, g.oh_s = g.ow * g.oc, g.on = g.oh * g.ow * g.oc;
  }
  return g;
}

}  // namespace tptk
