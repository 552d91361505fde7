// A function fed the wrong inputs (TP_ABI_11): too few, too many, a shape
// or rank that does not fit its placeholder, another dtype. Each call must
// fail with an error status and a message, and the function must still work
// afterwards.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "errors/errors_group.hpp"
#include "errors/expect_error.hpp"
#include "kit.hpp"
#include "tensorplug/ops.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

/// f(x: (None, 3), y: (2,)) -> (x, y), and a good feed for it.
struct TwoInputs {
  Function f;
  Array x, y;
};

TwoInputs two_inputs(const Backend& b, DLDataType dt) {
  const Tensor x = b.placeholder({-1, 3}, dt, "x");
  const Tensor y = b.placeholder({2}, dt, "y");
  TwoInputs t;
  t.f = b.function({x, y}, {x, y});
  t.x = make_array({1, 3}, dt, {1, 2, 3});
  t.y = make_array({2}, dt, {4, 5});
  return t;
}

}  // namespace

void run_function_call_error_cases(const Backend& b, DLDataType dt) {
  auto& kit = Kit::instance();
  const std::string dn = dtype_name(dt);
  struct Bad {
    std::string name;
    std::vector<tp_status> allowed;
    std::function<std::vector<Array>(const TwoInputs&)> feed;
  };
  const std::optional<DLDataType> other = [&]() -> std::optional<DLDataType> {
    for (DLDataType o : {dtype::float64, dtype::float32, dtype::int32}) {
      if (!same_dtype(o, dt) && kit.supports(o)) return o;
    }
    return std::nullopt;
  }();
  std::vector<Bad> cases = {
      {"1 input where 2 are expected",
       {TP_ERROR_INVALID_ARGUMENT},
       [](const TwoInputs& t) { return std::vector<Array>{t.x}; }},
      {"no inputs where 2 are expected",
       {TP_ERROR_INVALID_ARGUMENT},
       [](const TwoInputs&) { return std::vector<Array>{}; }},
      {"3 inputs where 2 are expected",
       {TP_ERROR_INVALID_ARGUMENT},
       [](const TwoInputs& t) {
         return std::vector<Array>{t.x, t.y, t.y};
       }},
      {"input 0 of shape (2, 4) for placeholder (None, 3)",
       {TP_ERROR_SHAPE, TP_ERROR_INVALID_ARGUMENT},
       [dt](const TwoInputs& t) {
         return std::vector<Array>{
             make_array({2, 4}, dt, std::vector<double>(8, 1.0)), t.y};
       }},
      {"input 0 of rank 1 (3,) for placeholder (None, 3)",
       {TP_ERROR_SHAPE, TP_ERROR_INVALID_ARGUMENT},
       [dt](const TwoInputs& t) {
         return std::vector<Array>{make_array({3}, dt, {1, 2, 3}), t.y};
       }},
      {"input 1 of shape (3,) for placeholder (2,)",
       {TP_ERROR_SHAPE, TP_ERROR_INVALID_ARGUMENT},
       [dt](const TwoInputs& t) {
         return std::vector<Array>{t.x, make_array({3}, dt, {1, 2, 3})};
       }},
  };
  if (other) {
    const DLDataType o = *other;
    cases.push_back(
        {fmt::format("input 1 of dtype {} for a {} placeholder", dtype_name(o),
                     dn),
         {TP_ERROR_DTYPE, TP_ERROR_INVALID_ARGUMENT},
         [o](const TwoInputs& t) {
           return std::vector<Array>{t.x, make_array({2}, o, {4, 5})};
         }});
  }
  for (const Bad& c : cases) {
    const std::string name =
        fmt::format("called with {}, {} → error status", c.name, dn);
    kit.run_case("function", name, [&] {
      const TwoInputs t = two_inputs(b, dt);
      const std::vector<Array> feed = c.feed(t);
      expect_plugin_error([&] { t.f(feed); }, c.allowed, "function call",
                          "TP_ABI_11");
      // The failed call must not have broken the callable.
      const std::vector<Array> out = t.f({t.x, t.y});
      REQUIRE(out.size() == 2);
      check_close(t.x, out[0], tolerance_for(dt),
                  "output 0 of a correct call after the failed one");
      check_close(t.y, out[1], tolerance_for(dt),
                  "output 1 of a correct call after the failed one");
    });
  }
}

}  // namespace tensorplug::conformance
