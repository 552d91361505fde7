#include "ops/contract.hpp"

#include "dtype.hpp"
#include "ops/indexing.hpp"
#include "text.hpp"

namespace tptk {

ContractDims contract_dims(const ContractSpec& spec, const Shape& x,
                           const Shape& y) {
  const std::size_t start = spec.batch ? 1 : 0;
  ContractDims d;
  d.b = spec.batch ? x[0] : 1;
  d.p = dim_product(x, start, spec.x_axis);
  d.k = x[spec.x_axis];
  d.q = dim_product(x, spec.x_axis + 1, x.size());
  d.r = dim_product(y, start, spec.y_axis);
  d.s = dim_product(y, spec.y_axis + 1, y.size());
  return d;
}

namespace {

ContractDims dims_of(const ContractSpec& spec, const Shape& x, const Shape& y) {
  return contract_dims(spec, x, y);
}

template <class T>
void forward(const ContractDims& d, const T* x, const T* y, T* out) {
  for (int64_t b = 0; b < d.b; ++b)
    for (int64_t p = 0; p < d.p; ++p)
      for (int64_t q = 0; q < d.q; ++q)
        for (int64_t r = 0; r < d.r; ++r) {
          T* o = out + (((b * d.p + p) * d.q + q) * d.r + r) * d.s;
          for (int64_t k = 0; k < d.k; ++k) {
            const T a = x[((b * d.p + p) * d.k + k) * d.q + q];
            const T* yr = y + ((b * d.r + r) * d.k + k) * d.s;
            for (int64_t s = 0; s < d.s; ++s) o[s] += a * yr[s];
          }
        }
}

template <class T>
void backward(const ContractDims& d, const T* g, const T* x, const T* y, T* dx,
              T* dy) {
  for (int64_t b = 0; b < d.b; ++b)
    for (int64_t p = 0; p < d.p; ++p)
      for (int64_t q = 0; q < d.q; ++q)
        for (int64_t r = 0; r < d.r; ++r) {
          const T* gr = g + (((b * d.p + p) * d.q + q) * d.r + r) * d.s;
          for (int64_t k = 0; k < d.k; ++k) {
            const int64_t xi = ((b * d.p + p) * d.k + k) * d.q + q;
            const int64_t yi = ((b * d.r + r) * d.k + k) * d.s;
            if (dx != nullptr) {
              T acc = 0;
              for (int64_t s = 0; s < d.s; ++s) acc += gr[s] * y[yi + s];
              dx[xi] += acc;
            }
            if (dy != nullptr) {
              const T a = x[xi];
              for (int64_t s = 0; s < d.s; ++s) dy[yi + s] += a * gr[s];
            }
          }
        }
}

/**
 * `a` itself, or a float32 copy of it in `storage` when it is float16
 * (kernels compute in float).
 */
const Array& widened(const Array& a, Array& storage, std::string_view op) {
  if (!tp::dtype_equal(a.dtype(), kFloat16)) return a;
  storage = Array(a.shape(), kFloat32);
  convert(a.bytes(), kFloat16, storage.bytes(), kFloat32, a.size(), op);
  return storage;
}

Array narrowed(Array a, DLDataType dtype, std::string_view op) {
  if (tp::dtype_equal(a.dtype(), dtype)) return a;
  Array out(a.shape(), dtype);
  convert(a.bytes(), a.dtype(), out.bytes(), dtype, a.size(), op);
  return out;
}

}  // namespace

Shape contract_shape(const ContractSpec& spec, const Shape& x, const Shape& y) {
  Shape out;
  const std::size_t start = spec.batch ? 1 : 0;
  if (spec.batch) out.push_back(merge_dim(x[0], y[0]));
  for (std::size_t i = start; i < x.size(); ++i) {
    if (i != spec.x_axis) out.push_back(x[i]);
  }
  for (std::size_t i = start; i < y.size(); ++i) {
    if (i != spec.y_axis) out.push_back(y[i]);
  }
  if (spec.batch && out.size() == 1) out.push_back(1);
  return out;
}

void check_contract(std::string_view op, const ContractSpec& spec,
                    const Shape& x, const Shape& y) {
  const int64_t kx = x[spec.x_axis];
  const int64_t ky = y[spec.y_axis];
  if (kx != kUnknownDim && ky != kUnknownDim && kx != ky) {
    fail(TP_ERROR_SHAPE, op, ": cannot contract ", format_shape(x), " with ",
         format_shape(y), ": ", kx, " != ", ky, " (axis ", spec.x_axis,
         " of x with axis ", spec.y_axis, " of y)");
  }
  if (spec.batch && x[0] != kUnknownDim && y[0] != kUnknownDim &&
      x[0] != y[0]) {
    fail(TP_ERROR_SHAPE, op, ": batch sizes differ: ", format_shape(x), " and ",
         format_shape(y), ": ", x[0], " != ", y[0]);
  }
}

Array contract(std::string_view op, const ContractSpec& spec, const Array& x,
               const Array& y) {
  check_contract(op, spec, x.shape(), y.shape());
  Array xs, ys;
  const Array& xw = widened(x, xs, op);
  const Array& yw = widened(y, ys, op);
  const ContractDims d = dims_of(spec, x.shape(), y.shape());
  Array out(contract_shape(spec, x.shape(), y.shape()), xw.dtype());
  dispatch_float(xw.dtype(), op, [&]<class T>() {
    if constexpr (!std::is_same_v<T, half>) {
      forward<T>(d, xw.data<T>(), yw.data<T>(), out.data<T>());
    }
  });
  return narrowed(std::move(out), x.dtype(), op);
}

Array contract_grad(std::string_view op, const ContractSpec& spec,
                    const Array& g, const Array& x, const Array& y, int wrt) {
  check_contract(op, spec, x.shape(), y.shape());
  const Shape expected = contract_shape(spec, x.shape(), y.shape());
  if (g.shape() != expected) {
    fail(TP_ERROR_SHAPE, op, ": gradient shape ", format_shape(g.shape()),
         " does not match the result shape ", format_shape(expected));
  }
  Array gs, xs, ys;
  const Array& gw = widened(g, gs, op);
  const Array& xw = widened(x, xs, op);
  const Array& yw = widened(y, ys, op);
  const ContractDims d = dims_of(spec, x.shape(), y.shape());
  Array out(wrt == 0 ? x.shape() : y.shape(), xw.dtype());
  dispatch_float(xw.dtype(), op, [&]<class T>() {
    if constexpr (!std::is_same_v<T, half>) {
      backward<T>(d, gw.data<T>(), xw.data<T>(), yw.data<T>(),
                  wrt == 0 ? out.data<T>() : nullptr,
                  wrt == 0 ? nullptr : out.data<T>());
    }
  });
  return narrowed(std::move(out), x.dtype(), op);
}

}  // namespace tptk
