#include "ops/vjp_util.hpp"

#include <string>

#include "backend.hpp"
#include "dtype.hpp"
#include "ops/op.hpp"
#include "text.hpp"

namespace tptk {

NodePtr call_op(std::string_view name, std::vector<NodePtr> inputs,
                Attrs attrs) {
  const OpDef* op = find_op(name);
  if (op == nullptr) {
    fail(TP_ERROR_INTERNAL, backend_info().name, ": op '", name,
         "' needed by a gradient is not registered");
  }
  return apply_op(*op, std::move(inputs), std::move(attrs));
}

NodePtr scalar_constant(double value, DLDataType dtype) {
  Attrs attrs;
  attrs.set("value", value);
  attrs.set("shape", std::vector<std::int64_t>{});
  attrs.set("dtype", dtype);
  return call_op("constant", {}, std::move(attrs));
}

NodePtr sum_to(const NodePtr& grad, const NodePtr& like) {
  if (is_fully_known(grad->shape) && grad->shape == like->shape) return grad;
  return call_op("sum_to_shape", {grad, like});
}

}  // namespace tptk
