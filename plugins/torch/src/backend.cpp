// The torch backend: the toolkit's graph engine (graph, shapes, autodiff
// through the toolkit's VJP rules) with kernels computed by libtorch's ATen
// for the ops where the time goes; every other kernel is the toolkit's
// default. This file says who it is and applies the thread setting when a
// context starts.
#include <torch/version.h>
#include <tensorplug/toolkit/backend.hpp>
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/threads.hpp>

#include <string>

#include "threads.hpp"

#ifndef TP_TORCH_VERSION
#error "TP_TORCH_VERSION must be defined by the build"
#endif

namespace tptk {
namespace {

// What the conformance kit passes for (see README.md): ATen computes
// float32/float64; the other dtypes run the toolkit's kernels.
constexpr auto& kDtypes = kToolkitDtypes;

void on_context_init(const tp_context& context) {
  const int threads = tptk::thread_count(context);
  const std::string applied = tptorch::apply_threads(threads);
  if (context.log != nullptr) {
    const std::string msg = "torch: libtorch " TORCH_VERSION ", " + applied;
    context.log(context.log_user_data, TP_LOG_DEBUG, msg.c_str());
  }
}

}  // namespace

const BackendInfo& backend_info() noexcept {
  static const BackendInfo info{
      "torch", "torch " TP_TORCH_VERSION " (libtorch " TORCH_VERSION ", ATen)",
      kDtypes, &on_context_init};
  return info;
}

}  // namespace tptk
