// Builds and runs one op case on a backend exactly as an application does:
// placeholders -> op -> function -> call.
#include <algorithm>

#include "ops/op_cases.hpp"

namespace tensorplug::conformance {

OpGraph build_op_graph(const Backend& backend, const OpCase& c,
                       DLDataType dtype, const std::vector<Array>& inputs,
                       bool unknown_batch) {
  OpGraph graph;
  for (const auto& spec : c.inputs) {
    if (!spec.attr.empty()) continue;
    auto shape = spec.shape;
    if (unknown_batch && !shape.empty()) shape[0] = -1;  // TP_DIM_UNKNOWN
    graph.placeholders.push_back(
        backend.placeholder(shape, input_dtype(spec, dtype)));
  }
  graph.outputs = backend.call_op(c.op, graph.placeholders,
                                  attrs_for(c, dtype, inputs), c.num_outputs);
  return graph;
}

OpResult run_op_case(const Backend& backend, const OpCase& c, DLDataType dtype,
                     const std::vector<Array>& inputs, bool unknown_batch) {
  const OpGraph graph =
      build_op_graph(backend, c, dtype, inputs, unknown_batch);
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
  const Function f = backend.function(graph.placeholders, graph.outputs);
  result.outputs = f(operands_of(c, inputs));
  return result;
}

}  // namespace tensorplug::conformance
