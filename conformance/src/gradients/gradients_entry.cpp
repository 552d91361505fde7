// Cases of the `gradients` entry itself (docs/ops.md "gradients"): targets
// the loss does not depend on, several targets at once, scalar and
// non-scalar losses, variables as targets. Each result has a closed form, so
// these compare with exact expectations instead of finite differences.
#include "gradients/gradients_entry.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <random>

#include "gradients/grad_cases.hpp"
#include "kit.hpp"
#include "values.hpp"

namespace tensorplug::conformance {

namespace {

Array ones_like(const Array& a) {
  return make_array(a.shape(), a.dtype(), std::vector<double>(a.size(), 1.0));
}

Array random_of(const std::vector<std::int64_t>& shape, DLDataType dt,
                std::mt19937_64& rng) {
  std::size_t n = 1;
  for (auto d : shape) n *= static_cast<std::size_t>(d);
  return make_array(shape, dt, uniform(-1, 1)(rng, n));
}

std::vector<Tensor> grads_of(const Backend& b, const Tensor& loss,
                             const std::vector<Tensor>& targets) {
  std::vector<Tensor> in{loss};
  in.insert(in.end(), targets.begin(), targets.end());
  return b.call_op("gradients", in, {}, targets.size());
}

}  // namespace

void run_gradients_entry_cases(DLDataType dt) {
  auto& kit = Kit::instance();
  const Backend& b = kit.backend();
  const std::string dn = dtype_name(dt);
  const Tolerance tol = tolerance_for(dt);
  const bool has_sum = b.provides("sum");
  const bool has_multiply = b.provides("multiply");

  struct Case {
    std::string entry;
    std::string name;
    bool needs_multiply;
    std::function<void()> body;
  };
  std::vector<Case> cases;
  cases.push_back(
      {"gradients",
       fmt::format("a scalar loss sum(x) w.r.t. x (2, 3) is ones, {}", dn),
       false, [&] {
         auto rng = kit.rng("gradients/scalar loss/" + dn);
         const Array xv = random_of({2, 3}, dt, rng);
         const Tensor x = b.placeholder({2, 3}, dt, "x");
         const Tensor loss = b.op("sum", {x}, {});
         const auto g = b.function({x}, grads_of(b, loss, {x}))({xv});
         REQUIRE(g.size() == 1);
         check_close(ones_like(xv), g[0], tol, "gradient w.r.t. x");
       }});
  cases.push_back(
      {"gradients",
       fmt::format("a target the loss does not depend on gets zeros of its "
                   "shape (3, 2), {}",
                   dn),
       false, [&] {
         auto rng = kit.rng("gradients/independent/" + dn);
         const Array xv = random_of({2, 3}, dt, rng);
         const Array zv = random_of({3, 2}, dt, rng);
         const Tensor x = b.placeholder({2, 3}, dt, "x");
         const Tensor z = b.placeholder({3, 2}, dt, "z");
         const Tensor loss = b.op("sum", {x}, {});
         const auto g = b.function({x, z}, grads_of(b, loss, {z}))({xv, zv});
         REQUIRE(g.size() == 1);
         check_close(make_array({3, 2}, dt, std::vector<double>(6, 0.0)), g[0],
                     tol, "gradient w.r.t. z (independent of the loss)");
       }});
  cases.push_back(
      {"gradients",
       fmt::format("several targets at once: sum(x * y) w.r.t. x and y "
                   "(2, 3) is (y, x), {}",
                   dn),
       true, [&] {
         auto rng = kit.rng("gradients/several/" + dn);
         const Array xv = random_of({2, 3}, dt, rng);
         const Array yv = random_of({2, 3}, dt, rng);
         const Tensor x = b.placeholder({2, 3}, dt, "x");
         const Tensor y = b.placeholder({2, 3}, dt, "y");
         const Tensor loss = b.op("sum", {b.op("multiply", {x, y}, {})}, {});
         const auto g = b.function({x, y}, grads_of(b, loss, {x, y}))({xv, yv});
         REQUIRE(g.size() == 2);
         check_close(yv, g[0], tol, "gradient w.r.t. x");
         check_close(xv, g[1], tol, "gradient w.r.t. y");
       }});
  cases.push_back(
      {"gradients",
       fmt::format("a non-scalar loss x * r differentiates its sum: w.r.t. "
                   "x (2, 3) is r, {}",
                   dn),
       true, [&] {
         auto rng = kit.rng("gradients/non-scalar/" + dn);
         const Array xv = random_of({2, 3}, dt, rng);
         const Array rv = random_of({2, 3}, dt, rng);
         const Tensor x = b.placeholder({2, 3}, dt, "x");
         const Tensor r = b.placeholder({2, 3}, dt, "r");
         const Tensor loss = b.op("multiply", {x, r}, {});
         const auto g = b.function({x, r}, grads_of(b, loss, {x}))({xv, rv});
         REQUIRE(g.size() == 1);
         check_close(rv, g[0], tol, "gradient w.r.t. x");
       }});
  cases.push_back(
      {"gradients",
       fmt::format("a variable as target: sum(v * x) w.r.t. v (2, 3) is x, "
                   "{}",
                   dn),
       true, [&] {
         auto rng = kit.rng("gradients/variable/" + dn);
         const Array vv = random_of({2, 3}, dt, rng);
         const Array xv = random_of({2, 3}, dt, rng);
         const Tensor v = b.variable(vv, "v");
         const Tensor x = b.placeholder({2, 3}, dt, "x");
         const Tensor loss = b.op("sum", {b.op("multiply", {v, x}, {})}, {});
         const auto g = b.function({x}, grads_of(b, loss, {v}))({xv});
         REQUIRE(g.size() == 1);
         check_close(xv, g[0], tol, "gradient w.r.t. v");
       }});

  if (b.provides("stop_gradient")) {
    cases.push_back(
        {"stop_gradient",
         fmt::format("stops the gradient: sum(stop_gradient(x) * x) w.r.t. x "
                     "(2, 3) is x, {}",
                     dn),
         true, [&] {
           auto rng = kit.rng("gradients/stop_gradient/" + dn);
           const Array xv = random_of({2, 3}, dt, rng);
           const Tensor x = b.placeholder({2, 3}, dt, "x");
           const Tensor stopped = b.op("stop_gradient", {x}, {});
           const Tensor loss =
               b.op("sum", {b.op("multiply", {stopped, x}, {})}, {});
           const auto g = b.function({x}, grads_of(b, loss, {x}))({xv});
           REQUIRE(g.size() == 1);
           check_close(xv, g[0], tol,
                       "gradient w.r.t. x (2 x without stop_gradient)");
         }});
  }
  for (const Case& c : cases) {
    if (!has_sum || (c.needs_multiply && !has_multiply)) {
      kit.skip_case(c.entry, c.name,
                    fmt::format("needs `{}`, which the backend does not export",
                                !has_sum ? "sum" : "multiply"));
      continue;
    }
    kit.run_case(c.entry, c.name, c.body);
  }
}

}  // namespace tensorplug::conformance
