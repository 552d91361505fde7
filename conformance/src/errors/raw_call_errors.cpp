// Bad arguments to a callable's `call` through the raw ABI (TP_ABI_11): the
// wrong number of inputs or output slots, NULL arrays, NULL or foreign
// values. Each must be an error status with a message, leave every output
// slot NULL, and leave the callable usable.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>

#include "errors/errors_group.hpp"
#include "errors/raw_entry.hpp"
#include "kit.hpp"
#include "tensorplug/ops.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

/// Valid call arguments for f(x: (2,)) -> x, which a case then breaks.
struct Call {
  tp_callable* self = nullptr;
  tp_context* context = nullptr;
  DLTensor value{};
  DLTensor second{};
  std::vector<const DLTensor*> inputs;
  std::array<DLManagedTensor*, 3> slots{};
  tp_call_args args{};
  bool pass_args = true;
};

struct CallBreak {
  std::string name;
  std::string rule;
  std::vector<tp_status> allowed;
  std::function<void(Call&)> change;
};

}  // namespace

void run_raw_call_error_cases(const Backend& b, DLDataType dt) {
  const auto invalid = std::vector<tp_status>{TP_ERROR_INVALID_ARGUMENT};
  // A device the plugin does not serve may also be "not implemented".
  const auto foreign_device = std::vector<tp_status>{TP_ERROR_INVALID_ARGUMENT,
                                                     TP_ERROR_NOT_IMPLEMENTED};
  const std::vector<CallBreak> breaks = {
      {"NULL args → error status", "TP_ABI_9", invalid,
       [](Call& c) { c.pass_args = false; }},
      {"NULL context → error status", "TP_ABI_9, TP_ABI_12", invalid,
       [](Call& c) { c.context = nullptr; }},
      {"NULL self → error status", "TP_ABI_9", invalid,
       [](Call& c) { c.self = nullptr; }},
      {"num_inputs 0 for a function of 1 input → error status", "TP_ABI_11",
       invalid, [](Call& c) { c.args.num_inputs = 0; }},
      {"num_inputs 2 for a function of 1 input → error status", "TP_ABI_11",
       invalid,
       [](Call& c) {
         c.inputs.push_back(&c.value);
         c.args.inputs = c.inputs.data();
         c.args.num_inputs = 2;
       }},
      {"NULL inputs array with num_inputs 1 → error status", "TP_ABI_9",
       invalid, [](Call& c) { c.args.inputs = nullptr; }},
      {"a NULL input value → error status", "TP_ABI_9", invalid,
       [](Call& c) { c.inputs[0] = nullptr; }},
      {"num_outputs 2 for a function of 1 output → error status", "TP_ABI_11",
       invalid, [](Call& c) { c.args.num_outputs = 2; }},
      {"num_outputs 0 for a function of 1 output → error status", "TP_ABI_11",
       invalid, [](Call& c) { c.args.num_outputs = 0; }},
      {"NULL outputs array with num_outputs 1 → error status", "TP_ABI_9",
       invalid, [](Call& c) { c.args.outputs = nullptr; }},
      {"args->struct_size 8 → error status", "TP_ABI_6", any_error_status(),
       [](Call& c) { c.args.struct_size = sizeof(std::size_t); }},
      {"an input in CUDA memory → error status", "TP_ABI_15", foreign_device,
       [](Call& c) { c.second.device.device_type = kDLCUDA; }},
      {"an input of ndim 1 with a NULL shape → error status", "TP_ABI_9",
       invalid, [](Call& c) { c.second.shape = nullptr; }},
      {"an input with a NULL data pointer → error status", "TP_ABI_9", invalid,
       [](Call& c) { c.second.data = nullptr; }},
  };
  for (const CallBreak& br : breaks) {
    Kit::instance().run_case("function", "call with " + br.name, [&] {
      const Tensor x = b.placeholder({2}, dt, "x");
      const Function f = b.function({x}, {x});
      const Array good = make_array({2}, dt, {1, 2});
      Call c;
      c.self = f.raw();
      c.context = b.raw_context();
      c.value = good.view();
      c.second = good.view();  // a copy a case may damage
      c.inputs = {&c.second};
      // NULL, as the host presets them: a failed call must leave them so.
      c.slots.fill(nullptr);
      c.args.struct_size = TP_CALL_ARGS_STRUCT_SIZE;
      c.args.num_inputs = 1;
      c.args.inputs = c.inputs.data();
      c.args.num_outputs = 1;
      c.args.outputs = c.slots.data();
      br.change(c);
      RawError error;
      tp_callable* callable = f.raw();
      const tp_status status = callable->call(
          c.self, c.context, c.pass_args ? &c.args : nullptr, error.get());
      expect_error_status(status, error, br.allowed,
                          fmt::format("function: call with {}", br.name),
                          br.rule);
      if (c.pass_args && c.args.outputs != nullptr) {
        const std::size_t n = std::min(c.args.num_outputs, c.slots.size());
        for (std::size_t i = 0; i < n; ++i) {
          DLManagedTensor* m = c.slots[i];
          if (m == nullptr) continue;
          if (status != TP_OK) {
            FAIL_CHECK(
                fmt::format("the failed call filled output slot {} "
                            "(rule TP_ABI_11: on failure every slot "
                            "is left NULL)",
                            i));
          }
          if (m->deleter) m->deleter(m);  // ours either way (TP_ABI_8)
        }
      }
      // The callable still works after the failed call.
      const std::vector<Array> out = f({good});
      REQUIRE(out.size() == 1);
      check_close(good, out[0], tolerance_for(dt),
                  "output of a correct call after the failed one");
    });
  }
}

}  // namespace tensorplug::conformance
