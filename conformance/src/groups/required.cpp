// The "required" group of the conformance kit (docs/conformance.md): the
// three entries every backend exports, `placeholder`, `variable` and
// `function` (TP_ABI_4), plus get_value / set_value / tensor_info where
// provided. No op is used: placeholders and variables as outputs and
// updates are enough, so a backend without any op is tested fully.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "kit.hpp"
#include "lifecycle/bitwise.hpp"
#include "lifecycle/eval.hpp"
#include "lifecycle/function_cases.hpp"
#include "lifecycle/strided_cases.hpp"
#include "tensorplug/ops.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

// The name the backend reports through tensor_info (borrowed, copied here).
std::string reported_name(const Backend& b, const Tensor& t) {
  auto* info = reinterpret_cast<tp_tensor_info_fn*>(
      const_cast<void*>(b.raw_entry("tensor_info")));
  tp_tensor_desc desc{};
  desc.struct_size = sizeof desc;
  tp_error error{};
  error.struct_size = sizeof error;
  const tp_status status = info(b.raw_context(), t.raw(), &desc, &error);
  std::string message = error.message != nullptr ? error.message : "";
  if (error.release != nullptr) error.release(&error);
  if (status != TP_OK) {
    throw std::runtime_error(fmt::format("tensor_info failed (status {}): {}",
                                         static_cast<int>(status), message));
  }
  return desc.name != nullptr ? desc.name : "";
}

// `shape` with every unknown dimension replaced by `size`.
std::vector<std::int64_t> concrete(std::vector<std::int64_t> shape,
                                   std::int64_t size) {
  for (auto& d : shape) {
    if (d < 0) d = size;
  }
  return shape;
}

// ---- placeholder ----------------------------------------------------------

void check_placeholders(Kit& kit, const Backend& b) {
  // Ranks 0 to 4, unknown dimensions (-1) in every position.
  const std::vector<std::vector<std::int64_t>> shapes = {
      {}, {-1}, {-1, 3}, {2, -1, 4}, {-1, 2, 3, -1}};
  const bool info = b.provides("tensor_info");
  if (!info) kit.not_provided("tensor_info");
  for (const DLDataType dt : kit.dtypes()) {
    for (std::size_t i = 0; i < shapes.size(); ++i) {
      const auto& shape = shapes[i];
      const std::string name = fmt::format("x{}_{}", i, dtype_name(dt));
      kit.run_case(
          "placeholder",
          fmt::format("{} {} named {}: fed and returned unchanged",
                      format_shape(shape), dtype_name(dt), name),
          [&] {
            const Tensor p = b.placeholder(shape, dt, name);
            if (info) {
              const auto got = int_shape(p);
              if (got != shape) {
                kit.record_failure(
                    fmt::format("tensor_info reports shape {}, created with {}",
                                format_shape(got), format_shape(shape)));
              }
              if (!same_dtype(dtype_of(p), dt)) {
                kit.record_failure(
                    fmt::format("tensor_info reports dtype {}, created with {}",
                                dtype_name(dtype_of(p)), dtype_name(dt)));
              }
              const std::string got_name = reported_name(b, p);
              if (got_name != name) {
                kit.record_failure(fmt::format(
                    "tensor_info reports name \"{}\", created with \"{}\"",
                    got_name, name));
              }
            }
            // The unknown dimensions take a different size at each call.
            const Function f = b.function({p}, {p});
            auto rng = kit.rng(fmt::format(
                "placeholder {} {}", format_shape(shape), dtype_name(dt)));
            for (const std::int64_t size : {1, 3, 0}) {
              const Array in = random_array(concrete(shape, size), dt, rng);
              expect_same(kit, in, f({in}).at(0),
                          fmt::format("fed {}", format_shape(in.shape())));
            }
          });
    }
  }
  // Keras's default dtype: floatx (float32 in the default settings).
  if (!kit.supports(dtype::float32)) return;
  kit.run_case("placeholder", "(2,) without dtype is floatx float32", [&] {
    const Tensor p = b.placeholder({2});
    if (info && !same_dtype(dtype_of(p), dtype::float32)) {
      kit.record_failure(
          fmt::format("tensor_info reports dtype {}; floatx is float32",
                      dtype_name(dtype_of(p))));
    }
    const Array in = make_array({2}, dtype::float32, {1.5, -2.25});
    expect_same(kit, in, b.function({p}, {p})({in}).at(0), "output 0");
  });
}

