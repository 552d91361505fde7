// TensorFlow's C API as the backend calls it: a table of the TF_* functions,
// resolved from the wheel's libtensorflow_cc.so.2 when the first context
// starts (load_tensorflow), never at plugin load. So loading, validating or
// listing the plugin never maps TensorFlow's ~850 MB of libraries, and the
// logging defaults (TF_CPP_MIN_LOG_LEVEL, TF_ENABLE_ONEDNN_OPTS) are in the
// environment before TensorFlow's static initialisers run. The library is
// found through the plugin's RUNPATH (the wheel's package directory, set by
// CMake) and stays loaded for the rest of the process (TensorFlow does not
// support being unloaded).
#pragma once

#include <tensorflow/c/c_api.h>

#include <string>

#define TFTF_FUNCTIONS(X)    \
  X(TF_Version)              \
  X(TF_NewStatus)            \
  X(TF_DeleteStatus)         \
  X(TF_GetCode)              \
  X(TF_Message)              \
  X(TF_NewGraph)             \
  X(TF_DeleteGraph)          \
  X(TF_NewOperation)         \
  X(TF_AddInput)             \
  X(TF_AddInputList)         \
  X(TF_AddControlInput)      \
  X(TF_SetAttrType)          \
  X(TF_SetAttrInt)           \
  X(TF_SetAttrIntList)       \
  X(TF_SetAttrFloat)         \
  X(TF_SetAttrBool)          \
  X(TF_SetAttrString)        \
  X(TF_SetAttrShape)         \
  X(TF_SetAttrTensor)        \
  X(TF_FinishOperation)      \
  X(TF_NewSessionOptions)    \
  X(TF_SetConfig)            \
  X(TF_DeleteSessionOptions) \
  X(TF_NewSession)           \
  X(TF_CloseSession)         \
  X(TF_DeleteSession)        \
  X(TF_SessionRun)           \
  X(TF_NewTensor)            \
  X(TF_AllocateTensor)       \
  X(TF_DeleteTensor)         \
  X(TF_TensorData)           \
  X(TF_TensorByteSize)       \
  X(TF_TensorType)           \
  X(TF_NumDims)              \
  X(TF_Dim)

namespace tftf {

struct Api {
#define TFTF_MEMBER(f) decltype(&::f) f = nullptr;
  TFTF_FUNCTIONS(TFTF_MEMBER)
#undef TFTF_MEMBER
};

/**
 * Loads TensorFlow once per process (later calls return the same table) and
 * resolves every function. Before loading it sets TF_CPP_MIN_LOG_LEVEL=1 and
 * TF_ENABLE_ONEDNN_OPTS=0 where the user has not set them, so TensorFlow
 * prints nothing at the default level (README.md, "Logging"). Throws
 * tp::Error(TP_ERROR_INTERNAL) naming the library, dlerror's reason and the
 * missing function.
 */
const Api& load_tensorflow();

/** The table after load_tensorflow() succeeded (context_init ran). */
const Api& api() noexcept;

/** TensorFlow's version as TF_Version() reports it, after loading. */
std::string loaded_version();

}  // namespace tftf
