// Helpers for the op tests of the values/elementwise/activations group:
// arrays of any dtype (float16 and bool included) from doubles, running an
// op on concrete operands through placeholders and a function, and reading
// any result back as doubles.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "gradcheck.hpp"
#include "tensorplug/array.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/ops.hpp"

namespace tensorplug::test {

inline constexpr DLDataType kF16{kDLFloat, 16, 1};
inline constexpr DLDataType kF32{kDLFloat, 32, 1};
inline constexpr DLDataType kF64{kDLFloat, 64, 1};
inline constexpr DLDataType kI32{kDLInt, 32, 1};
inline constexpr DLDataType kI64{kDLInt, 64, 1};
inline constexpr DLDataType kBool{6, 8, 1};

template <class T>
Array array_from(const std::vector<std::int64_t>& shape,
                 const std::vector<double>& values, DLDataType dt) {
  std::vector<T> buf(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    buf[i] = static_cast<T>(values[i]);
  }
  std::vector<std::int64_t> dims = shape;
  DLTensor t{};
  t.data = buf.data();
  t.device = {kDLCPU, 0};
  t.ndim = static_cast<int32_t>(dims.size());
  t.dtype = dt;
  t.shape = dims.data();
  return Array::copy_of(t);
}

/** An array of dtype `dt` holding `values` (converted). */
inline Array make(const std::vector<std::int64_t>& shape,
                  const std::vector<double>& values, DLDataType dt = kF32) {
  if (dtype::equal(dt, kF16)) return array_from<_Float16>(shape, values, dt);
  if (dtype::equal(dt, kF32)) return array_from<float>(shape, values, dt);
  if (dtype::equal(dt, kF64)) return array_from<double>(shape, values, dt);
  if (dtype::equal(dt, kI32))
    return array_from<std::int32_t>(shape, values, dt);
  if (dtype::equal(dt, kI64))
    return array_from<std::int64_t>(shape, values, dt);
  if (dtype::equal(dt, kBool))
    return array_from<std::uint8_t>(shape, values, dt);
  FAIL("make: unsupported dtype");
  return {};
}

template <class T>
std::vector<double> doubles_of(const Array& a) {
  std::vector<T> buf(a.size());
  if (!buf.empty()) std::memcpy(buf.data(), a.bytes().data(), a.bytes().size());
  return std::vector<double>(buf.begin(), buf.end());
}

/** A float64 array holding `v`. */
inline Array f64(std::vector<std::int64_t> shape,
                 const std::vector<double>& v) {
  return Array::of<double>(std::move(shape), std::span<const double>(v));
}

/** Any array's elements as doubles. */
inline std::vector<double> values(const Array& a) {
  const DLDataType dt = a.dtype();
  if (dtype::equal(dt, kF16)) return doubles_of<_Float16>(a);
  if (dtype::equal(dt, kF32)) return doubles_of<float>(a);
  if (dtype::equal(dt, kF64)) return doubles_of<double>(a);
  if (dtype::equal(dt, kI32)) return doubles_of<std::int32_t>(a);
  if (dtype::equal(dt, kI64)) return doubles_of<std::int64_t>(a);
  if (dtype::equal(dt, kBool)) return doubles_of<std::uint8_t>(a);
  FAIL("values: unsupported dtype " << dtype::name(dt));
  return {};
}

/** Evaluates tensors that depend on no placeholder. */
inline Array eval(const Backend& b, const Tensor& t) {
  return b.function({}, {t})({}).at(0);
}

/** op(name) applied to placeholders fed with `operands`; the result. */
inline Array run(const Backend& b, const std::string& name,
                 const std::vector<Array>& operands,
                 const tensorplug::Attrs& attrs = {}) {
  std::vector<Tensor> xs;
  for (const Array& a : operands)
    xs.push_back(b.placeholder(a.shape(), a.dtype()));
  const Tensor y = b.op(name, xs, attrs);
  return b.function(xs, {y})(operands).at(0);
}

/** The message of the PluginError `f` throws (fails when none). */
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const PluginError& e) {
    return e.what();
  }
  FAIL("no PluginError thrown");
  return {};
}

/** Elementwise approximate comparison with a relative/absolute tolerance. */
inline void check_close(const std::vector<double>& actual,
                        const std::vector<double>& expected,
                        double tolerance = 1e-6) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    INFO("element " << i);
    if (std::isnan(expected[i])) {
      CHECK(std::isnan(actual[i]));
    } else {
      CHECK(actual[i] ==
            Approx(expected[i]).epsilon(tolerance).margin(tolerance));
    }
  }
}

}  // namespace tensorplug::test
