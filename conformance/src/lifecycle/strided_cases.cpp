// Strided values at the boundary (see strided_cases.hpp).
#include "lifecycle/strided_cases.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <tensorplug/plugin_api.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <numeric>
#include <stdexcept>

#include "lifecycle/bitwise.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

std::size_t element_size(DLDataType dt) {
  return static_cast<std::size_t>((dt.bits * dt.lanes + 7) / 8);
}

std::int64_t count(const std::vector<std::int64_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::int64_t{1},
                         std::multiplies<>());
}

/// The message of a raw tp_error, released.
std::string take_message(tp_error& error) {
  std::string message = error.message != nullptr ? error.message : "";
  if (error.release != nullptr) error.release(&error);
  return message.empty() ? "(no message)" : message;
}

tp_error fresh_error() {
  tp_error error{};
  error.struct_size = sizeof error;
  return error;
}

}  // namespace

StridedValue::StridedValue(const Array& value, StridedLayout layout)
    : layout_(std::move(layout)), shape_(value.shape()) {
  const std::size_t width = element_size(value.dtype());
  const std::size_t rank = shape_.size();
  if (layout_.strides.size() != rank) {
    throw std::logic_error("StridedValue: strides of another rank");
  }
  // The buffer spans the offset plus the farthest element, plus one word of
  // slack on either side of nothing: poisoned bytes everywhere unused.
  std::int64_t last = layout_.offset;
  const std::int64_t n = count(shape_);
  for (std::size_t d = 0; d < rank; ++d) {
    if (shape_[d] > 0) last += (shape_[d] - 1) * layout_.strides[d];
  }
  const std::size_t bytes =
      static_cast<std::size_t>(n == 0 ? layout_.offset + 1 : last + 1) * width;
  storage_.assign((bytes + 7) / 8 + 1, 0x5a5a5a5a5a5a5a5aull);
  auto* base = reinterpret_cast<std::byte*>(storage_.data());
  const std::byte* src = value.bytes().data();
  std::vector<std::int64_t> index(rank, 0);
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t at = layout_.offset;
    for (std::size_t d = 0; d < rank; ++d) at += index[d] * layout_.strides[d];
    std::memcpy(base + static_cast<std::size_t>(at) * width,
                src + static_cast<std::size_t>(i) * width, width);
    for (std::size_t d = rank; d-- > 0;) {  // row-major successor
      if (++index[d] < shape_[d]) break;
      index[d] = 0;
    }
  }
  tensor_.data = base;
  tensor_.device = DLDevice{kDLCPU, 0};
  tensor_.ndim = static_cast<std::int32_t>(rank);
  tensor_.dtype = value.dtype();
  tensor_.shape = shape_.data();
  tensor_.strides = layout_.strides.data();
  tensor_.byte_offset = static_cast<std::uint64_t>(layout_.offset) * width;
}

std::vector<StridedLayout> strided_layouts(
    const std::vector<std::int64_t>& shape) {
  const std::size_t rank = shape.size();
  std::vector<StridedLayout> out;
  if (rank == 0) {
    out.push_back({"at byte_offset 3 elements", {}, 3});
    return out;
  }
  // Compact strides of the shape with its axes reversed, read backwards:
  // the view of the transposed buffer.
  std::vector<std::int64_t> reversed(rank);
  std::int64_t step = 1;
  for (std::size_t d = 0; d < rank; ++d) {
    reversed[d] = step;
    step *= std::max<std::int64_t>(shape[d], 1);
  }
  std::vector<std::int64_t> compact(rank);
  step = 1;
  for (std::size_t d = rank; d-- > 0;) {
    compact[d] = step;
    step *= std::max<std::int64_t>(shape[d], 1);
  }
  if (rank == 2) {
    out.push_back({fmt::format("transposed view, strides ({}, {})", reversed[0],
                               reversed[1]),
                   reversed, 0});
    const std::int64_t row = shape[1] + 3;
    out.push_back({fmt::format("column slice at column 2 of {} columns, "
                               "strides ({}, 1), byte_offset 2 elements",
                               row, row),
                   {row, 1},
                   2});
  } else if (rank == 1) {
    out.push_back(
        {"every other element, strides (2,), byte_offset 1 element", {2}, 1});
  } else {
    out.push_back({fmt::format("reversed-axes view, strides ({}), "
                               "byte_offset 1 element",
                               fmt::join(reversed, ", ")),
                   reversed, 1});
  }
  out.push_back({fmt::format("compact strides ({}), byte_offset 5 elements",
                             fmt::join(compact, ", ")),
                 compact, 5});
  return out;
}

