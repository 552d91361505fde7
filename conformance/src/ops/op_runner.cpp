// Builds and runs one op case on a backend exactly as an application does:
// placeholders -> op -> function -> call.
#include <algorithm>
#include <memory>

#include "lifecycle/strided_cases.hpp"
#include "ops/op_cases.hpp"

namespace tensorplug::conformance {

OpGraph build_op_graph(const Backend& backend, const OpCase& c,
                       DLDataType dtype, const std::vector<Array>& inputs,
                       bool unknown_batch) {
  OpGraph graph;
  // Per entry of c.inputs: the operand's placeholder after its prep ops
  // (empty for VALUE attributes).
  std::vector<Tensor> operand_of(c.inputs.size());
  for (std::size_t i = 0; i < c.inputs.size(); ++i) {
    const auto& spec = c.inputs[i];
    if (!spec.attr.empty()) continue;
    auto shape = spec.shape;
    if (unknown_batch && !shape.empty()) shape[0] = -1;  // TP_DIM_UNKNOWN
    graph.placeholders.push_back(
        backend.placeholder(shape, input_dtype(spec, dtype)));
    Tensor t = graph.placeholders.back();
    for (const auto& p : spec.prep) t = backend.op(p.op, {t}, p.attrs);
    operand_of[i] = t;
  }
  // The chain's operands are not the case op's.
  std::vector<bool> chained(c.inputs.size(), false);
  for (const auto& step : c.chain) {
    if (step.operand >= 0)
      chained.at(static_cast<std::size_t>(step.operand)) = true;
  }
  std::vector<Tensor> operands;
  for (std::size_t i = 0; i < c.inputs.size(); ++i) {
    if (operand_of[i] && !chained[i]) operands.push_back(operand_of[i]);
  }
  graph.outputs = backend.call_op(c.op, operands, attrs_for(c, dtype, inputs),
                                  c.num_outputs);
  for (const auto& step : c.chain) {
    std::vector<Tensor> args{graph.outputs.at(0)};
    if (step.operand >= 0) {
      args.push_back(operand_of.at(static_cast<std::size_t>(step.operand)));
    }
    graph.outputs = {backend.op(step.op, args, step.attrs)};
  }
  return graph;
}

namespace {

OpResult static_info(const Backend& backend, const OpGraph& graph) {
  OpResult result;
  if (backend.provides("tensor_info")) {
    for (const auto& out : graph.outputs) {
      result.static_shapes.emplace_back(int_shape(out));
      result.static_dtypes.emplace_back(dtype_of(out));
    }
  } else {
    result.static_shapes.resize(graph.outputs.size());
    result.static_dtypes.resize(graph.outputs.size());
  }
  return result;
}

}  // namespace

OpResult run_op_case(const Backend& backend, const OpCase& c, DLDataType dtype,
                     const std::vector<Array>& inputs, bool unknown_batch) {
  const OpGraph graph =
      build_op_graph(backend, c, dtype, inputs, unknown_batch);
  OpResult result = static_info(backend, graph);
  const Function f = backend.function(graph.placeholders, graph.outputs);
  result.outputs = f(operands_of(c, inputs));
  return result;
}

OpResult run_op_case_strided(const Backend& backend, const OpCase& c,
                             DLDataType dtype,
                             const std::vector<Array>& inputs) {
  const OpGraph graph = build_op_graph(backend, c, dtype, inputs, false);
  OpResult result = static_info(backend, graph);
  const Function f = backend.function(graph.placeholders, graph.outputs);
  std::vector<std::unique_ptr<StridedValue>> views;
  std::vector<const DLTensor*> feed;
  for (const Array& operand : operands_of(c, inputs)) {
    views.push_back(std::make_unique<StridedValue>(
        operand, strided_layouts(operand.shape()).front()));
    feed.push_back(&views.back()->tensor());
  }
  result.outputs = call_raw(backend, f, feed);
  return result;
}

}  // namespace tensorplug::conformance
