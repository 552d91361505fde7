// The broadcasting loop shared by elementwise kernels: walks the output of a
// NumPy-broadcast binary op in row-major order, with per-operand strides that
// are 0 along broadcast dimensions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "array.hpp"
#include "shape.hpp"

namespace tptk {

/** Row-major strides of `shape` aligned to `rank` dims; 0 where broadcast. */
inline Shape broadcast_strides(const Shape& shape, std::size_t rank) {
  Shape strides(rank, 0);
  int64_t stride = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const std::size_t src = shape.size() - 1 - i;
    const std::size_t dst = rank - 1 - i;
    strides[dst] = shape[src] == 1 ? 0 : stride;
    stride *= shape[src];
  }
  return strides;
}

/**
 * out[i] = fn(a[ia], b[ib]) over `out`'s shape, which is the broadcast of
 * a's and b's shapes. T is the element type of a and b, R that of `out`
 * (bool for comparisons).
 */
template <class T, class R = T, class Fn>
void broadcast_binary(const Array& a, const Array& b, Array& out, Fn fn) {
  const Shape& shape = out.shape();
  const std::size_t rank = shape.size();
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  R* po = out.data<R>();
  const std::size_t total = out.size();
  if (total == 0) return;
  if (a.size() == total && b.size() == total) {  // same shapes: flat loop
    for (std::size_t i = 0; i < total; ++i) po[i] = fn(pa[i], pb[i]);
    return;
  }
  if (rank == 0) {
    po[0] = fn(pa[0], pb[0]);
    return;
  }
  const Shape sa = broadcast_strides(a.shape(), rank);
  const Shape sb = broadcast_strides(b.shape(), rank);
  const int64_t inner = shape[rank - 1];
  const int64_t ia = sa[rank - 1];
  const int64_t ib = sb[rank - 1];
  Shape index(rank, 0);
  for (std::size_t done = 0; done < total;
       done += static_cast<std::size_t>(inner)) {
    int64_t oa = 0;
    int64_t ob = 0;
    for (std::size_t d = 0; d + 1 < rank; ++d) {
      oa += index[d] * sa[d];
      ob += index[d] * sb[d];
    }
    for (int64_t i = 0; i < inner; ++i) {
      *po++ = fn(pa[oa + i * ia], pb[ob + i * ib]);
    }
    for (std::size_t d = rank - 1; d-- > 0;) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace tptk
