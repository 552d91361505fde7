// The toolkit's memory plan (buffer_pool.hpp): a compiled function reuses
// its buffers from call to call, and never one whose value is still held,
// by the caller (an output), by a variable (an update) or by a later value.
// Run on both toolkit backends: reference (default kernels) and native (its
// own kernels allocate through the same Arrays).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tensorplug/backend.hpp"
#include "tensorplug/ops.hpp"
#include "tensorplug/resolve.hpp"

using namespace tensorplug;

namespace {

Backend load_builtin(const std::string& name) {
  ResolveOptions resolve;
  resolve.use_environment = false;
  LoadOptions options;
  options.announce = false;
  options.num_threads = 2;
  return load_backend_at(resolve_backend(name, resolve),
                         Settings::defaults("reference"), options);
}

std::vector<float> filled(std::size_t n, float v) {
  return std::vector<float>(n, v);
}

}  // namespace

TEST_CASE(
    "A function's outputs and updates keep their values while later calls "
    "reuse buffers",
    "[memory_plan]") {
  for (const char* name : {"reference", "native"}) {
    DYNAMIC_SECTION(name) {
      const Backend b = load_builtin(name);
      // Large enough for the native kernels' threaded and BLAS paths.
      constexpr std::int64_t n = 300;
      const auto count = static_cast<std::size_t>(n * n);
      const Tensor x = b.placeholder({n, n}, DLDataType{kDLFloat, 32, 1});
      const Tensor w = b.variable(Array::of<float>({n, n}, filled(count, 0)));
      // y = relu(x . x + 1), z = y * 2; w <- w + y.
      const Tensor one = b.op("ones", {}, {{"shape", Ints{n, n}}});
      const Tensor y = op("relu", {op("add", {op("dot", {x, x}), one})});
      const Tensor z = op("multiply", {y, op("add", {one, one})});
      const Function f = b.function({x}, {y, z}, {{w, op("add", {w, y})}});

      std::vector<std::vector<Array>> held;
      for (int call = 1; call <= 6; ++call) {
        // x filled with call / n.
        const float v = static_cast<float>(call) / static_cast<float>(n);
        held.push_back(f({Array::of<float>({n, n}, filled(count, v))}));
      }
      for (std::size_t i = 0; i < held.size(); ++i) {
        INFO("call " << i + 1);
        const float c = static_cast<float>(i + 1);
        // x . x = n * (c/n)^2 = c^2 / n per element; + 1.
        const float yv = c * c / static_cast<float>(n) + 1.0f;
        const auto y_out = held[i][0].to_vector<float>();
        const auto z_out = held[i][1].to_vector<float>();
        REQUIRE(y_out.size() == count);
        CHECK(y_out.front() == Approx(yv).epsilon(1e-5));
        CHECK(y_out.back() == Approx(yv).epsilon(1e-5));
        CHECK(z_out.front() == Approx(2 * yv).epsilon(1e-5));
        CHECK(z_out[count / 2] == Approx(2 * yv).epsilon(1e-5));
      }
      // The variable accumulated every call's y.
      float sum = 0;
      for (int c = 1; c <= 6; ++c) {
        sum += static_cast<float>(c * c) / static_cast<float>(n) + 1.0f;
      }
      const auto wv = b.get_value(w).to_vector<float>();
      CHECK(wv.front() == Approx(sum).epsilon(1e-5));
      CHECK(wv.back() == Approx(sum).epsilon(1e-5));
    }
  }
}

TEST_CASE("A function called with other shapes still computes each right",
          "[memory_plan]") {
  for (const char* name : {"reference", "native"}) {
    DYNAMIC_SECTION(name) {
      const Backend b = load_builtin(name);
      const Tensor x = b.placeholder({-1, 3}, DLDataType{kDLFloat, 32, 1});
      const Function f = b.function({x}, {op("multiply", {x, x})});
      for (std::int64_t rows : {1, 70000, 2, 70000, 5, 1}) {
        INFO("rows " << rows);
        const auto n = static_cast<std::size_t>(rows * 3);
        const auto out = f({Array::of<float>({rows, 3}, filled(n, 3))})[0]
                             .to_vector<float>();
        REQUIRE(out.size() == n);
        CHECK(out.front() == 9);
        CHECK(out.back() == 9);
      }
    }
  }
}
