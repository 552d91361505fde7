// Two contexts of the same loaded reference backend, used from two threads
// at once, must not interfere (plugin_api.h, "Threading").
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "fixture_paths.hpp"
#include "raw_plugin.hpp"

namespace {

/** What one thread saw; checked on the main thread (Catch is not MT-safe). */
struct Outcome {
  bool ok = true;
  std::string failure;
  std::vector<float> final_value;
  std::vector<float> last_output;
};

void fail(Outcome& o, const std::string& what, const raw::Error& err) {
  if (o.ok) o.failure = what + ": " + err.text();
  o.ok = false;
}

/**
 * In its own context: v := v + x for `calls` calls with x = [k, 2k], and
 * y = v + x as output. Starts together with the other thread.
 */
Outcome run(const raw::Entries& e, float k, int calls,
            std::atomic<int>& ready) {
  Outcome o;
  raw::Context ctx(e);
  raw::Error err;
  if (ctx.init_status() != TP_OK) {
    o.ok = false;
    o.failure = "context_init: " + ctx.init_message();
    return o;
  }
  std::vector<int64_t> shape{2};
  auto pargs = raw::placeholder_args(shape);
  tp_tensor* x = nullptr;
  if (e.placeholder(ctx.get(), &pargs, &x, &err) != TP_OK) {
    fail(o, "placeholder", err);
    return o;
  }
  raw::Value init({2}, {0, 0});
  auto vargs = raw::variable_args(init.tensor());
  tp_tensor* v = nullptr;
  if (e.variable(ctx.get(), &vargs, &v, &err) != TP_OK) {
    fail(o, "variable", err);
    return o;
  }
  tp_tensor* y = nullptr;
  if (e.add(ctx.get(), v, x, &y, &err) != TP_OK) {
    fail(o, "add", err);
    return o;
  }
  raw::Callable f;
  std::vector<tp_tensor*> inputs{x}, outputs{y}, vars{v}, vals{y};
  auto fargs = raw::function_args(inputs, outputs, vars, vals);
  if (e.function(ctx.get(), &fargs, &f, &err) != TP_OK) {
    fail(o, "function", err);
    return o;
  }
  ready.fetch_add(1);
  while (ready.load() < 2) std::this_thread::yield();
  raw::Value xs({2}, {k, 2 * k});
  std::vector<raw::Result> out;
  for (int i = 0; i < calls && o.ok; ++i) {
    if (f(ctx.get(), {&xs}, 1, out, err) != TP_OK) fail(o, "call", err);
  }
  if (o.ok) o.last_output = out.at(0).data;
  DLManagedTensor* m = nullptr;
  if (e.get_value(ctx.get(), v, &m, &err) != TP_OK) {
    fail(o, "get_value", err);
    return o;
  }
  o.final_value = raw::take(m).data;
  return o;
}

}  // namespace

TEST_CASE("Two contexts run concurrently on two threads independently",
          "[plugins]") {
  raw::Library lib(fixtures::kReference);
  raw::Entries e(lib);
  constexpr int kCalls = 500;
  std::atomic<int> ready{0};
  Outcome a;
  Outcome b;
  std::thread ta([&] { a = run(e, 1.0f, kCalls, ready); });
  std::thread tb([&] { b = run(e, 3.0f, kCalls, ready); });
  ta.join();
  tb.join();
  INFO(a.failure);
  INFO(b.failure);
  REQUIRE(a.ok);
  REQUIRE(b.ok);
  CHECK(a.final_value == std::vector<float>{500, 1000});
  CHECK(a.last_output == std::vector<float>{500, 1000});
  CHECK(b.final_value == std::vector<float>{1500, 3000});
  CHECK(b.last_output == std::vector<float>{1500, 3000});
}
