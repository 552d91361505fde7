// The reference backend is the toolkit's default kernels, unchanged: this
// file only says who it is.
#include <tensorplug/toolkit/backend.hpp>
#include <tensorplug/toolkit/dtype.hpp>

#ifndef TP_REFERENCE_VERSION
#error "TP_REFERENCE_VERSION must be defined by the build"
#endif

namespace tptk {
namespace {

constexpr auto& kDtypes = kToolkitDtypes;

}  // namespace

const BackendInfo& backend_info() noexcept {
  static const BackendInfo info{"reference", "reference " TP_REFERENCE_VERSION,
                                kDtypes};
  return info;
}

}  // namespace tptk
