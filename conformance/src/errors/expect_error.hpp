// Checks of the error contract shared by the "errors" group's cases: a call
// with bad arguments must return an error status of the documented kind with
// a non-empty message (docs/plugin-abi.md TP_ABI_7, TP_ABI_9), whether made
// through the application API (a PluginError) or the raw C ABI.
#pragma once

#include <tensorplug/plugin_api.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tensorplug::conformance {

/// "TP_ERROR_SHAPE", or "status 42" for a value the header does not define.
std::string status_name(int status);

/// A caller-provided tp_error (TP_ABI_7): zero-initialised with its
/// struct_size; the message is released through the plugin's `release`
/// before reuse and on destruction.
class RawError {
 public:
  RawError();
  ~RawError();
  RawError(const RawError&) = delete;
  RawError& operator=(const RawError&) = delete;
  tp_error* get() { return &error_; }
  /// The message (empty when the plugin set none), then releases it.
  std::string take();

 private:
  void release();
  tp_error error_{};
};

/// Every error status: for contract rules that require *an* error status
/// without saying which (TP_ABI_6: a struct_size too small).
inline std::vector<tp_status> any_error_status() {
  return {TP_ERROR_INVALID_ARGUMENT, TP_ERROR_SHAPE,         TP_ERROR_DTYPE,
          TP_ERROR_NOT_IMPLEMENTED,  TP_ERROR_OUT_OF_MEMORY, TP_ERROR_VERSION,
          TP_ERROR_INTERNAL};
}

/// Records a failure of the running case unless `status` is one of
/// `allowed` and `error` holds a non-empty message. `call` describes the
/// call ("placeholder(args = NULL)"), `rule` the rule it checks ("TP_ABI_9").
/// Always releases the message. Returns whether the contract held.
bool expect_error_status(tp_status status, RawError& error,
                         const std::vector<tp_status>& allowed,
                         std::string_view call, std::string_view rule);

/// Runs `body` (application API calls) and records a failure unless it
/// throws a PluginError whose status is one of `allowed` and whose message
/// carries the plugin's text (the host writes "(no message)" when there is
/// none). Returns whether the contract held.
bool expect_plugin_error(const std::function<void()>& body,
                         const std::vector<tp_status>& allowed,
                         std::string_view call, std::string_view rule);

/// Runs one case of the current group whose body (application API calls)
/// must fail as expect_plugin_error says; the call is named "entry: name".
void app_error_case(std::string_view entry, const std::string& name,
                    const std::vector<tp_status>& allowed,
                    std::string_view rule, const std::function<void()>& body);

}  // namespace tensorplug::conformance
