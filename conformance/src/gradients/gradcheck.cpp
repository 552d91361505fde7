// The finite-difference gradient check (see gradcheck.hpp).
#include "gradients/gradcheck.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "kit.hpp"
#include "values.hpp"

namespace tensorplug::conformance {

FiniteDifference finite_difference_for(DLDataType dtype) {
  if (dtype.code == kDLFloat && dtype.bits == 64) return {1e-6, 1e-6};
  // float32: the loss carries ~1e-7 relative rounding error, so the step
  // must be large enough that it does not dominate the difference quotient.
  return {1e-3, 2e-2};
}

std::optional<DLDataType> gradient_dtype() {
  auto& kit = Kit::instance();
  if (kit.supports(dtype::float64)) return dtype::float64;
  if (kit.supports(dtype::float32)) return dtype::float32;
  return std::nullopt;
}

std::optional<DLDataType> index_dtype() {
  auto& kit = Kit::instance();
  if (kit.supports(dtype::int32)) return dtype::int32;
  if (kit.supports(dtype::int64)) return dtype::int64;
  return std::nullopt;
}

namespace {

std::size_t element_count(const std::vector<std::int64_t>& shape) {
  std::size_t n = 1;
  for (std::int64_t d : shape) n *= static_cast<std::size_t>(d);
  return n;
}

/// Weights of the loss in [-1, -0.25] U [0.25, 1]: no output element is
/// ignored or weighted ~0.
std::vector<double> loss_weights(std::mt19937_64& rng, std::size_t n) {
  std::uniform_real_distribution<double> d(0.25, 1.0);
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = (i % 2 == 0 ? 1.0 : -1.0) * d(rng);
  return v;
}

double scalar_of(const Array& a) {
  const std::vector<double> v = to_doubles(a);
  if (v.size() != 1) {
    throw std::runtime_error(fmt::format(
        "the loss sum(op(x) * r) evaluated to shape {}, expected a scalar",
        format_shape(a.shape())));
  }
  return v[0];
}

}  // namespace

void check_op_gradient(const Backend& b, const GradCase& c, DLDataType dtype,
                       std::mt19937_64& rng) {
  const std::optional<DLDataType> idx = index_dtype();
  std::vector<Tensor> xs;
  std::vector<Array> values;
  std::vector<std::size_t> targets;  // operand indices differentiated
  std::vector<Tensor> target_tensors;
  for (std::size_t i = 0; i < c.operands.size(); ++i) {
    const GradOperand& o = c.operands[i];
    const DLDataType dt = o.index ? *idx : dtype;
    xs.push_back(b.placeholder(o.shape, dt, o.name));
    values.push_back(
        make_array(o.shape, dt, o.values(rng, element_count(o.shape))));
    if (o.differentiate) {
      targets.push_back(i);
      target_tensors.push_back(xs.back());
    }
  }
  const Tensor y = b.op(c.op, xs, c.attrs);
  const Array y_value = b.function(xs, {y})(values).at(0);
  if (!same_dtype(y_value.dtype(), dtype)) {
    FAIL(
        fmt::format("{} of {} operands gave a {} result; the check "
                    "needs a result of the operands' dtype",
                    c.op, dtype_name(dtype), dtype_name(y_value.dtype())));
  }
  // r is fed, not a constant: only `multiply` and `sum` are needed.
  const Tensor r = b.placeholder(y_value.shape(), dtype, "r");
  const Array r_value =
      make_array(y_value.shape(), dtype,
                 loss_weights(rng, element_count(y_value.shape())));
  const Tensor loss = b.op("sum", {b.op("multiply", {y, r}, {})}, {});
  std::vector<Tensor> inputs = xs;
  inputs.push_back(r);
  std::vector<Array> feed = values;
  feed.push_back(r_value);

  std::vector<Tensor> grad_inputs{loss};
  grad_inputs.insert(grad_inputs.end(), target_tensors.begin(),
                     target_tensors.end());
  const std::vector<Tensor> grads =
      b.call_op("gradients", grad_inputs, {}, targets.size());
  const std::vector<Array> symbolic = b.function(inputs, grads)(feed);
  const Function loss_fn = b.function(inputs, {loss});
  REQUIRE(symbolic.size() == targets.size());

  const FiniteDifference fd = finite_difference_for(dtype);
  for (std::size_t t = 0; t < targets.size(); ++t) {
    const std::size_t i = targets[t];
    const GradOperand& o = c.operands[i];
    const std::string what =
        fmt::format("{}: d loss / d operand {} ('{}', {} {})", c.op, i, o.name,
                    dtype_name(dtype), format_shape(o.shape));
    if (!same_dtype(symbolic[t].dtype(), dtype) ||
        symbolic[t].shape() != o.shape) {
      FAIL_CHECK(
          fmt::format("{}: gradients() gave {} {}, expected the "
                      "operand's dtype and shape",
                      what, dtype_name(symbolic[t].dtype()),
                      format_shape(symbolic[t].shape())));
      continue;
    }
    const std::vector<double> sym = to_doubles(symbolic[t]);
    const std::vector<double> x = to_doubles(values[i]);
    std::vector<Array> moved_feed = feed;
    std::size_t mismatches = 0;
    std::string first;
    for (std::size_t k = 0; k < x.size(); ++k) {
      const double h = fd.step * std::max(1.0, std::abs(x[k]));
      std::vector<double> moved = x;
      // The perturbed values as the dtype stores them give the denominator.
      moved[k] = x[k] + h;
      moved_feed[i] = make_array(o.shape, dtype, moved);
      const double x_up = to_doubles(moved_feed[i])[k];
      const double up = scalar_of(loss_fn(moved_feed).at(0));
      moved[k] = x[k] - h;
      moved_feed[i] = make_array(o.shape, dtype, moved);
      const double x_down = to_doubles(moved_feed[i])[k];
      const double down = scalar_of(loss_fn(moved_feed).at(0));
      const double numeric = (up - down) / (x_up - x_down);
      const double scale = std::max({1.0, std::abs(numeric), std::abs(sym[k])});
      if (!(std::abs(numeric - sym[k]) <= fd.tolerance * scale)) {
        if (++mismatches <= 4) {
          first += fmt::format(
              "{}element {} (x = {:.9g}): gradients() {:.12g}, central "
              "difference {:.12g}",
              first.empty() ? "" : "; ", format_index(k, o.shape), x[k], sym[k],
              numeric);
        }
      }
    }
    moved_feed[i] = values[i];
    if (mismatches > 0) {
      FAIL_CHECK(fmt::format(
          "{}: {} of {} elements differ from the central finite difference "
          "(step {:g} * max(1, |x|), tolerance {:g} * max(1, |numeric|, "
          "|symbolic|), loss = sum({}(...) * r) with r random): {}",
          what, mismatches, x.size(), fd.step, fd.tolerance, c.op, first));
    }
  }
}

}  // namespace tensorplug::conformance
