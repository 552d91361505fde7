// Ops that create values: constant (from a tensor value, or a scalar filled
// to a shape), zeros and ones. dtype defaults to the context's floatx.
// No operands, no gradient.
#include "ops/values.hpp"

#include <cstring>

#include "dtype.hpp"
#include "ops/cast.hpp"
#include "text.hpp"

namespace tptk {

DLDataType value_dtype(const Attrs& attrs) {
  auto dt = attrs.get_dtype("dtype");
  if (dt && !TP_DTYPE_IS_DEFAULT(*dt)) return *dt;
  // "floatx" is set by op_entry from the context; ops built inside the
  // backend always pass a dtype.
  return attrs.get_dtype("floatx").value_or(kFloat32);
}

Shape shape_attr(const OpDef& op, const Attrs& attrs, const Shape* fallback) {
  auto shape = attrs.get_ints("shape");
  if (!shape) {
    if (fallback == nullptr) {
      fail(TP_ERROR_INVALID_ARGUMENT, op.name,
           ": attribute 'shape' is required");
    }
    return *fallback;
  }
  for (int64_t d : *shape) {
    if (d < 0) {
      fail(TP_ERROR_SHAPE, op.name, ": invalid shape ", format_shape(*shape),
           " (sizes must be >= 0)");
    }
  }
  element_count(*shape, op.name, 8);  // overflow check
  return *shape;
}

namespace {

constexpr AttrSpec kConstantAttrs[] = {{"value", kAttrValue | kAttrFloat},
                                       {"dtype", kAttrDtype | kAttrNone},
                                       {"shape", kAttrInts | kAttrNone}};
constexpr AttrSpec kFillAttrs[] = {{"shape", kAttrInts},
                                   {"dtype", kAttrDtype | kAttrNone}};

/** The VALUE attribute `value`, or nullptr when it is a number. */
const Array* tensor_value(const Attrs& attrs) {
  return attrs.find_value("value");  // nullptr for a FLOAT (or INT) scalar
}

Signature infer_constant(const OpDef& op, std::span<const NodePtr>,
                         const Attrs& attrs) {
  if (!attrs.has("value")) {
    fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": attribute 'value' is required");
  }
  const Array* value = tensor_value(attrs);
  // A tensor value keeps its own (supported) dtype unless one is given; a
  // number, or a value of another dtype (uint8, ...), becomes floatx.
  const bool keep = value != nullptr && is_supported(value->dtype()) &&
                    !attrs.get_dtype("dtype").has_value();
  const DLDataType dtype = keep ? value->dtype() : value_dtype(attrs);
  require_supported(dtype, op.name);
  if (value == nullptr) {
    const Shape scalar;
    return {dtype, shape_attr(op, attrs, &scalar)};
  }
  const Shape shape = shape_attr(op, attrs, &value->shape());
  const std::size_t count = element_count(shape, op.name);
  if (value->size() != 1 && value->size() != count) {
    fail(TP_ERROR_SHAPE, op.name, ": a value of shape ",
         format_shape(value->shape()), " (", value->size(),
         " elements) cannot fill shape ", format_shape(shape), " (", count,
         " elements)");
  }
  return {dtype, shape};
}

/** `count` copies of the single element of `one` into `out`. */
void fill(const Array& one, Array& out) {
  const std::size_t width = one.nbytes();
  std::byte* dst = out.bytes();
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::memcpy(dst + i * width, one.bytes(), width);
  }
}

Array eval_constant(const Node& node, std::span<const Array* const>) {
  Array out(node.shape, node.dtype);
  const Array* value = tensor_value(node.attrs);
  Array converted;
  if (value == nullptr) {
    Array scalar({}, kFloat64);
    *scalar.data<double>() = node.attrs.get_float("value", 0.0);
    converted = cast_array(scalar, node.dtype, node.op->name);
  } else {
    converted = cast_array(*value, node.dtype, node.op->name);
  }
  if (converted.size() == out.size()) {
    if (out.nbytes() > 0) {
      std::memcpy(out.bytes(), converted.bytes(), out.nbytes());
    }
  } else {
    fill(converted, out);
  }
  return out;
}

Signature infer_fill(const OpDef& op, std::span<const NodePtr>,
                     const Attrs& attrs) {
  const DLDataType dtype = value_dtype(attrs);
  require_supported(dtype, op.name);
  return {dtype, shape_attr(op, attrs)};
}

Array eval_zeros(const Node& node, std::span<const Array* const>) {
  return Array(node.shape, node.dtype);  // zero-filled
}

Array eval_ones(const Node& node, std::span<const Array* const>) {
  Array one({}, kFloat64);
  *one.data<double>() = 1.0;
  Array out(node.shape, node.dtype);
  fill(cast_array(one, node.dtype, node.op->name), out);
  return out;
}

}  // namespace

const OpDef kConstant{
    "constant", 0, 0, kConstantAttrs, &infer_constant, &eval_constant, nullptr};
const OpDef kZeros{"zeros",     0,           0,      kFillAttrs,
                   &infer_fill, &eval_zeros, nullptr};
const OpDef kOnes{"ones", 0, 0, kFillAttrs, &infer_fill, &eval_ones, nullptr};

}  // namespace tptk

TPTK_EXPORT_OP(constant, tptk::kConstant)
TPTK_EXPORT_OP(zeros, tptk::kZeros)
TPTK_EXPORT_OP(ones, tptk::kOnes)
