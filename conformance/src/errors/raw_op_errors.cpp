// Bad arguments to op entries through the raw ABI (tp_op_fn): NULL args,
// NULL operands, the wrong number of operands or result slots, malformed
// attributes. Checked on a unary (`relu`) and a binary (`add`) op and on
// `gradients`, when exported; every op shares the signature and the
// argument checks, so these stand for all of them.
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

constexpr std::size_t kSlots = 3;
using Slots = std::array<tp_tensor*, kSlots>;

/// Valid arguments for `arity` operands and one result, which a case then
/// breaks.
struct OpCall {
  std::vector<const tp_tensor*> inputs;
  tp_op_args args{};
  std::vector<tp_attr> attrs;
  Slots slots{};
  tp_tensor** outputs = nullptr;
  tp_context* context = nullptr;
  bool pass_args = true;
};

void check_slots(const Slots& slots, std::size_t n, std::string_view op) {
  for (std::size_t i = 0; i < std::min(n, kSlots); ++i) {
    if (slots[i] != nullptr) {
      FAIL_CHECK(fmt::format(
          "{} failed but left result slot {} non-NULL{} (plugin_api.h "
          "tp_op_fn: on failure every slot is NULL)",
          op, i, slots[i] == sentinel_tensor() ? " (untouched)" : ""));
    }
  }
}

struct OpBreak {
  std::string name;
  std::string rule;
  std::function<void(OpCall&)> change;
  /// Whether the slots must be NULL afterwards: not when the call cannot
  /// trust its arguments (no context, a struct too small to hold
  /// num_outputs), where writing to them would be a guess.
  bool slots_cleared = true;
  /// The statuses the case accepts.
  std::vector<tp_status> allowed = {TP_ERROR_INVALID_ARGUMENT};
};

void op_cases(const Backend& b, DLDataType dt, const std::string& op,
              std::size_t arity) {
  auto* fn = raw_fn<tp_op_fn>(b, op);
  const std::vector<OpBreak> breaks = {
      {"NULL args → error status", "TP_ABI_9",
       [](OpCall& c) { c.pass_args = false; }},
      {"NULL context → error status", "TP_ABI_9",
       [](OpCall& c) { c.context = nullptr; }, false},
      {"NULL outputs → error status", "TP_ABI_9",
       [](OpCall& c) { c.outputs = nullptr; }},
      {fmt::format("a NULL operand (operand {}) → error status", arity - 1),
       "TP_ABI_9", [](OpCall& c) { c.inputs.back() = nullptr; }},
      {fmt::format("NULL inputs array with num_inputs {} → error status",
                   arity),
       "TP_ABI_9", [](OpCall& c) { c.args.inputs = nullptr; }},
      {fmt::format("{} operand(s) instead of {} → error status", arity - 1,
                   arity),
       "TP_ABI_9", [](OpCall& c) { c.args.num_inputs -= 1; }},
      {fmt::format("{} operands instead of {} → error status", arity + 1,
                   arity),
       "TP_ABI_9",
       [](OpCall& c) {
         c.inputs.push_back(c.inputs.front());
         c.args.inputs = c.inputs.data();
         c.args.num_inputs = c.inputs.size();
       }},
      {"num_outputs 0 → error status", "TP_ABI_9",
       [](OpCall& c) { c.args.num_outputs = 0; }},
      {"num_outputs 2 for an op with one result → error status", "TP_ABI_9",
       [](OpCall& c) { c.args.num_outputs = 2; }},
      {"args->struct_size 8 → error status", "TP_ABI_6",
       [](OpCall& c) { c.args.struct_size = sizeof(std::size_t); }, false,
       any_error_status()},
      {"an attribute with a NULL name → error status", "TP_ABI_9",
       [](OpCall& c) {
         tp_attr a{};
         a.struct_size = TP_ATTR_STRUCT_SIZE;
         a.kind = TP_ATTR_INT;
         c.attrs.push_back(a);
         c.args.attrs = c.attrs.data();
         c.args.num_attrs = c.attrs.size();
       }},
      {"NULL attrs array with num_attrs 1 → error status", "TP_ABI_9",
       [](OpCall& c) { c.args.num_attrs = 1; }},
  };
  // Tensors made by a call that wrongly succeeds belong to the context,
  // which frees them at shutdown.
  for (const OpBreak& br : breaks) {
    Kit::instance().run_case(op, br.name, [&] {
      std::vector<Tensor> operands;
      OpCall c;
      for (std::size_t i = 0; i < arity; ++i) {
        operands.push_back(b.placeholder({2}, dt, fmt::format("x{}", i)));
        c.inputs.push_back(operands.back().raw());
      }
      c.args.struct_size = TP_OP_ARGS_STRUCT_SIZE;
      c.args.num_inputs = c.inputs.size();
      c.args.inputs = c.inputs.data();
      c.args.num_outputs = 1;
      c.slots.fill(sentinel_tensor());
      c.outputs = c.slots.data();
      c.context = b.raw_context();
      br.change(c);
      RawError error;
      const tp_status status = fn(c.context, c.pass_args ? &c.args : nullptr,
                                  c.outputs, error.get());
      expect_error_status(status, error, br.allowed,
                          fmt::format("{}: {}", op, br.name), br.rule);
      if (status != TP_OK && br.slots_cleared && c.outputs != nullptr &&
          c.pass_args) {
        check_slots(c.slots, c.args.num_outputs, op);
      }
    });
  }
}

