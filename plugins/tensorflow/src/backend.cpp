// The tensorflow backend: the toolkit's graph engine (graph, static shapes,
// errors, autodiff through the toolkit's VJP rules, constant folding) with
// every compiled function handed whole to TensorFlow as one graph and session
// (executor.hpp): no toolkit kernel runs in a call. This file says who it is,
// loads TensorFlow when the first context starts and applies the thread
// setting.
#include <tensorplug/toolkit/backend.hpp>
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/executor.hpp>
#include <tensorplug/toolkit/threads.hpp>

#include <string>

#include "executor.hpp"
#include "tf_api.hpp"

#ifndef TP_TENSORFLOW_VERSION
#error "TP_TENSORFLOW_VERSION must be defined by the build"
#endif
#ifndef TP_TF_BUILT_WITH
#error "TP_TF_BUILT_WITH (the wheel's version) must be defined by the build"
#endif

namespace tptk {
namespace {

// What TensorFlow's CPU kernels compute and the conformance kit passes for
// (README.md, "Dtypes").
constexpr auto& kDtypes = kToolkitDtypes;

void on_context_init(const tp_context& context) {
  tftf::load_tensorflow();
  const int threads = tptk::thread_count(context);
  tftf::set_session_threads(threads);
  if (context.log != nullptr) {
    const std::string msg = "tensorflow: TensorFlow " + tftf::loaded_version() +
                            " (C API), " + std::to_string(threads) +
                            " intra-op and inter-op thread(s) per session";
    context.log(context.log_user_data, TP_LOG_DEBUG, msg.c_str());
  }
}

}  // namespace

const BackendInfo& backend_info() noexcept {
  static const BackendInfo info{"tensorflow",
                                "tensorflow " TP_TENSORFLOW_VERSION
                                " (TensorFlow " TP_TF_BUILT_WITH " C API)",
                                kDtypes, &on_context_init,
                                &tftf::make_executor};
  return info;
}

}  // namespace tptk