// ---- variable -------------------------------------------------------------

// Special values whose bits must survive: signed zeros, infinities, a quiet
// NaN, the smallest subnormal, the largest finite value.
Array special_values(DLDataType dt) {
  if (dt.bits == 16) {
    const std::uint16_t bits[] = {0x0000, 0x8000, 0x7c00, 0xfc00,
                                  0x7e00, 0x0001, 0x7bff, 0x3c00};
    Array a({8}, dt);
    std::memcpy(a.mutable_bytes().data(), bits, sizeof bits);
    return a;
  }
  const double inf = std::numeric_limits<double>::infinity();
  const double tiny = dt.bits == 32
                          ? double{std::numeric_limits<float>::denorm_min()}
                          : std::numeric_limits<double>::denorm_min();
  const double big = dt.bits == 32 ? double{std::numeric_limits<float>::max()}
                                   : std::numeric_limits<double>::max();
  return make_array({8}, dt,
                    {0.0, -0.0, inf, -inf,
                     std::numeric_limits<double>::quiet_NaN(), tiny, big, 1.0});
}

void check_variables(Kit& kit, const Backend& b) {
  const std::vector<std::vector<std::int64_t>> shapes = {
      {}, {0}, {2, 0, 3}, {5}, {2, 3}, {2, 3, 4}};
  const bool get = b.provides("get_value");
  if (!get) kit.not_provided("get_value");
  auto round_trip = [&](const Array& value) {
    const Tensor v = b.variable(value);
    if (get) expect_same(kit, value, b.get_value(v), "get_value");
    expect_same(kit, value, b.function({}, {v})({}).at(0), "function output");
  };
  for (const DLDataType dt : kit.dtypes()) {
    for (const auto& shape : shapes) {
      kit.run_case(
          "variable",
          fmt::format("{} {}: value round trip (get_value, function)",
                      format_shape(shape), dtype_name(dt)),
          [&] {
            auto rng = kit.rng(fmt::format(
                "variable {} {}", format_shape(shape), dtype_name(dt)));
            // Integers well beyond [-1, 1), so that a float detour shows.
            const bool integer = dt.code == kDLInt;
            round_trip(random_array(shape, dt, rng, integer ? -1e6 : -1.0,
                                    integer ? 1e6 : 1.0));
          });
    }
    if (dt.code == kDLFloat) {
      kit.run_case("variable",
                   fmt::format("(8,) {}: +-0, +-inf, nan, subnormal, max "
                               "bitwise",
                               dtype_name(dt)),
                   [&] { round_trip(special_values(dt)); });
    } else if (dt.code == kDLInt) {
      kit.run_case("variable",
                   fmt::format("(3,) {}: minimum, maximum, -1", dtype_name(dt)),
                   [&] {
                     Array a({3}, dt);
                     if (dt.bits == 32) {
                       const std::int32_t v[] = {
                           std::numeric_limits<std::int32_t>::min(),
                           std::numeric_limits<std::int32_t>::max(), -1};
                       std::memcpy(a.mutable_bytes().data(), v, sizeof v);
                     } else {
                       const std::int64_t v[] = {
                           std::numeric_limits<std::int64_t>::min(),
                           std::numeric_limits<std::int64_t>::max(), -1};
                       std::memcpy(a.mutable_bytes().data(), v, sizeof v);
                     }
                     round_trip(a);
                   });
    }
  }
}

}  // namespace
}  // namespace tensorplug::conformance

TEST_CASE("placeholder, variable and function behave as Keras's",
          "[required]") {
  using namespace tensorplug::conformance;
  Kit& kit = Kit::instance();
  const tensorplug::Backend& b = kit.backend();
  check_placeholders(kit, b);
  check_variables(kit, b);
  check_strided_values(kit, b);
  check_functions(kit, b);
}
