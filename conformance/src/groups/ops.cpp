// The "ops" group of the conformance kit (docs/conformance.md): every op of
// the core op set the backend exports, run case by case (ops/op_cases.hpp)
// on the backend under test and on the reference backend, with the same
// seeded inputs; results must match in dtype, shape (static and computed)
// and values within the dtype's tolerance. Random ops are checked
// statistically (ops/random_checks.hpp).
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kit.hpp"
#include "lifecycle/bitwise.hpp"
#include "ops/op_cases.hpp"
#include "ops/random_checks.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

// Every op of the core op set, in the ABI's order (none forgotten).
const std::vector<std::string_view>& core_ops() {
  static const std::vector<std::string_view> ops = {
#define TP_CONFORMANCE_OP_NAME_(name, type) #name,
      TP_CORE_OPS_V1(TP_CONFORMANCE_OP_NAME_)
#undef TP_CONFORMANCE_OP_NAME_
  };
  return ops;
}

std::string inputs_text(const OpCase& c, const std::vector<Array>& inputs) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string role = c.inputs[i].attr.empty()
                                 ? fmt::format("operand {}", parts.size())
                                 : "attr " + c.inputs[i].attr;
    parts.push_back(fmt::format("{}: {}", role, describe(inputs[i])));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

// Whether a static shape (-1 unknown) admits a computed shape.
bool admits(const std::vector<std::int64_t>& static_shape,
            const std::vector<std::int64_t>& shape) {
  if (static_shape.size() != shape.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (static_shape[i] != -1 && static_shape[i] != shape[i]) return false;
  }
  return true;
}

// Compares the backend's results with the reference's. With known operand
// shapes the static shapes must equal the reference's; with unknown ones
// (`unknown`) they must admit the computed shape.
// Per output of a case with `terms`, the reordered-sum bound of each
// element (kReorderedSumFactor * terms * eps * M, M from the reference on
// |inputs|); empty for other cases and integer dtypes.
struct Bounds {
  std::vector<std::vector<double>> per_output;
  std::string note;
};

void compare_results(const OpCase& c, const OpResult& expected,
                     const OpResult& actual, const std::string& where,
                     bool unknown, const Bounds& bounds) {
  if (actual.outputs.size() != expected.outputs.size()) {
    FAIL_CHECK(fmt::format("{}: {} results, expected {}", where,
                           actual.outputs.size(), expected.outputs.size()));
    return;
  }
  for (std::size_t i = 0; i < expected.outputs.size(); ++i) {
    const Array& e = expected.outputs[i];
    const Array& a = actual.outputs[i];
    if (!c.exact.empty()) {
      // The documented values, bit for bit (checked on the reference too).
      const std::string diff = bitwise_difference(e, a);
      if (!diff.empty()) {
        FAIL_CHECK(fmt::format("{}: output {} (compared bitwise): {}", where, i,
                               diff));
      }
    } else if (i < bounds.per_output.size()) {
      const std::string message = compare(e, a, case_tolerance(c, e.dtype()),
                                          bounds.per_output[i], bounds.note);
      if (!message.empty()) {
        FAIL_CHECK(fmt::format("{}: output {}: {}", where, i, message));
      }
    } else {
      check_close(e, a, case_tolerance(c, e.dtype()),
                  fmt::format("{}: output {}", where, i));
    }
    const auto& es = expected.static_shapes[i];
    const auto& as = actual.static_shapes[i];
    if (as && es && !unknown && *as != *es) {
      FAIL_CHECK(fmt::format(
          "{}: static shape of output {}: expected {} (reference), actual {} "
          "(backend)",
          where, i, format_shape(*es), format_shape(*as)));
    }
    if (as && !admits(*as, a.shape())) {
      FAIL_CHECK(fmt::format(
          "{}: static shape of output {} is {} but the computed value has "
          "shape {}",
          where, i, format_shape(*as), format_shape(a.shape())));
    }
    const auto& ed = expected.static_dtypes[i];
    const auto& ad = actual.static_dtypes[i];
    if (ad && ed && !same_dtype(*ad, *ed)) {
      FAIL_CHECK(fmt::format(
          "{}: static dtype of output {}: expected {} (reference), actual {} "
          "(backend)",
          where, i, dtype_name(*ed), dtype_name(*ad)));
    }
  }
}

