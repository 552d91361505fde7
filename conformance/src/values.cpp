#include "values.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kit.hpp"

namespace tensorplug::conformance {
namespace {

using half = _Float16;  // GCC/Clang; float16 arithmetic happens in float

constexpr DLDataType kF16{kDLFloat, 16, 1};
constexpr DLDataType kF32{kDLFloat, 32, 1};
constexpr DLDataType kF64{kDLFloat, 64, 1};
constexpr DLDataType kI32{kDLInt, 32, 1};
constexpr DLDataType kI64{kDLInt, 64, 1};

/// Calls `f.template operator()<T>()` with T the C++ type of `dtype`.
template <class F>
decltype(auto) dispatch(DLDataType dtype, F&& f) {
  if (same_dtype(dtype, kF16)) return f.template operator()<half>();
  if (same_dtype(dtype, kF32)) return f.template operator()<float>();
  if (same_dtype(dtype, kF64)) return f.template operator()<double>();
  if (same_dtype(dtype, kI32)) return f.template operator()<std::int32_t>();
  if (same_dtype(dtype, kI64)) return f.template operator()<std::int64_t>();
  if (same_dtype(dtype, kBool)) return f.template operator()<std::uint8_t>();
  throw std::invalid_argument("conformance kit: unsupported dtype " +
                              dtype_name(dtype));
}

std::string format_value(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.9g}", v);
}

bool close(double expected, double actual, Tolerance tol) {
  if (std::isnan(expected) || std::isnan(actual)) {
    return std::isnan(expected) && std::isnan(actual);
  }
  if (std::isinf(expected) || std::isinf(actual)) return expected == actual;
  return std::fabs(actual - expected) <=
         tol.atol + tol.rtol * std::fabs(expected);
}

}  // namespace

const std::vector<DLDataType>& all_dtypes() {
  static const std::vector<DLDataType> all = {kF16, kF32, kF64,
                                              kI32, kI64, kBool};
  return all;
}

bool same_dtype(DLDataType a, DLDataType b) {
  return a.code == b.code && a.bits == b.bits && a.lanes == b.lanes;
}

bool is_float(DLDataType dtype) { return dtype.code == kDLFloat; }

std::string dtype_name(DLDataType dtype) {
  if (same_dtype(dtype, kBool)) return "bool";
  return dtype::name(dtype);
}

std::optional<DLDataType> parse_dtype(std::string_view name) {
  for (const DLDataType dt : all_dtypes()) {
    if (dtype_name(dt) == name) return dt;
  }
  return std::nullopt;
}

std::string format_shape(const std::vector<std::int64_t>& shape) {
  std::vector<std::string> parts;
  for (auto d : shape) parts.push_back(d < 0 ? "None" : std::to_string(d));
  if (parts.size() == 1) return "(" + parts[0] + ",)";
  return fmt::format("({})", fmt::join(parts, ", "));
}

std::string format_index(std::size_t flat,
                         const std::vector<std::int64_t>& shape) {
  if (shape.empty()) return "[]";
  std::vector<std::int64_t> index(shape.size());
  for (std::size_t d = shape.size(); d-- > 0;) {
    const auto size = static_cast<std::size_t>(shape[d]);
    index[d] = static_cast<std::int64_t>(flat % size);
    flat /= size;
  }
  return fmt::format("[{}]", fmt::join(index, ", "));
}

Array make_array(const std::vector<std::int64_t>& shape, DLDataType dtype,
                 const std::vector<double>& values) {
  Array a(shape, dtype);
  if (values.size() != a.size()) {
    throw std::invalid_argument(
        fmt::format("make_array: {} values for shape {}", values.size(),
                    format_shape(shape)));
  }
  dispatch(dtype, [&]<class T>() {
    auto bytes = a.mutable_bytes();
    for (std::size_t i = 0; i < values.size(); ++i) {
      T v;
      if constexpr (std::is_same_v<T, std::uint8_t>) {
        v = values[i] != 0 ? 1 : 0;
      } else {
        v = static_cast<T>(values[i]);
      }
      std::memcpy(bytes.data() + i * sizeof(T), &v, sizeof(T));
    }
  });
  return a;
}

std::vector<double> to_doubles(const Array& a) {
  std::vector<double> out(a.size());
  dispatch(a.dtype(), [&]<class T>() {
    const auto bytes = a.bytes();
    for (std::size_t i = 0; i < out.size(); ++i) {
      T v;
      std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
      out[i] = static_cast<double>(v);
    }
  });
  return out;
}

