// Statistical checks for the random ops (docs/ops.md: bounds, mean/stddev
// within 0.1 on 10 000 samples, seeded sequences repeat, new samples at
// every evaluation; dropout is inverted dropout).
#include "ops/random_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <variant>

namespace tensorplug::conformance {
namespace {

double float_attr(const OpCase& c, std::string_view name, double fallback) {
  for (const auto& a : c.attrs) {
    if (a.name != name) continue;
    if (const auto* d = std::get_if<double>(&a.value)) return *d;
    if (const auto* i = std::get_if<std::int64_t>(&a.value)) {
      return static_cast<double>(*i);
    }
  }
  return fallback;
}
Ints ints_attr(const OpCase& c, std::string_view name) {
  for (const auto& a : c.attrs) {
    if (a.name != name) continue;
    if (const auto* v = std::get_if<Ints>(&a.value)) return *v;
  }
  return {};
}

struct Moments {
  double mean = 0, stddev = 0;
};
Moments moments(const std::vector<double>& v) {
  Moments m;
  if (v.empty()) return m;
  for (double x : v) m.mean += x;
  m.mean /= static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - m.mean) * (x - m.mean);
  m.stddev = std::sqrt(ss / static_cast<double>(v.size()));
  return m;
}

// Result dtype and shape (and the static ones when tensor_info exists).
void check_layout(const Backend& backend, const Tensor& t, const Array& a,
                  DLDataType dtype, const std::vector<std::int64_t>& shape,
                  const std::string& where) {
  if (!same_dtype(a.dtype(), dtype) || a.shape() != shape) {
    FAIL_CHECK(fmt::format("{}: result is {} {}, expected {} {}", where,
                           dtype_name(a.dtype()), format_shape(a.shape()),
                           dtype_name(dtype), format_shape(shape)));
  }
  if (backend.provides("tensor_info")) {
    const auto s = int_shape(t);
    const auto d = dtype_of(t);
    if (!same_dtype(d, dtype) || s != shape) {
      FAIL_CHECK(fmt::format("{}: static result is {} {}, expected {} {}",
                             where, dtype_name(d), format_shape(s),
                             dtype_name(dtype), format_shape(shape)));
    }
  }
}

// Seeded: a second graph repeats the first evaluation; the next evaluation
// of one graph draws new samples.
void check_sequence(const Array& first, const Array& second,
                    const Array& other_graph, const std::string& where) {
  if (first.size() == 0) return;
  const std::string same = compare(first, other_graph, Tolerance{});
  if (!same.empty()) {
    FAIL_CHECK(fmt::format(
        "{}: a second graph with the same seed gave other values on its "
        "first evaluation (docs/ops.md: seeded sequences repeat): {}",
        where, same));
  }
  if (compare(first, second, Tolerance{}).empty()) {
    FAIL_CHECK(
        fmt::format("{}: the second evaluation repeated the first one's values "
                    "(docs/ops.md: new samples at every evaluation): {}",
                    where, describe(first)));
  }
}

void check_samples(const Backend& backend, const OpCase& c, DLDataType dtype,
                   const std::vector<Array>& inputs, const std::string& where) {
  const Attrs attrs = attrs_for(c, dtype, inputs);
  const Tensor t = backend.op(c.op, {}, attrs);
  const Function f = backend.function({}, {t});
  const Array first = f({}).at(0);
  const Array second = f({}).at(0);
  const Tensor t2 = backend.op(c.op, {}, attrs);
  const Array other = backend.function({}, {t2})({}).at(0);
  check_layout(backend, t, first, dtype, ints_attr(c, "shape"), where);
  check_sequence(first, second, other, where);

  const auto v = to_doubles(first);
  const Moments m = moments(v);
  double mean = 0, stddev = 0;
  if (c.check == Check::kUniformSamples) {
    const double lo = float_attr(c, "minval", 0.0);
    const double hi = float_attr(c, "maxval", 1.0);
    const auto bad = std::find_if(
        v.begin(), v.end(), [&](double x) { return !(x >= lo && x < hi); });
    if (bad != v.end()) {
      FAIL_CHECK(fmt::format("{}: element {} is {}, outside [{}, {})", where,
                             bad - v.begin(), *bad, lo, hi));
    }
    mean = (lo + hi) / 2;
    stddev = (hi - lo) / std::sqrt(12.0);
  } else {
    mean = float_attr(c, "mean", 0.0);
    stddev = float_attr(c, "stddev", 1.0);
  }
  // 10 000 samples: the standard error of the mean is stddev / 100; 0.1
  // stddev is 10 standard errors (docs/ops.md: within 0.1).
  const double tol = 0.1 * stddev;
  if (std::abs(m.mean - mean) > tol || std::abs(m.stddev - stddev) > tol) {
    FAIL_CHECK(fmt::format(
        "{}: {} samples have mean {:.4f} and stddev {:.4f}; expected mean "
        "{:.4f} and stddev {:.4f} within {:.4f}",
        where, v.size(), m.mean, m.stddev, mean, stddev, tol));
  }
}

void check_dropout(const Backend& backend, const OpCase& c, DLDataType dtype,
                   const std::vector<Array>& inputs, const std::string& where) {
  const Array& x = inputs.at(0);
  const double level = float_attr(c, "level", 0.0);
  const Attrs attrs = attrs_for(c, dtype, inputs);
  const auto build = [&] {
    const Tensor p = backend.placeholder(x.shape(), dtype);
    const Tensor y = backend.op("dropout", {p}, attrs);
    return std::pair{y, backend.function({p}, {y})};
  };
  const auto [y, f] = build();
  const Array first = f({x}).at(0);
  const Array second = f({x}).at(0);
  const Array other = build().second({x}).at(0);
  check_layout(backend, y, first, dtype, x.shape(), where);
  check_sequence(first, second, other, where);

  // Every element is 0 or x / (1 - level) within the dtype's tolerance.
  // Where x is 0 both are 0: such an element says nothing about its mask,
  // so only elements with x != 0 count as kept or dropped.
  const auto xs = to_doubles(x);
  const auto ys = to_doubles(first);
  if (ys.size() != xs.size()) return;  // reported by check_layout
  const Tolerance tol = case_tolerance(c, dtype);
  std::vector<bool> known(ys.size());
  std::vector<bool> kept(ys.size());
  for (std::size_t i = 0; i < ys.size(); ++i) {
    const double scaled = xs[i] / (1.0 - level);
    known[i] = xs[i] != 0.0;
    kept[i] = known[i] && ys[i] != 0.0;
    const bool dropped = ys[i] == 0.0;
    if (!dropped &&
        std::abs(ys[i] - scaled) > tol.atol + tol.rtol * std::abs(scaled)) {
      FAIL_CHECK(fmt::format(
          "{}: element {} is {} for x = {}; expected 0 (dropped) or x / (1 - "
          "{}) = {} (kept)",
          where, i, ys[i], xs[i], level, scaled));
      return;
    }
  }
  const auto count_in = [](const std::vector<bool>& v, std::size_t from,
                           std::size_t to) {
    return static_cast<std::size_t>(
        std::count(v.begin() + static_cast<std::ptrdiff_t>(from),
                   v.begin() + static_cast<std::ptrdiff_t>(to), true));
  };
  // With noise_shape (rows, 1) the mask is per row: every row is all kept
  // or all dropped. Independent mask elements decide the keep fraction.
  const Ints noise = ints_attr(c, "noise_shape");
  const std::size_t known_count = count_in(known, 0, known.size());
  std::size_t masks = known_count;
  if (!noise.empty()) {
    masks = static_cast<std::size_t>(std::accumulate(
        noise.begin(), noise.end(), std::int64_t{1}, std::multiplies<>()));
    const std::size_t row = ys.size() / std::max<std::size_t>(masks, 1);
    for (std::size_t r = 0; r + row <= ys.size() && row > 0; r += row) {
      const std::size_t n = count_in(kept, r, r + row);
      const std::size_t k = count_in(known, r, r + row);
      if (n != 0 && n != k) {
        FAIL_CHECK(fmt::format(
            "{}: noise_shape {} shares one mask element per row, but row {} "
            "has {} of {} elements kept (elements with x = 0 not counted)",
            where, format_shape(noise), r / row, n, k));
        return;
      }
    }
  }
  if (known_count == 0 || masks == 0) return;  // nothing tells the mask
  const double fraction = static_cast<double>(count_in(kept, 0, kept.size())) /
                          static_cast<double>(known_count);
  const double p = 1.0 - level;
  // Five standard errors of a binomial proportion over the mask elements.
  const double allowed =
      5.0 * std::sqrt(p * (1 - p) / static_cast<double>(masks));
  if (std::abs(fraction - p) > allowed) {
    FAIL_CHECK(fmt::format(
        "{}: kept {:.4f} of the elements; expected 1 - level = {:.4f} within "
        "{:.4f} ({} mask elements)",
        where, fraction, p, allowed, masks));
  }
}

}  // namespace

void check_random_case(const Backend& backend, const OpCase& c,
                       DLDataType dtype, const std::vector<Array>& inputs) {
  const std::string where = describe_case(c, dtype);
  switch (c.check) {
    case Check::kUniformSamples:
    case Check::kNormalSamples:
      check_samples(backend, c, dtype, inputs, where);
      break;
    case Check::kDropoutSamples:
      check_dropout(backend, c, dtype, inputs, where);
      break;
    case Check::kReference:
      FAIL_CHECK(where + ": not a random case (compare with the reference)");
      break;
  }
}

}  // namespace tensorplug::conformance
