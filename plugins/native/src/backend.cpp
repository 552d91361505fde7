// The native backend: the toolkit's graph engine with fast CPU kernels for
// the ops where the time goes (BLAS contractions and convolutions, threaded
// vectorised elementwise work, reductions); every other kernel is the
// toolkit's default. This file says who it is and applies the thread
// setting when a context starts.
#include <tensorplug/toolkit/backend.hpp>
#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/threads.hpp>

#include <string>

#include "gemm.hpp"
#include "threads.hpp"

#ifndef TP_NATIVE_VERSION
#error "TP_NATIVE_VERSION must be defined by the build"
#endif

namespace tptk {
namespace {

constexpr auto& kDtypes = kToolkitDtypes;

void on_context_init(const tp_context& context) {
  const int threads = tptk::thread_count(context);
  tpnative::configure_blas_threads();
  tpnative::ThreadPool::instance().resize(threads);
  if (context.log != nullptr) {
    const std::string msg = "native: " + std::to_string(threads) +
                            " thread(s); BLAS: " + tpnative::blas_description();
    context.log(context.log_user_data, TP_LOG_DEBUG, msg.c_str());
    const std::string warning = tpnative::blas_warning();
    if (!warning.empty()) {
      context.log(context.log_user_data, TP_LOG_WARN, warning.c_str());
    }
  }
}

}  // namespace

const BackendInfo& backend_info() noexcept {
  static const BackendInfo info{"native",
                                "native " TP_NATIVE_VERSION " (OpenBLAS)",
                                kDtypes, &on_context_init};
  return info;
}

}  // namespace tptk
