// The plugin ABI: compiles as C11, struct layouts frozen for this version.
#include <tensorplug/plugin_api.h>

#include <catch2/catch.hpp>

extern "C" {
size_t tp_c11_sizeof_tp_error(void);
size_t tp_c11_sizeof_tp_version(void);
size_t tp_c11_sizeof_tp_negotiate_args(void);
size_t tp_c11_sizeof_tp_context(void);
size_t tp_c11_sizeof_tp_placeholder_args(void);
size_t tp_c11_sizeof_tp_variable_args(void);
size_t tp_c11_sizeof_tp_function_args(void);
size_t tp_c11_sizeof_tp_call_args(void);
size_t tp_c11_sizeof_tp_callable(void);
size_t tp_c11_sizeof_tp_attr(void);
size_t tp_c11_sizeof_tp_op_args(void);
size_t tp_c11_sizeof_tp_tensor_desc(void);
}

TEST_CASE("The C11 and C++ views of every ABI struct have the same size",
          "[abi]") {
  CHECK(tp_c11_sizeof_tp_error() == sizeof(tp_error));
  CHECK(tp_c11_sizeof_tp_version() == sizeof(tp_version));
  CHECK(tp_c11_sizeof_tp_negotiate_args() == sizeof(tp_negotiate_args));
  CHECK(tp_c11_sizeof_tp_context() == sizeof(tp_context));
  CHECK(tp_c11_sizeof_tp_placeholder_args() == sizeof(tp_placeholder_args));
  CHECK(tp_c11_sizeof_tp_variable_args() == sizeof(tp_variable_args));
  CHECK(tp_c11_sizeof_tp_function_args() == sizeof(tp_function_args));
  CHECK(tp_c11_sizeof_tp_call_args() == sizeof(tp_call_args));
  CHECK(tp_c11_sizeof_tp_callable() == sizeof(tp_callable));
  CHECK(tp_c11_sizeof_tp_attr() == sizeof(tp_attr));
  CHECK(tp_c11_sizeof_tp_op_args() == sizeof(tp_op_args));
  CHECK(tp_c11_sizeof_tp_tensor_desc() == sizeof(tp_tensor_desc));
}

#if UINTPTR_MAX == 0xffffffffffffffffu
// Frozen for API 0.5 (unchanged since 0.4) on LP64: a change here is an ABI
// change that needs a version bump and a CHANGELOG line (fields are only ever
// appended).
static_assert(TP_ERROR_STRUCT_SIZE == 32);
static_assert(TP_VERSION_STRUCT_SIZE == 16);
static_assert(TP_NEGOTIATE_ARGS_STRUCT_SIZE == 48);
static_assert(TP_CONTEXT_STRUCT_SIZE_0_3 == 72);
static_assert(TP_CONTEXT_STRUCT_SIZE == 76);
static_assert(TP_ATTR_STRUCT_SIZE == 80);
static_assert(TP_OP_ARGS_STRUCT_SIZE == 56);
static_assert(TP_TENSOR_DESC_STRUCT_SIZE == 40);
static_assert(TP_PLACEHOLDER_ARGS_STRUCT_SIZE == 40);
static_assert(TP_VARIABLE_ARGS_STRUCT_SIZE == 32);
static_assert(TP_FUNCTION_ARGS_STRUCT_SIZE == 72);
static_assert(TP_CALL_ARGS_STRUCT_SIZE == 40);
static_assert(TP_CALLABLE_STRUCT_SIZE == 32);
static_assert(TP_CAPABILITIES_STRUCT_SIZE == 24);
#endif

TEST_CASE("Field offsets of the context are frozen for this version", "[abi]") {
#if UINTPTR_MAX == 0xffffffffffffffffu
  CHECK(offsetof(tp_context, api_version) == 8);
  CHECK(offsetof(tp_context, floatx) == 24);
  CHECK(offsetof(tp_context, epsilon) == 32);
  CHECK(offsetof(tp_context, image_data_format) == 40);
  CHECK(offsetof(tp_context, log) == 48);
  CHECK(offsetof(tp_context, log_user_data) == 56);
  CHECK(offsetof(tp_context, backend_state) == 64);
  CHECK(offsetof(tp_context, num_threads) == 72);
#endif
  CHECK(TP_API_VERSION_MAJOR == 0);
  CHECK(TP_API_VERSION_MINOR >= 1);
}