std::vector<Array> call_raw(const Backend& b, const Function& f,
                            const std::vector<const DLTensor*>& inputs) {
  tp_callable* callable = f.raw();
  std::vector<DLManagedTensor*> slots(f.num_outputs(), nullptr);
  tp_call_args args{};
  args.struct_size = TP_CALL_ARGS_STRUCT_SIZE;
  args.num_inputs = inputs.size();
  args.inputs = inputs.data();
  args.num_outputs = slots.size();
  args.outputs = slots.data();
  tp_error error = fresh_error();
  const tp_status status =
      callable->call(callable, b.raw_context(), &args, &error);
  if (status != TP_OK) {
    for (DLManagedTensor* m : slots) {
      if (m != nullptr && m->deleter != nullptr) m->deleter(m);
    }
    throw std::runtime_error(fmt::format("call returned status {}: {}",
                                         static_cast<int>(status),
                                         take_message(error)));
  }
  if (error.release != nullptr) error.release(&error);
  std::vector<Array> out;
  for (DLManagedTensor* m : slots) {
    if (m == nullptr) throw std::runtime_error("call left an output slot NULL");
    out.push_back(Array::adopt(m));
  }
  return out;
}

namespace {

// A variable made through the raw `variable` entry from a strided value,
// released with the raw `tensor_release`.
class RawVariable {
 public:
  RawVariable(const Backend& b, const DLTensor& value) : b_(b) {
    auto* make = reinterpret_cast<tp_variable_fn*>(
        const_cast<void*>(b.raw_entry("variable")));
    tp_variable_args args{};
    args.struct_size = TP_VARIABLE_ARGS_STRUCT_SIZE;
    args.value = &value;
    args.name = "strided_value";
    tp_error error = fresh_error();
    const tp_status status = make(b.raw_context(), &args, &v_, &error);
    if (status != TP_OK) {
      v_ = nullptr;
      throw std::runtime_error(fmt::format("variable returned status {}: {}",
                                           static_cast<int>(status),
                                           take_message(error)));
    }
    if (error.release != nullptr) error.release(&error);
  }
  RawVariable(const RawVariable&) = delete;
  RawVariable& operator=(const RawVariable&) = delete;
  ~RawVariable() {
    auto* release = reinterpret_cast<tp_tensor_release_fn*>(
        const_cast<void*>(b_.raw_entry("tensor_release")));
    if (v_ != nullptr && release != nullptr) release(b_.raw_context(), v_);
  }

  /// get_value through the raw entry.
  Array get_value() const {
    auto* get = reinterpret_cast<tp_get_value_fn*>(
        const_cast<void*>(b_.raw_entry("get_value")));
    DLManagedTensor* out = nullptr;
    tp_error error = fresh_error();
    const tp_status status = get(b_.raw_context(), v_, &out, &error);
    if (status != TP_OK || out == nullptr) {
      throw std::runtime_error(fmt::format("get_value returned status {}: {}",
                                           static_cast<int>(status),
                                           take_message(error)));
    }
    if (error.release != nullptr) error.release(&error);
    return Array::adopt(out);
  }