// Runs on the reference, then on the backend; a failure of the backend's
// call is the case's failure, with the case described.
OpResult run_on(const Backend& backend, bool is_reference, const OpCase& c,
                DLDataType dt, const std::vector<Array>& inputs, bool unknown,
                const std::string& where) {
  try {
    return run_op_case(backend, c, dt, inputs, unknown);
  } catch (const std::exception& e) {
    FAIL(fmt::format(
        "{}: the {} raised: {}", where,
        is_reference ? "reference backend (the oracle)" : "backend", e.what()));
  }
  return {};
}

bool has_batched_operand(const OpCase& c) {
  for (const auto& spec : c.inputs) {
    if (spec.attr.empty() && !spec.shape.empty()) return true;
  }
  return false;
}

// The reference must give the documented values of a case with `exact`
// (else the comparison with it would prove nothing).
void check_documented(const OpCase& c, DLDataType dt, const OpResult& expected,
                      const std::string& where) {
  if (expected.outputs.empty()) return;
  const Array& got = expected.outputs[0];
  const Array documented = make_array(got.shape(), dt, c.exact);
  const std::string diff = bitwise_difference(documented, got);
  if (!diff.empty()) {
    FAIL_CHECK(fmt::format(
        "{}: the reference backend (the oracle) does not give the documented "
        "values {{{}}}: {}",
        where, fmt::join(c.exact, ", "), diff));
  }
}

// |x| of every float input (integer indices and VALUE attributes are kept).
std::vector<Array> magnitudes(const std::vector<Array>& inputs) {
  std::vector<Array> out;
  for (const Array& a : inputs) {
    if (!is_float(a.dtype())) {
      out.push_back(a);
      continue;
    }
    std::vector<double> v = to_doubles(a);
    for (double& x : v) x = std::fabs(x);
    out.push_back(make_array(a.shape(), a.dtype(), v));
  }
  return out;
}

Bounds reordered_sum_bounds(Kit& kit, const OpCase& c, DLDataType dt,
                            const std::vector<Array>& inputs,
                            const std::string& where) {
  Bounds bounds;
  const double eps = accumulation_epsilon(dt);
  if (c.terms <= 0 || eps == 0) return bounds;
  const double scale = kReorderedSumFactor * static_cast<double>(c.terms) * eps;
  const OpResult m = run_on(kit.reference(), true, c, dt, magnitudes(inputs),
                            false, where + "; the case on |inputs|");
  for (const Array& out : m.outputs) {
    std::vector<double> b = to_doubles(out);
    for (double& x : b) x = scale * std::fabs(x);
    bounds.per_output.push_back(std::move(b));
  }
  bounds.note = fmt::format(
      "{:g} * K * eps * M (K = {} terms per element, eps = {:g}, M = the "
      "case on |inputs|, e.g. sum |a_ik| |b_kj| for dot)",
      kReorderedSumFactor, c.terms, eps);
  return bounds;
}

