// Raw ABI access for the "errors" group: an exported entry as its C
// function type, and one case that calls it with bad arguments.
#pragma once

#include <tensorplug/plugin_api.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "errors/expect_error.hpp"
#include "tensorplug/backend.hpp"

namespace tensorplug::conformance {

/// The entry `name` as its `tp_<name>_fn` type (nullptr when absent).
template <class Fn>
Fn* raw_fn(const Backend& b, std::string_view name) {
  return reinterpret_cast<Fn*>(const_cast<void*>(b.raw_entry(name)));
}

/// A non-NULL pointer no plugin can have made: out slots are preset to it
/// so that a plugin that leaves a slot untouched on failure is caught.
inline tp_tensor* sentinel_tensor() {
  return reinterpret_cast<tp_tensor*>(static_cast<std::uintptr_t>(0x10));
}

/// Runs one case: `call` makes the raw call with the given tp_error and
/// returns its status; the case fails unless the status is one of `allowed`
/// with a message. `after` (optional) checks the out slots afterwards.
void raw_error_case(std::string_view entry, const std::string& name,
                    const std::vector<tp_status>& allowed,
                    std::string_view rule,
                    const std::function<tp_status(tp_error*)>& call,
                    const std::function<void()>& after = {});

}  // namespace tensorplug::conformance
