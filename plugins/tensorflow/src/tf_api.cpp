#include "tf_api.hpp"

#include <dlfcn.h>

#include <tensorplug/toolkit/text.hpp>

#include <cstdlib>
#include <mutex>

#ifndef TP_TF_LIBRARY_DIR
#error "TP_TF_LIBRARY_DIR (the wheel's package directory) must be defined"
#endif

namespace tftf {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int kDeepBind = 0;
#else
constexpr int kDeepBind = RTLD_DEEPBIND;
#endif

Api g_api;
std::once_flag g_once;
std::string g_error;  // why the one load failed, or empty

/** Sets `name=value` unless the user already set it. */
void default_env(const char* name, const char* value) {
  if (std::getenv(name) == nullptr) ::setenv(name, value, 0);
}

void load_once() {
  default_env("TF_CPP_MIN_LOG_LEVEL", "1");
  default_env("TF_ENABLE_ONEDNN_OPTS", "0");
  // Found through this plugin's RUNPATH (dlopen searches the caller's).
  // RTLD_LOCAL: TensorFlow's 435k symbols never interpose on anyone else's.
  // RTLD_DEEPBIND: nor anyone else's on TensorFlow's. It carries its own
  // protobuf, oneDNN, absl, Eigen, ... and exports their symbols; in an
  // application that links Debian's libprotobuf or libdnnl (libtorch pulls
  // both) TensorFlow's references would otherwise bind to those first, in
  // the global scope, and it crashes in its static initialisers. (Not under
  // AddressSanitizer, whose runtime refuses RTLD_DEEPBIND.)
  //
  // The wheel's package directory, which CMake found, is tried first by
  // absolute path: under AddressSanitizer dlopen is called from the
  // sanitizer's interceptor, so the plugin's own RUNPATH is not searched.
  // Then the library name (the RUNPATH, LD_LIBRARY_PATH, the system).
  constexpr int kFlags = RTLD_NOW | RTLD_LOCAL | kDeepBind;
  void* lib = ::dlopen(TP_TF_LIBRARY_DIR "/libtensorflow_cc.so.2", kFlags);
  if (lib == nullptr) lib = ::dlopen("libtensorflow_cc.so.2", kFlags);
  if (lib == nullptr) {
    const char* why = ::dlerror();
    g_error = tptk::cat(
        "tensorflow: cannot load TensorFlow's C API library "
        "libtensorflow_cc.so.2 (",
        why != nullptr ? why : "unknown reason",
        "); it comes from the tensorflow-cpu wheel in the project's venv "
        "(scripts/install-python.sh), looked for in ", TP_TF_LIBRARY_DIR,
        " and through this plugin's RUNPATH");
    return;
  }
  Api api;
#define TFTF_RESOLVE(f)                                                   \
  api.f = reinterpret_cast<decltype(&::f)>(::dlsym(lib, #f));             \
  if (api.f == nullptr) {                                                 \
    g_error = tptk::cat("tensorflow: libtensorflow_cc.so.2 (TensorFlow ", \
                        "loaded) has no function " #f);                   \
    return;                                                               \
  }
  TFTF_FUNCTIONS(TFTF_RESOLVE)
#undef TFTF_RESOLVE
  g_api = api;
}

}  // namespace

const Api& load_tensorflow() {
  std::call_once(g_once, load_once);
  if (!g_error.empty()) throw tp::Error(TP_ERROR_INTERNAL, g_error);
  return g_api;
}

const Api& api() noexcept { return g_api; }

std::string loaded_version() {
  const Api& tf = load_tensorflow();
  return tf.TF_Version();
}

}  // namespace tftf
