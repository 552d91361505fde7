// The same kind of backend written the other way: on the backend toolkit
// (tensorplug::toolkit), which supplies the graph engine, every op's shape
// and dtype checks with their messages, gradients, planning and the whole
// C ABI entry layer, with a portable default kernel for every op. A backend
// says who it is and overrides the kernels it makes faster; here one:
// float32 `multiply` of equal shapes, as a plain loop.
#include <tensorplug/toolkit/backend.hpp>
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/kernels.hpp>
#include <tensorplug/toolkit/node.hpp>
#include <tensorplug/toolkit/ops/op.hpp>

namespace {

tptk::Array multiply_f32(const tptk::Node& node,
                         std::span<const tptk::Array* const> in) {
  const tptk::Array& a = *in[0];
  const tptk::Array& b = *in[1];
  // Anything else (broadcasting, other dtypes): the toolkit's kernel.
  if (!tp::dtype_equal(a.dtype(), tptk::kFloat32) ||
      !tp::dtype_equal(b.dtype(), tptk::kFloat32) || a.shape() != b.shape()) {
    return node.op->eval(node, in);
  }
  tptk::Array out = tptk::Array::uninitialized(a.shape(), a.dtype());
  const float* pa = a.data<float>();
  const float* pb = b.data<float>();
  float* po = out.data<float>();
  for (std::size_t i = 0; i < out.size(); ++i) po[i] = pa[i] * pb[i];
  return out;
}

constexpr DLDataType kDtypes[] = {{kDLFloat, 32, 1}, {kDLFloat, 64, 1}};

}  // namespace

TPTK_KERNEL(multiply, multiply_f32)

const tptk::BackendInfo& tptk::backend_info() noexcept {
  static const BackendInfo info{"example_toolkit", "example_toolkit 1.0",
                                kDtypes};
  return info;
}
