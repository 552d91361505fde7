// Function: running a compiled callable on concrete arrays.
#include <fmt/format.h>

#include <utility>

#include "load/instance.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/errors.hpp"

namespace tensorplug {

std::size_t Function::num_inputs() const {
  return handle_ ? handle_->num_inputs : 0;
}
std::size_t Function::num_outputs() const {
  return handle_ ? handle_->num_outputs : 0;
}

::tp_callable* Function::raw() const {
  return handle_ ? &handle_->callable : nullptr;
}

std::vector<Array> Function::operator()(
    const std::vector<Array>& inputs) const {
  if (!handle_) throw std::invalid_argument("calling an empty Function");
  auto& h = *handle_;
  std::vector<DLTensor> views;
  views.reserve(inputs.size());
  for (const auto& a : inputs) views.push_back(a.view());
  std::vector<const DLTensor*> pointers;
  for (const auto& v : views) pointers.push_back(&v);
  std::vector<DLManagedTensor*> outs(h.num_outputs, nullptr);

  tp_call_args args{};
  args.struct_size = sizeof(args);
  args.num_inputs = pointers.size();
  args.inputs = pointers.data();
  args.num_outputs = outs.size();
  args.outputs = outs.data();
  tp_error error = detail::make_error();
  const tp_status status =
      h.callable.call(&h.callable, h.instance->context(), &args, &error);
  if (status != TP_OK) {
    for (auto* m : outs) {  // a plugin should leave none; free any it did
      if (m && m->deleter) m->deleter(m);
    }
    h.instance->check(status, error, "function call");
  } else if (error.release) {
    error.release(&error);
  }
  // Every slot is the caller's now: each is freed exactly once, also when a
  // later slot is empty or refused.
  auto free_rest = [&] {
    for (auto*& m : outs) {
      if (m && m->deleter) m->deleter(m);
      m = nullptr;
    }
  };
  std::vector<Array> result;
  result.reserve(outs.size());
  for (std::size_t i = 0; i < outs.size(); ++i) {
    if (outs[i] == nullptr) {
      free_rest();
      throw PluginError(
          TP_ERROR_INTERNAL,
          fmt::format("Backend `{}`, `function call`: returned TP_OK but "
                      "left output {} empty (rule TP_ABI_11)",
                      h.instance->name, i));
    }
    // Read in place (TP_ABI_22): the instance stays alive, and its library
    // loaded, until the last result's deleter has run.
    DLManagedTensor* out = std::exchange(outs[i], nullptr);
    try {
      result.push_back(Array::adopt(out, h.instance));
    } catch (...) {  // adopt has freed `out`
      free_rest();
      throw;
    }
  }
  return result;
}

}  // namespace tensorplug