/// Calls `gradients` with `inputs` ({loss, targets...}) and `num_outputs`
/// result slots, expecting an error status and every slot left NULL.
void expect_gradients_error(const Backend& b, tp_op_fn* fn,
                            const std::vector<const tp_tensor*>& inputs,
                            std::size_t num_outputs, const std::string& what) {
  tp_op_args args{};
  args.struct_size = TP_OP_ARGS_STRUCT_SIZE;
  args.num_inputs = inputs.size();
  args.inputs = inputs.data();
  args.num_outputs = num_outputs;
  Slots slots;
  slots.fill(sentinel_tensor());
  RawError error;
  const tp_status status =
      fn(b.raw_context(), &args, slots.data(), error.get());
  expect_error_status(status, error, {TP_ERROR_INVALID_ARGUMENT}, what,
                      "TP_ABI_9");
  if (status != TP_OK) check_slots(slots, num_outputs, "gradients");
}

void gradients_cases(const Backend& b, DLDataType dt) {
  auto* fn = raw_fn<tp_op_fn>(b, "gradients");
  const std::vector<std::pair<std::string, std::size_t>> cases = {
      {"2 targets and 1 result slot → error status", 1},
      {"2 targets and 3 result slots → error status", 3},
  };
  for (const auto& [name, num_outputs] : cases) {
    Kit::instance().run_case("gradients", name, [&] {
      const Tensor x = b.placeholder({2}, dt, "x");
      const Tensor y = b.placeholder({2}, dt, "y");
      const Tensor loss = b.op("sum", {x}, {});
      expect_gradients_error(b, fn, {loss.raw(), x.raw(), y.raw()}, num_outputs,
                             fmt::format("gradients: {}", name));
    });
  }
  Kit::instance().run_case("gradients", "a NULL target → error status", [&] {
    const Tensor x = b.placeholder({2}, dt, "x");
    const Tensor loss = b.op("sum", {x}, {});
    expect_gradients_error(b, fn, {loss.raw(), nullptr}, 1,
                           "gradients: a NULL target");
  });
}

}  // namespace

void run_raw_op_error_cases(const Backend& b, DLDataType dt) {
  if (b.provides("relu")) op_cases(b, dt, "relu", 1);
  if (b.provides("add")) op_cases(b, dt, "add", 2);
  if (b.provides("gradients") && b.provides("sum")) gradients_cases(b, dt);
}

}  // namespace tensorplug::conformance