Array random_array(const std::vector<std::int64_t>& shape, DLDataType dtype,
                   std::mt19937_64& rng, double lo, double hi) {
  std::size_t n = 1;
  for (auto d : shape)
    n *= static_cast<std::size_t>(std::max<std::int64_t>(d, 0));
  std::vector<double> values(n);
  if (same_dtype(dtype, kBool)) {
    std::bernoulli_distribution coin(0.5);
    for (auto& v : values) v = coin(rng) ? 1 : 0;
  } else if (is_float(dtype)) {
    std::uniform_real_distribution<double> dist(lo, hi);
    for (auto& v : values) v = dist(rng);
  } else {
    std::uniform_int_distribution<std::int64_t> dist(
        static_cast<std::int64_t>(std::ceil(lo)),
        static_cast<std::int64_t>(std::floor(hi)));
    for (auto& v : values) v = static_cast<double>(dist(rng));
  }
  return make_array(shape, dtype, values);
}

Tolerance tolerance_for(DLDataType dtype) {
  if (same_dtype(dtype, kF16)) return {1e-3, 1e-3};
  if (same_dtype(dtype, kF32)) return {1e-5, 1e-5};
  if (same_dtype(dtype, kF64)) return {1e-12, 1e-12};
  return {0, 0};
}

Tolerance scaled(Tolerance t, double factor) {
  return {t.atol * factor, t.rtol * factor};
}

std::string layout_difference(const Array& expected, const Array& actual,
                              std::string_view expected_note) {
  if (!same_dtype(expected.dtype(), actual.dtype())) {
    return fmt::format("dtype differs: expected {}{}, actual {}",
                       dtype_name(expected.dtype()), expected_note,
                       dtype_name(actual.dtype()));
  }
  if (expected.shape() != actual.shape()) {
    return fmt::format("shape differs: expected {}{}, actual {}",
                       format_shape(expected.shape()), expected_note,
                       format_shape(actual.shape()));
  }
  return {};
}

std::string compare(const Array& expected, const Array& actual, Tolerance tol) {
  return compare(expected, actual, tol, {}, {});
}

std::string compare(const Array& expected, const Array& actual, Tolerance tol,
                    const std::vector<double>& bound,
                    std::string_view bound_note) {
  if (std::string layout = layout_difference(expected, actual, " (reference)");
      !layout.empty()) {
    return layout;
  }
  const auto e = to_doubles(expected);
  const auto a = to_doubles(actual);
  const bool bounded = bound.size() == e.size();
  std::size_t differing = 0;
  double max_diff = 0;
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < e.size(); ++i) {
    const Tolerance t =
        bounded ? Tolerance{tol.atol + bound[i], tol.rtol} : tol;
    if (close(e[i], a[i], t)) continue;
    ++differing;
    const double diff = std::fabs(a[i] - e[i]);
    if (!std::isnan(diff)) max_diff = std::max(max_diff, diff);
    if (shown.size() < 5) {
      shown.push_back(fmt::format(
          "{}: expected {} (reference), actual {} (backend){}",
          format_index(i, expected.shape()), format_value(e[i]),
          format_value(a[i]),
          bounded ? fmt::format(", allowed |difference| {}",
                                format_value(t.atol + t.rtol * std::fabs(e[i])))
                  : std::string()));
    }
  }
  if (differing == 0) return {};
  return fmt::format(
      "{} of {} elements of {} {} differ (largest |difference| {}, "
      "tolerance {} + {} * |expected|{}{}):\n  {}",
      differing, e.size(), dtype_name(expected.dtype()),
      format_shape(expected.shape()), format_value(max_diff), tol.atol,
      tol.rtol, bounded ? " + " : "", bounded ? bound_note : "",
      fmt::join(shown, "\n  "));
}

bool check_close(const Array& expected, const Array& actual, Tolerance tol,
                 std::string_view what) {
  const std::string message = compare(expected, actual, tol);
  if (message.empty()) return true;
  FAIL_CHECK(fmt::format("{}: {}", what, message));
  return false;
}

std::string describe(const Array& a, std::size_t max_elements) {
  const auto values = to_doubles(a);
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < values.size() && i < max_elements; ++i) {
    shown.push_back(format_value(values[i]));
  }
  if (values.size() > max_elements) shown.push_back("...");
  return fmt::format("{} {} [{}]", dtype_name(a.dtype()),
                     format_shape(a.shape()), fmt::join(shown, ", "));
}

}  // namespace tensorplug::conformance