  /// A function () -> v through the raw entries, called once.
  Array through_function() const {
    auto* make = reinterpret_cast<tp_function_fn*>(
        const_cast<void*>(b_.raw_entry("function")));
    tp_tensor* outputs[] = {v_};
    tp_function_args args{};
    args.struct_size = TP_FUNCTION_ARGS_STRUCT_SIZE;
    args.num_outputs = 1;
    args.outputs = outputs;
    tp_callable callable{};
    callable.struct_size = TP_CALLABLE_STRUCT_SIZE;
    tp_error error = fresh_error();
    const tp_status status = make(b_.raw_context(), &args, &callable, &error);
    if (status != TP_OK) {
      throw std::runtime_error(fmt::format("function returned status {}: {}",
                                           static_cast<int>(status),
                                           take_message(error)));
    }
    if (error.release != nullptr) error.release(&error);
    DLManagedTensor* slot = nullptr;
    tp_call_args call{};
    call.struct_size = TP_CALL_ARGS_STRUCT_SIZE;
    call.num_outputs = 1;
    call.outputs = &slot;
    tp_error call_error = fresh_error();
    const tp_status called =
        callable.call(&callable, b_.raw_context(), &call, &call_error);
    std::string message;
    if (called != TP_OK) message = take_message(call_error);
    if (called == TP_OK && call_error.release != nullptr) {
      call_error.release(&call_error);
    }
    if (callable.release != nullptr) callable.release(&callable);
    if (called != TP_OK || slot == nullptr) {
      throw std::runtime_error(fmt::format("call returned status {}: {}",
                                           static_cast<int>(called), message));
    }
    return Array::adopt(slot);
  }

 private:
  const Backend& b_;
  tp_tensor* v_ = nullptr;
};

}  // namespace

void check_strided_values(Kit& kit, const Backend& b) {
  // Ranks 0 to 3, sizes that make the views' strides all differ.
  const std::vector<std::vector<std::int64_t>> shapes = {
      {}, {5}, {3, 5}, {4, 3}, {2, 3, 4}};
  const bool get = b.provides("get_value");
  for (const DLDataType dt : kit.dtypes()) {
    for (const auto& shape : shapes) {
      for (const StridedLayout& layout : strided_layouts(shape)) {
        const std::string what = fmt::format(
            "{} {} as a {}", format_shape(shape), dtype_name(dt), layout.name);
        kit.run_case(
            "function",
            fmt::format("input {}: the compact copy comes back (TP_ABI_15)",
                        what),
            [&] {
              auto rng = kit.rng("strided input " + what);
              const Array compact = random_array(shape, dt, rng, -4, 4);
              const StridedValue view(compact, layout);
              // Two inputs: the view, and the compact array after it (the
              // view must not shift the next input).
              const Tensor x = b.placeholder(shape, dt, "x");
              const Tensor y = b.placeholder(shape, dt, "y");
              const Function f = b.function({x, y}, {y, x});
              const DLTensor plain = compact.view();
              std::vector<Array> out;
              try {
                out = call_raw(b, f, {&view.tensor(), &plain});
              } catch (const std::exception& e) {
                FAIL(fmt::format(
                    "f(x, y) -> (y, x) fed x {} and y compact: {} (rule "
                    "TP_ABI_15: inputs may be strided and have a "
                    "byte_offset)",
                    what, e.what()));
              }
              REQUIRE(out.size() == 2);
              expect_same(kit, compact, out[1], "output 1 (x, the view)");
              expect_same(kit, compact, out[0], "output 0 (y, compact)");
            });
        kit.run_case(
            "variable",
            fmt::format("initial value {}: get_value and a function return "
                        "the compact copy (TP_ABI_15)",
                        what),
            [&] {
              auto rng = kit.rng("strided variable " + what);
              const Array compact = random_array(shape, dt, rng, -4, 4);
              const StridedValue view(compact, layout);
              try {
                const RawVariable v(b, view.tensor());
                if (get) expect_same(kit, compact, v.get_value(), "get_value");
                expect_same(kit, compact, v.through_function(),
                            "function output");
              } catch (const std::exception& e) {
                FAIL(
                    fmt::format("variable from {}: {} (rule TP_ABI_15: "
                                "values may be strided and have a "
                                "byte_offset)",
                                what, e.what()));
              }
            });
      }
    }
  }
}

}  // namespace tensorplug::conformance
