// The reference backend is the toolkit's default kernels, unchanged: this
// file only says who it is.
#include <tensorplug/toolkit/backend.hpp>

#ifndef TP_REFERENCE_VERSION
#error "TP_REFERENCE_VERSION must be defined by the build"
#endif

namespace tptk {
namespace {

constexpr DLDataType kDtypes[] = {{kDLFloat, 16, 1}, {kDLFloat, 32, 1},
                                  {kDLFloat, 64, 1}, {kDLInt, 32, 1},
                                  {kDLInt, 64, 1},   {TP_DL_BOOL, 8, 1}};

}  // namespace

const BackendInfo& backend_info() noexcept {
  static const BackendInfo info{"reference", "reference " TP_REFERENCE_VERSION,
                                kDtypes};
  return info;
}

}  // namespace tptk
