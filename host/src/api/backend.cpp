// Backend: the application's handle on a loaded backend.
#include "tensorplug/backend.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "load/instance.hpp"
#include "tensorplug/errors.hpp"

namespace tensorplug {

std::string ApiVersion::str() const {
  return fmt::format("{}.{}", major, minor);
}

ApiVersion host_api_version() {
  return {TP_API_VERSION_MAJOR, TP_API_VERSION_MINOR};
}

const std::string& Backend::name() const { return instance_->name; }
const std::filesystem::path& Backend::library_path() const {
  return instance_->library().path();
}
const std::string& Backend::origin() const { return instance_->origin; }
ApiVersion Backend::api_version() const { return instance_->version; }
const std::string& Backend::description() const {
  return instance_->description;
}
const Settings& Backend::settings() const { return instance_->settings; }
const Setting<unsigned>& Backend::threads() const { return instance_->threads; }
const LibraryReport& Backend::report() const {
  return instance_->library().report();
}

bool Backend::provides(std::string_view entry) const {
  const auto& r = report();
  auto in = [&](const std::vector<std::string>& v) {
    return std::find(v.begin(), v.end(), entry) != v.end();
  };
  return in(r.required_present) || in(r.optional_provided);
}

std::optional<std::vector<DLDataType>> Backend::supported_dtypes() const {
  auto& inst = *instance_;
  if (inst.entries().capabilities == nullptr) return std::nullopt;
  tp_backend_capabilities caps{};
  caps.struct_size = sizeof(caps);
  tp_error error = detail::make_error();
  inst.check(inst.entries().capabilities(inst.context(), &caps, &error), error,
             "capabilities");
  if (caps.num_dtypes == 0 || caps.dtypes == nullptr) {
    throw PluginError(
        TP_ERROR_INTERNAL,
        fmt::format("Backend `{}`, `capabilities`: returned TP_OK but "
                    "declared no dtypes",
                    inst.name));
  }
  return std::vector<DLDataType>(caps.dtypes, caps.dtypes + caps.num_dtypes);
}

::tp_context* Backend::raw_context() const { return instance_->context(); }

const void* Backend::raw_entry(std::string_view entry) const {
  return instance_->library().entry(entry);
}

Tensor Backend::placeholder(const std::vector<std::int64_t>& shape,
                            std::optional<DLDataType> dtype,
                            const std::string& name) const {
  auto& inst = *instance_;
  tp_placeholder_args args{};
  args.struct_size = sizeof(args);
  args.ndim = static_cast<int32_t>(shape.size());
  args.shape = shape.empty() ? nullptr : shape.data();
  args.dtype = dtype.value_or(DLDataType{kDLFloat, 0, 0});
  args.name = name.empty() ? nullptr : name.c_str();
  tp_tensor* out = nullptr;
  tp_error error = detail::make_error();
  inst.check(inst.entries().placeholder(inst.context(), &args, &out, &error),
             error, "placeholder");
  return Tensor(std::shared_ptr<detail::TensorHandle>(
      new detail::TensorHandle{instance_, out, name}));
}

Tensor Backend::variable(const Array& value, const std::string& name) const {
  auto& inst = *instance_;
  const DLTensor view = value.view();
  tp_variable_args args{};
  args.struct_size = sizeof(args);
  args.value = &view;
  args.dtype = DLDataType{kDLFloat, 0, 0};
  args.name = name.empty() ? nullptr : name.c_str();
  tp_tensor* out = nullptr;
  tp_error error = detail::make_error();
  inst.check(inst.entries().variable(inst.context(), &args, &out, &error),
             error, "variable");
  return Tensor(std::shared_ptr<detail::TensorHandle>(
      new detail::TensorHandle{instance_, out, name}));
}

namespace {
void check_same_backend(const detail::Instance& inst, const Tensor& t,
                        std::string_view what) {
  if (!t) {
    throw std::invalid_argument(
        fmt::format("function: {} is an empty Tensor", what));
  }
  (void)inst;
}
}  // namespace

Function Backend::function(
    const std::vector<Tensor>& inputs, const std::vector<Tensor>& outputs,
    const std::vector<std::pair<Tensor, Tensor>>& updates,
    const std::string& name) const {
  auto& inst = *instance_;
  auto handle = std::make_shared<detail::CallableHandle>();
  handle->instance = instance_;
  std::vector<tp_tensor*> in, out, vars, values;
  for (const auto& t : inputs) {
    check_same_backend(inst, t, "an input");
    in.push_back(t.raw());
    handle->keep_alive.push_back(t);
  }
  for (const auto& t : outputs) {
    check_same_backend(inst, t, "an output");
    out.push_back(t.raw());
    handle->keep_alive.push_back(t);
  }
  for (const auto& [variable, value] : updates) {
    check_same_backend(inst, variable, "an update's variable");
    check_same_backend(inst, value, "an update's value");
    vars.push_back(variable.raw());
    values.push_back(value.raw());
    handle->keep_alive.push_back(variable);
    handle->keep_alive.push_back(value);
  }
  tp_function_args args{};
  args.struct_size = sizeof(args);
  args.num_inputs = in.size();
  args.inputs = in.data();
  args.num_outputs = out.size();
  args.outputs = out.data();
  args.num_updates = vars.size();
  args.update_variables = vars.data();
  args.update_values = values.data();
  args.name = name.empty() ? nullptr : name.c_str();
  handle->callable.struct_size = sizeof(tp_callable);
  tp_error error = detail::make_error();
  inst.check(
      inst.entries().function(inst.context(), &args, &handle->callable, &error),
      error, "function");
  if (handle->callable.call == nullptr) {
    throw PluginError(TP_ERROR_INTERNAL,
                      fmt::format("Backend `{}`, `function`: returned a "
                                  "callable without a call pointer",
                                  inst.name));
  }
  handle->num_inputs = in.size();
  handle->num_outputs = out.size();
  return Function(std::move(handle));
}

Array Backend::get_value(const Tensor& variable) const {
  auto& inst = *instance_;
  inst.require(reinterpret_cast<const void*>(inst.entries().get_value),
               "get_value");
  DLManagedTensor* out = nullptr;
  tp_error error = detail::make_error();
  inst.check(
      inst.entries().get_value(inst.context(), variable.raw(), &out, &error),
      error, "get_value");
  // Read in place (TP_ABI_22); keeps the instance alive until released.
  return Array::adopt(out, instance_);
}

void Backend::set_value(const Tensor& variable, const Array& value) const {
  auto& inst = *instance_;
  inst.require(reinterpret_cast<const void*>(inst.entries().set_value),
               "set_value");
  const DLTensor view = value.view();
  tp_error error = detail::make_error();
  inst.check(
      inst.entries().set_value(inst.context(), variable.raw(), &view, &error),
      error, "set_value");
}

}  // namespace tensorplug
