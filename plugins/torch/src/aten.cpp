#include "aten.hpp"

#include <ATen/ops/from_blob.h>

namespace tptorch {

at::Tensor view(const tptk::Array& a) { return view(a, dims(a.shape())); }

at::Tensor view(const tptk::Array& a, at::IntArrayRef shape) {
  const at::ScalarType type =
      tp::dtype_equal(a.dtype(), tptk::kFloat64) ? at::kDouble : at::kFloat;
  // from_blob never writes through the pointer by itself; kernels write only
  // into arrays they allocated.
  void* data = const_cast<std::byte*>(a.bytes());
  return at::from_blob(data, shape, at::TensorOptions().dtype(type));
}

}  // namespace tptorch
