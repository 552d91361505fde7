// Issue 9: "a memory plan that reuses buffers across calls (no heap
// allocation per call in steady state for unchanged shapes)". Each workload
// of the compute benchmark (bench/workloads.hpp) is compiled on a backend,
// called a few times to warm up, then called again while every allocation
// made from the backend's library is counted: there must be none.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "counting_malloc.hpp"
#include "tensorplug/backend.hpp"
#include "workloads.hpp"

using namespace tensorplug;
namespace tb = tensorplug::bench;

namespace {

Backend load(const std::string& name) {
  LoadOptions options;
  options.announce = false;
  options.num_threads = 2;  // the pool's paths too
  return load_backend(name, options);
}

std::string library_of(const std::string& name) {
  return std::string(TENSORPLUG_BUILTIN_DIR) + "/" + name + ".so";
}

/** Allocations made from `backend`'s library by `calls` calls of `call`. */
template <class Call>
std::size_t steady_allocations(const std::string& backend, const Call& call,
                               std::string& stack) {
  for (int i = 0; i < 3; ++i) call();  // warm-up: the plan's buffers
  REQUIRE(test::count_allocations_from(library_of(backend)));
  for (int i = 0; i < 5; ++i) call();
  const std::size_t n = test::stop_counting();
  stack = test::first_counted_stack();
  return n;
}

}  // namespace

TEST_CASE("native allocates nothing per call once a function is warm",
          "[native][alloc]") {
  const std::string name = "native";
  const Backend b = load(name);
  // Full sizes: the GEMMs and loops cross their parallel thresholds.
  const tb::Sizes sizes = tb::Sizes::full();
  std::string stack;
  SECTION("a tiny call") {
    Function f = tb::build_tiny(b);
    const std::vector<Array> in{Array::of<float>({1}, std::vector<float>{2})};
    const auto n = steady_allocations(
        name, [&] { f(in); }, stack);
    INFO("first allocation from the backend:\n" << stack);
    CHECK(n == 0);
  }
  SECTION("an MLP training step and its forward pass") {
    const tb::MlpData d = tb::make_mlp_data(sizes);
    tb::MlpModel m = tb::build_mlp(b, d);
    const std::vector<Array> xy{d.x_array(), d.y_array()};
    const std::vector<Array> x{d.x_array()};
    const auto n = steady_allocations(
        name,
        [&] {
          m.step(xy);
          m.forward(x);
        },
        stack);
    INFO("first allocation from the backend:\n" << stack);
    CHECK(n == 0);
  }
  SECTION("a CNN training step") {
    const tb::CnnData d = tb::make_cnn_data(sizes);
    tb::CnnModel m = tb::build_cnn(b, d);
    const std::vector<Array> xy{d.x_array(m.format), d.y_array()};
    const auto n = steady_allocations(
        name, [&] { m.step(xy); }, stack);
    INFO("first allocation from the backend:\n" << stack);
    CHECK(n == 0);
  }
}

// The reference backend is the simple oracle: its default kernels allocate
// their working arrays; only its per-call machinery is held to this.
TEST_CASE("reference allocates nothing per tiny call once it is warm",
          "[reference][alloc]") {
  const Backend b = load("reference");
  Function f = tb::build_tiny(b);
  const std::vector<Array> in{Array::of<float>({1}, std::vector<float>{2})};
  std::string stack;
  const auto n = steady_allocations(
      "reference", [&] { f(in); }, stack);
  INFO("first allocation from the backend:\n" << stack);
  CHECK(n == 0);
}
