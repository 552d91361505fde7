#include "lifecycle/eval.hpp"

#include "values.hpp"

namespace tensorplug::conformance {

Array run_op(const Backend& backend, std::string_view op,
             const std::vector<Array>& inputs, const Attrs& attrs) {
  std::vector<Tensor> placeholders;
  placeholders.reserve(inputs.size());
  for (const Array& a : inputs) {
    placeholders.push_back(backend.placeholder(a.shape(), a.dtype()));
  }
  const Tensor result = backend.op(op, placeholders, attrs);
  const Function f = backend.function(placeholders, {result});
  return f(inputs).at(0);
}

std::optional<DLDataType> first_supported(
    Kit& kit, std::initializer_list<DLDataType> preferred) {
  for (const DLDataType dt : preferred) {
    if (kit.supports(dt)) return dt;
  }
  return std::nullopt;
}

std::optional<DLDataType> primary_float(Kit& kit) {
  return first_supported(kit, {dtype::float32, dtype::float64, dtype::float16});
}

}  // namespace tensorplug::conformance
