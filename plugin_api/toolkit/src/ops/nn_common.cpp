#include "ops/nn_common.hpp"

#include <cstring>
#include <vector>

#include "text.hpp"

namespace tptk {

tp_status nn_op_entry(const OpDef& op, unsigned needs, tp_context* context,
                      const tp_op_args* args, tp_tensor** outputs,
                      tp_error* error) noexcept {
  // Anything malformed is left to op_entry, which reports it.
  if (context == nullptr || context->backend_state == nullptr ||
      args == nullptr || args->struct_size < TP_OP_ARGS_STRUCT_SIZE ||
      (args->num_attrs > 0 && args->attrs == nullptr)) {
    return op_entry(op, context, args, outputs, error);
  }
  std::vector<tp_attr> attrs;
  tp_status status = tp::guard(error, op.name, [&] {
    attrs.assign(args->attrs, args->attrs + args->num_attrs);
    bool has_format = false;
    for (tp_attr& a : attrs) {
      if (a.struct_size < TP_ATTR_STRUCT_SIZE || a.name == nullptr) continue;
      if ((needs & kNeedsEpsilon) && std::strcmp(a.name, "epsilon") == 0) {
        fail(TP_ERROR_INVALID_ARGUMENT, op.name,
             ": epsilon is the context's setting, not an attribute");
      }
      if ((needs & kNeedsDataFormat) &&
          std::strcmp(a.name, "data_format") == 0) {
        has_format = a.kind != TP_ATTR_NONE;
      }
    }
    tp_attr extra{};
    extra.struct_size = sizeof(tp_attr);
    if ((needs & kNeedsDataFormat) && !has_format) {
      std::erase_if(attrs, [](const tp_attr& a) {
        return a.struct_size >= TP_ATTR_STRUCT_SIZE && a.name != nullptr &&
               std::strcmp(a.name, "data_format") == 0;
      });
      extra.name = "data_format";
      extra.kind = TP_ATTR_STRING;
      extra.string_value =
          TP_HAS_FIELD(context, tp_context, image_data_format) &&
                  context->image_data_format == TP_CHANNELS_FIRST
              ? "channels_first"
              : "channels_last";
      attrs.push_back(extra);
    }
    if (needs & kNeedsEpsilon) {
      extra = tp_attr{};
      extra.struct_size = sizeof(tp_attr);
      extra.name = "epsilon";
      extra.kind = TP_ATTR_FLOAT;
      extra.float_value =
          TP_HAS_FIELD(context, tp_context, epsilon) ? context->epsilon : 1e-7;
      attrs.push_back(extra);
    }
  });
  if (status != TP_OK) return status;
  tp_op_args copy = *args;
  copy.attrs = attrs.data();
  copy.num_attrs = attrs.size();
  return op_entry(op, context, &copy, outputs, error);
}

bool channels_first(const OpDef& op, const Attrs& attrs) {
  const std::string f = attrs.get_string("data_format", "channels_last");
  if (f == "channels_first") return true;
  if (f == "channels_last") return false;
  fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": data_format is ", quoted(f),
       "; expected 'channels_last' or 'channels_first'");
}

std::size_t normalize_axis(const OpDef& op, std::int64_t axis, std::size_t rank,
                           const Shape& shape) {
  const auto r = static_cast<std::int64_t>(rank);
  if (axis < -r || axis >= r) {
    fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": axis ", axis,
         " is out of range for shape ", format_shape(shape));
  }
  return static_cast<std::size_t>(axis < 0 ? axis + r : axis);
}

void require_float(const OpDef& op, const Node& x, std::string_view what) {
  if (!is_float(x.dtype)) {
    fail(TP_ERROR_DTYPE, op.name, ": ", what, " has dtype ",
         tp::dtype_name(x.dtype), " (shape ", format_shape(x.shape),
         "); expected float16, float32 or float64");
  }
}

void require_same_dtype(const OpDef& op, const Node& a, std::string_view an,
                        const Node& b, std::string_view bn) {
  if (!tp::dtype_equal(a.dtype, b.dtype)) {
    fail(TP_ERROR_DTYPE, op.name, ": ", an, " dtype ", tp::dtype_name(a.dtype),
         " and ", bn, " dtype ", tp::dtype_name(b.dtype), " differ");
  }
}

AxisView axis_view(const Shape& shape, std::size_t axis) {
  AxisView v;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    const auto n = static_cast<std::size_t>(shape[d]);
    if (d < axis) v.outer *= n;
    if (d == axis) v.n = n;
    if (d > axis) v.inner *= n;
  }
  return v;
}

Shape drop_axis(const Shape& shape, std::size_t axis) {
  Shape out;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (d != axis) out.push_back(shape[d]);
  }
  return out;
}

}  // namespace tptk
