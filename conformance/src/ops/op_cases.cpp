// The op case table's common parts: the concatenation in TP_CORE_OPS_V1
// order, random inputs, attributes, dtypes, tolerances and labels.
#include "ops/op_cases.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <type_traits>
#include <variant>

#include "ops/case_builders.hpp"

namespace tensorplug::conformance {
namespace {

// The op names of the core op set, in the ABI's order.
const std::vector<std::string_view>& core_op_order() {
  static const std::vector<std::string_view> order = {
#define TP_CONFORMANCE_OP_NAME_(name, type) #name,
      TP_CORE_OPS_V1(TP_CONFORMANCE_OP_NAME_)
#undef TP_CONFORMANCE_OP_NAME_
  };
  return order;
}

std::size_t op_rank(std::string_view op) {
  const auto& order = core_op_order();
  const auto it = std::find(order.begin(), order.end(), op);
  if (it == order.end()) {
    throw std::logic_error(
        fmt::format("op case table: '{}' is not an op of TP_CORE_OPS_V1", op));
  }
  return static_cast<std::size_t>(it - order.begin());
}

std::vector<OpCase> build_table() {
  std::vector<OpCase> table;
  cases::add_value_cases(table);
  cases::add_elementwise_cases(table);
  cases::add_activation_cases(table);
  cases::add_linalg_cases(table);
  cases::add_reduction_cases(table);
  cases::add_shape_cases(table);
  cases::add_nn_cases(table);
  // Families are written in any order; the group runs ops in ABI order, and
  // within an op the cases keep their written order.
  std::stable_sort(table.begin(), table.end(),
                   [](const OpCase& a, const OpCase& b) {
                     return op_rank(a.op) < op_rank(b.op);
                   });
  return table;
}

// Platform-independent draws (std distributions differ between standard
// libraries; the runner restarts a group expecting the same inputs).
double unit(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}
std::int64_t integer_in(std::mt19937_64& rng, std::int64_t lo,
                        std::int64_t hi) {
  if (hi < lo) return lo;
  const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
  return lo + static_cast<std::int64_t>(rng() % span);
}

bool is_integer(DLDataType dt) { return dt.code == kDLInt; }
bool is_bool(DLDataType dt) { return same_dtype(dt, kBool); }

std::vector<double> draw(const InputSpec& spec, DLDataType dt, std::size_t n,
                         std::mt19937_64& rng) {
  std::vector<double> v(n);
  const auto ilo = static_cast<std::int64_t>(std::ceil(spec.lo));
  const auto ihi = static_cast<std::int64_t>(std::floor(spec.hi));
  if (is_bool(dt)) {
    for (auto& x : v) x = static_cast<double>(rng() & 1u);
    return v;
  }
  switch (spec.fill) {
    case Fill::kUniform:
      for (auto& x : v) {
        x = is_integer(dt) ? static_cast<double>(integer_in(rng, ilo, ihi))
                           : spec.lo + (spec.hi - spec.lo) * unit(rng);
      }
      break;
    case Fill::kIntegers:
      for (auto& x : v) x = static_cast<double>(integer_in(rng, ilo, ihi));
      break;
    case Fill::kAwayFromZero:
      for (auto& x : v) {
        const double magnitude =
            is_integer(dt) ? static_cast<double>(integer_in(
                                 rng, std::max<std::int64_t>(1, ilo), ihi))
                           : spec.lo + (spec.hi - spec.lo) * unit(rng);
        x = (rng() & 1u) ? magnitude : -magnitude;
      }
      break;
    case Fill::kDistinct: {
      // A shuffled ramp; a power-of-two step keeps every value exact in
      // float16, so no two elements tie after rounding.
      double step = 1.0;
      double start = static_cast<double>(ilo);
      if (!is_integer(dt)) {
        const double span = (spec.hi - spec.lo) / static_cast<double>(n + 1);
        step = std::exp2(std::floor(std::log2(span > 0 ? span : 1.0)));
        start = std::ceil(spec.lo / step) * step;
      }
      for (std::size_t i = 0; i < n; ++i) {
        v[i] = start + step * static_cast<double>(i);
      }
      for (std::size_t i = n; i > 1; --i) {  // Fisher-Yates
        std::swap(v[i - 1], v[static_cast<std::size_t>(rng() % i)]);
      }
      break;
    }
    case Fill::kValues:
      if (spec.values.size() != n) {
        throw std::logic_error(fmt::format(
            "op case table: {} values for {} elements", spec.values.size(), n));
      }
      v = spec.values;
      break;
    case Fill::kProbabilities: {
      for (auto& x : v) x = spec.lo + (spec.hi - spec.lo) * unit(rng);
      const std::size_t last =
          spec.shape.empty() ? n : static_cast<std::size_t>(spec.shape.back());
      if (last == 0) break;
      for (std::size_t row = 0; row + last <= n; row += last) {
        double total = 0;
        for (std::size_t i = 0; i < last; ++i) total += v[row + i];
        for (std::size_t i = 0; i < last; ++i) v[row + i] /= total;
      }
      break;
    }
  }
  return v;
}

std::string format_ints(const Ints& v) {
  if (v.size() == 1) return fmt::format("({},)", v[0]);
  return fmt::format("({})", fmt::join(v, ", "));
}

}  // namespace

namespace cases {
const std::vector<DLDataType>& float_dtypes() {
  static const std::vector<DLDataType> v = {dtype::float16, dtype::float32,
                                            dtype::float64};
  return v;
}
const std::vector<DLDataType>& numeric_dtypes() {
  static const std::vector<DLDataType> v = {dtype::float16, dtype::float32,
                                            dtype::float64, dtype::int32,
                                            dtype::int64};
  return v;
}
const std::vector<DLDataType>& any_dtypes() {
  static const std::vector<DLDataType> v = {dtype::float16, dtype::float32,
                                            dtype::float64, dtype::int32,
                                            dtype::int64,   kBool};
  return v;
}
const std::vector<DLDataType>& index_dtypes() {
  static const std::vector<DLDataType> v = {dtype::int32, dtype::int64};
  return v;
}
}  // namespace cases

const std::vector<OpCase>& op_cases() {
  static const std::vector<OpCase> table = build_table();
  return table;
}

std::vector<const OpCase*> op_cases_for(std::string_view op) {
  std::vector<const OpCase*> out;
  for (const auto& c : op_cases()) {
    if (c.op == op) out.push_back(&c);
  }
  return out;
}

DLDataType input_dtype(const InputSpec& spec, DLDataType dtype) {
  return spec.dtype.value_or(dtype);
}

std::vector<Array> make_inputs(const OpCase& c, DLDataType dtype,
                               std::mt19937_64& rng) {
  std::vector<Array> out;
  out.reserve(c.inputs.size());
  for (const auto& spec : c.inputs) {
    const auto n = static_cast<std::size_t>(
        std::accumulate(spec.shape.begin(), spec.shape.end(), std::int64_t{1},
                        std::multiplies<>()));
    const DLDataType dt = input_dtype(spec, dtype);
    out.push_back(make_array(spec.shape, dt, draw(spec, dt, n, rng)));
  }
  return out;
}

std::vector<Array> operands_of(const OpCase& c,
                               const std::vector<Array>& inputs) {
  std::vector<Array> out;
  for (std::size_t i = 0; i < c.inputs.size() && i < inputs.size(); ++i) {
    if (c.inputs[i].attr.empty()) out.push_back(inputs[i]);
  }
  return out;
}

Attrs attrs_for(const OpCase& c, DLDataType dtype,
                const std::vector<Array>& inputs) {
  Attrs attrs = c.attrs;
  if (!c.dtype_attr.empty()) attrs.emplace_back(c.dtype_attr, dtype);
  for (std::size_t i = 0; i < c.inputs.size() && i < inputs.size(); ++i) {
    if (!c.inputs[i].attr.empty())
      attrs.emplace_back(c.inputs[i].attr, inputs[i]);
  }
  return attrs;
}

std::vector<DLDataType> case_dtypes(const OpCase& c,
                                    const std::vector<DLDataType>& supported) {
  const auto holds = [&](DLDataType dt) {
    return std::any_of(supported.begin(), supported.end(),
                       [&](DLDataType s) { return same_dtype(s, dt); });
  };
  bool others_supported = true;
  for (const auto& spec : c.inputs) {
    if (spec.dtype && !holds(*spec.dtype)) others_supported = false;
  }
  for (const auto& attr : c.attrs) {
    if (const auto* dt = std::get_if<DLDataType>(&attr.value)) {
      if (dt->bits != 0 && !holds(*dt)) others_supported = false;
    }
  }
  std::vector<DLDataType> out;
  if (!others_supported) return out;
  for (const auto& dt : c.dtypes) {
    if (holds(dt)) out.push_back(dt);
  }
  return out;
}

Tolerance case_tolerance(const OpCase& c, DLDataType dtype) {
  const Tolerance base = tolerance_for(dtype);
  return is_float(dtype) ? scaled(base, c.tol_scale) : base;
}

double accumulation_epsilon(DLDataType dtype) {
  if (!is_float(dtype)) return 0;
  if (dtype.bits == 64) return std::numeric_limits<double>::epsilon();
  return std::numeric_limits<float>::epsilon();  // float32, float16
}

std::vector<std::string> extra_ops(const OpCase& c) {
  std::vector<std::string> out;
  const auto add = [&](const std::string& op) {
    if (op != c.op && std::find(out.begin(), out.end(), op) == out.end()) {
      out.push_back(op);
    }
  };
  for (const auto& spec : c.inputs) {
    for (const auto& p : spec.prep) add(p.op);
  }
  for (const auto& step : c.chain) add(step.op);
  return out;
}

std::string case_label(const OpCase& c, DLDataType dtype) {
  return fmt::format("{} {}", c.name, dtype_name(dtype));
}

std::string format_attrs(const Attrs& attrs) {
  std::vector<std::string> parts;
  for (const auto& a : attrs) {
    const std::string value = std::visit(
        [](const auto& v) -> std::string {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, None>) {
            return "None";
          } else if constexpr (std::is_same_v<T, bool>) {
            return v ? "true" : "false";
          } else if constexpr (std::is_same_v<T, std::string>) {
            return fmt::format("'{}'", v);
          } else if constexpr (std::is_same_v<T, Ints>) {
            return format_ints(v);
          } else if constexpr (std::is_same_v<T, DLDataType>) {
            return dtype_name(v);
          } else if constexpr (std::is_same_v<T, Array>) {
            return describe(v);
          } else {
            return fmt::format("{}", v);
          }
        },
        a.value);
    parts.push_back(fmt::format("{}={}", a.name, value));
  }
  return fmt::format("{{{}}}", fmt::join(parts, ", "));
}

std::string describe_case(const OpCase& c, DLDataType dtype) {
  std::vector<std::string> operands;
  for (const auto& spec : c.inputs) {
    if (!spec.attr.empty()) continue;
    std::string text =
        fmt::format("{} {}", dtype_name(input_dtype(spec, dtype)),
                    format_shape(spec.shape));
    for (const auto& p : spec.prep) {
      text += fmt::format(" -> {} {}", p.op, format_attrs(p.attrs));
    }
    operands.push_back(std::move(text));
  }
  Attrs attrs = c.attrs;
  if (!c.dtype_attr.empty()) attrs.emplace_back(c.dtype_attr, dtype);
  std::string chain;
  for (const auto& step : c.chain) {
    chain += fmt::format(" -> {}{} {}", step.op,
                         step.operand >= 0
                             ? fmt::format("(., operand {})", step.operand)
                             : std::string(),
                         format_attrs(step.attrs));
  }
  return fmt::format("op {}, case '{}', dtype {}, operands [{}], attrs {}{}",
                     c.op, c.name, dtype_name(dtype), fmt::join(operands, ", "),
                     format_attrs(attrs), chain);
}

}  // namespace tensorplug::conformance
