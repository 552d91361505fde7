#include "load/instance.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "log_internal.hpp"
#include "tensorplug/errors.hpp"

namespace tensorplug::detail {
namespace {

void log_from_plugin(void* user_data, tp_log_level level, const char* message) {
  const auto* self = static_cast<const Instance*>(user_data);
  const char* text = message ? message : "(null message)";
  const std::string& who = self ? self->name : std::string("?");
  switch (level) {
    case TP_LOG_TRACE:
      log().trace("[{}] {}", who, text);
      break;
    case TP_LOG_DEBUG:
      log().debug("[{}] {}", who, text);
      break;
    case TP_LOG_INFO:
      log().info("[{}] {}", who, text);
      break;
    case TP_LOG_WARN:
      log().warn("[{}] {}", who, text);
      break;
    default:
      log().error("[{}] {}", who, text);
      break;
  }
}

DLDataType floatx_dtype(FloatX f) {
  switch (f) {
    case FloatX::kFloat16:
      return {kDLFloat, 16, 1};
    case FloatX::kFloat64:
      return {kDLFloat, 64, 1};
    default:
      return {kDLFloat, 32, 1};
  }
}

/// The plugin's message, or a stand-in; releases the error.
std::string take_message(tp_error& error) {
  std::string text = error.message ? error.message : "(no message)";
  if (error.release) error.release(&error);
  return text;
}

}  // namespace

tp_error make_error() {
  tp_error e{};
  e.struct_size = sizeof(tp_error);
  return e;
}

std::shared_ptr<Instance> Instance::create(const Resolution& resolution,
                                           const Settings& settings,
                                           const Setting<unsigned>& threads,
                                           const TrialLoad& trial) {
  std::shared_ptr<Instance> self(new Instance());
  self->name = resolution.name;
  self->origin = resolution.origin;
  self->settings = settings;
  self->threads = threads;
  self->library_ =
      LoadedLibrary::open(resolution.library, resolution.name, trial);
  const EntryTable& e = self->entries();
  const std::string where = resolution.library.string();

  // Version handshake (rule TP_ABI_3): the host offers its maximum, the
  // plugin answers with the version it implements.
  tp_negotiate_args args{};
  args.struct_size = sizeof(args);
  args.host_max = {sizeof(tp_version), TP_API_VERSION_MAJOR,
                   TP_API_VERSION_MINOR};
  args.plugin_version.struct_size = sizeof(tp_version);
  tp_error error = make_error();
  const tp_status status = e.negotiate_version(&args, &error);
  const std::string host_v =
      fmt::format("{}.{}", TP_API_VERSION_MAJOR, TP_API_VERSION_MINOR);
  if (status != TP_OK) {
    const std::string message = take_message(error);
    const std::string text = fmt::format(
        "Backend `{}` ({}) refused the version handshake: this host speaks "
        "tensorplug plugin API {}; the plugin says: {} (rule TP_ABI_3)",
        self->name, where, host_v, message);
    if (status == TP_ERROR_VERSION) throw IncompatibleVersionError(text);
    throw LoadError(text, LoadError::Stage::kHandshake);
  }
  if (error.release) error.release(&error);
  const tp_version& pv = args.plugin_version;
  const std::string plugin_v = fmt::format("{}.{}", pv.major, pv.minor);
  const bool compatible =
      pv.major == TP_API_VERSION_MAJOR &&
      (TP_API_VERSION_MAJOR == 0 ? pv.minor == TP_API_VERSION_MINOR
                                 : pv.minor <= TP_API_VERSION_MINOR);
  if (!compatible) {
    throw IncompatibleVersionError(fmt::format(
        "Backend `{}` ({}) implements tensorplug plugin API {}, but this host "
        "speaks {}: {} (rule TP_ABI_3). Rebuild the plugin against this "
        "tensorplug's plugin_api.h, or use a tensorplug that speaks {}.",
        self->name, where, plugin_v, host_v,
        pv.major != TP_API_VERSION_MAJOR
            ? "the major versions differ"
            : "while the major version is 0 the minor versions must match",
        plugin_v));
  }
  self->version = {pv.major, pv.minor};
  if (args.plugin_description) {
    self->description = args.plugin_description;
  }

  tp_context& ctx = self->context_;
  ctx.struct_size = sizeof(tp_context);
  ctx.api_version = {sizeof(tp_version), pv.major, pv.minor};
  ctx.floatx = floatx_dtype(settings.floatx.value);
  ctx.epsilon = settings.epsilon.value;
  ctx.image_data_format =
      settings.image_data_format.value == ImageDataFormat::kChannelsFirst
          ? TP_CHANNELS_FIRST
          : TP_CHANNELS_LAST;
  ctx.log = &log_from_plugin;
  ctx.log_user_data = self.get();
  ctx.backend_state = nullptr;
  ctx.num_threads = threads.value;

  if (e.context_init) {
    tp_error init_error = make_error();
    const tp_status s = e.context_init(&ctx, &init_error);
    if (s != TP_OK) {
      throw LoadError(
          fmt::format("Backend `{}` ({}) failed to initialise: {} (status {})",
                      self->name, where, take_message(init_error),
                      static_cast<int>(s)),
          LoadError::Stage::kInit);
    }
    if (init_error.release) init_error.release(&init_error);
  }
  self->initialised_ = true;
  return self;
}

Instance::~Instance() {
  if (initialised_ && library_ && entries().context_shutdown) {
    entries().context_shutdown(&context_);
  }
}

void Instance::require(const void* entry_ptr, std::string_view entry) const {
  if (entry_ptr != nullptr) return;
  const auto& provided = library_->report().optional_provided;
  throw NotProvidedError(fmt::format(
      "Backend `{}` does not provide `{}` ({} does not export {}{}). It "
      "provides: {}.",
      name, entry, library_->path().string(), TP_ENTRY_PREFIX, entry,
      provided.empty() ? std::string("only the required entries")
                       : fmt::format("{}", fmt::join(provided, ", "))));
}

void Instance::check(tp_status status, tp_error& error,
                     std::string_view entry) const {
  if (status == TP_OK) {
    if (error.release) error.release(&error);
    return;
  }
  throw PluginError(status, fmt::format("Backend `{}`, `{}`: {}", name, entry,
                                        take_message(error)));
}

TensorHandle::~TensorHandle() {
  if (tensor && instance->entries().tensor_release) {
    instance->entries().tensor_release(instance->context(), tensor);
  }
}

CallableHandle::~CallableHandle() {
  if (callable.release) callable.release(&callable);
}

}  // namespace tensorplug::detail
