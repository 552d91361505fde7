#include "node.hpp"

#include "kernels.hpp"

#include <utility>

namespace tptk {

const char* kind_name(NodeKind kind) noexcept {
  switch (kind) {
    case NodeKind::placeholder:
      return "placeholder";
    case NodeKind::variable:
      return "variable";
    case NodeKind::op:
      return "op result";
  }
  return "tensor";
}

NodePtr make_placeholder(std::string name, DLDataType dtype, Shape shape) {
  auto node = std::make_shared<Node>();
  node->kind = NodeKind::placeholder;
  node->name = std::move(name);
  node->dtype = dtype;
  node->shape = std::move(shape);
  return node;
}

NodePtr make_variable(std::string name, Array value) {
  auto node = std::make_shared<Node>();
  node->kind = NodeKind::variable;
  node->name = std::move(name);
  node->dtype = value.dtype();
  node->shape = value.shape();
  node->value = std::move(value);
  return node;
}

NodePtr make_op_node(std::string name, const OpDef& op,
                     std::vector<NodePtr> inputs, Attrs attrs, DLDataType dtype,
                     Shape shape) {
  auto node = std::make_shared<Node>();
  node->kind = NodeKind::op;
  node->name = std::move(name);
  node->dtype = dtype;
  node->shape = std::move(shape);
  node->op = &op;
  node->kernel = kernel_for(op);
  node->inputs = std::move(inputs);
  node->attrs = std::move(attrs);
  return node;
}

}  // namespace tptk
