#include "ops/elementwise.hpp"

namespace tptk {

const char* dtype_class_label(DtypeClass c) {
  switch (c) {
    case DtypeClass::any:
      return "float16, float32, float64, int32, int64, bool";
    case DtypeClass::numeric:
      return "float16, float32, float64, int32, int64";
    case DtypeClass::floating:
      return "float16, float32, float64";
  }
  return "";
}

bool in_dtype_class(DLDataType dt, DtypeClass c) {
  switch (c) {
    case DtypeClass::any:
      return is_supported(dt);
    case DtypeClass::numeric:
      return is_float(dt) || is_integer(dt);
    case DtypeClass::floating:
      return is_float(dt);
  }
  return false;
}

void require_dtype_class(const OpDef& op, const Node& x, DtypeClass c) {
  if (in_dtype_class(x.dtype, c)) return;
  fail(TP_ERROR_DTYPE, op.name, ": operand of shape ", format_shape(x.shape),
       " has dtype ", dtype_label(x.dtype),
       " (supported: ", dtype_class_label(c), ")");
}

Signature infer_unary_grad(const OpDef& op, std::span<const NodePtr> inputs,
                           const Attrs&) {
  const Node& x = *inputs[0];
  const Node& g = *inputs[1];
  require_dtype_class(op, x, DtypeClass::floating);
  if (!tp::dtype_equal(x.dtype, g.dtype) || !may_equal(x.shape, g.shape)) {
    fail(TP_ERROR_SHAPE, op.name, ": gradient of shape ", format_shape(g.shape),
         " and dtype ", dtype_label(g.dtype),
         " does not match operand of shape ", format_shape(x.shape),
         " and dtype ", dtype_label(x.dtype));
  }
  return {x.dtype, x.shape};
}

void check_unary_grad(const OpDef& op, const Array& x, const Array& g) {
  if (x.shape() != g.shape()) {
    fail(TP_ERROR_SHAPE, op.name, ": gradient of shape ",
         format_shape(g.shape()), " does not match operand of shape ",
         format_shape(x.shape()));
  }
}

}  // namespace tptk