void check_against_reference(Kit& kit, const OpCase& c, DLDataType dt,
                             const std::vector<Array>& inputs) {
  const std::string where = fmt::format("{}; inputs {}", describe_case(c, dt),
                                        inputs_text(c, inputs));
  const OpResult expected =
      run_on(kit.reference(), true, c, dt, inputs, false, where);
  if (!c.exact.empty()) check_documented(c, dt, expected, where);
  const Bounds bounds = reordered_sum_bounds(kit, c, dt, inputs, where);
  const OpResult actual =
      run_on(kit.backend(), false, c, dt, inputs, false, where);
  compare_results(c, expected, actual, where, false, bounds);
  if (c.strided_feed) {
    // The same operands as strided DLPack views with a byte_offset
    // (TP_ABI_15): the values must not change.
    const std::string strided_where =
        where +
        "; operands fed as strided views with a byte_offset "
        "(TP_ABI_15)";
    OpResult a3;
    try {
      a3 = run_op_case_strided(kit.backend(), c, dt, inputs);
    } catch (const std::exception& e) {
      FAIL(fmt::format("{}: the backend raised: {}", strided_where, e.what()));
    }
    compare_results(c, expected, a3, strided_where, false, bounds);
  }
  if (c.unknown_batch && has_batched_operand(c)) {
    // The same values must come out when the placeholders leave axis 0
    // unknown (shapes resolved at call time).
    const std::string unknown_where =
        where + "; placeholders with axis 0 unknown (-1)";
    const OpResult e2 =
        run_on(kit.reference(), true, c, dt, inputs, true, unknown_where);
    const OpResult a2 =
        run_on(kit.backend(), false, c, dt, inputs, true, unknown_where);
    compare_results(c, e2, a2, unknown_where, true, bounds);
  }
}

}  // namespace
}  // namespace tensorplug::conformance

TEST_CASE("every exported op matches the reference backend", "[ops]") {
  using namespace tensorplug::conformance;
  auto& kit = Kit::instance();
  const auto& backend = kit.backend();
  const std::vector<DLDataType> dtypes = kit.dtypes();
  // Two passes: first the cases of one op alone, then those that also use
  // other ops (a transposed operand, a chain), so that an op that fails,
  // crashes or hangs on its own is pinned on its own cases first, and the
  // composite cases that need it are skipped instead of charged to the op
  // they are listed under.
  std::set<std::string> failed_ops(kit.options().skip_entries.begin(),
                                   kit.options().skip_entries.end());
  std::set<std::string_view> ran_ops;
  for (const bool composite : {false, true}) {
    for (const std::string_view op : core_ops()) {
      // `gradients` is the gradients group's (stop_gradient's forward value
      // is checked here).
      if (op == "gradients") continue;
      if (!backend.provides(op)) {
        if (!composite) kit.not_provided(op);
        continue;
      }
      const auto cases = op_cases_for(op);
      for (const OpCase* c : cases) {
        const std::vector<std::string> others = extra_ops(*c);
        if (others.empty() == composite) continue;
        std::vector<std::string> missing, failing;
        for (const std::string& other : others) {
          if (!backend.provides(other)) missing.push_back("`" + other + "`");
          if (failed_ops.count(other) != 0)
            failing.push_back("`" + other + "`");
        }
        for (const DLDataType dt : case_dtypes(*c, dtypes)) {
          ran_ops.insert(op);
          if (!missing.empty()) {
            kit.skip_case(op, case_label(*c, dt),
                          fmt::format("needs {}, which the backend does not "
                                      "export",
                                      fmt::join(missing, ", ")));
            continue;
          }
          if (!failing.empty()) {
            kit.skip_case(op, case_label(*c, dt),
                          fmt::format("needs {}, which failed its own cases",
                                      fmt::join(failing, ", ")));
            continue;
          }
          const bool passed = kit.run_case(op, case_label(*c, dt), [&] {
            auto rng = kit.rng(
                fmt::format("{}/{}/{}", c->op, c->name, dtype_name(dt)));
            const auto inputs = make_inputs(*c, dt, rng);
            if (c->check == Check::kReference) {
              check_against_reference(kit, *c, dt, inputs);
            } else {
              check_random_case(kit.backend(), *c, dt, inputs);
            }
          });
          if (!passed && !composite) failed_ops.insert(std::string(op));
        }
      }
      if (composite && ran_ops.count(op) == 0) {
        kit.skip_case(op, "all cases",
                      cases.empty() ? "the kit has no cases for this op"
                                    : "none of the op's dtypes is under test");
      }
    }
  }
}
