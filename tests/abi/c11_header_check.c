/* Proves that the plugin ABI header is plain C11 (rule TP_ABI_1): this file
 * is compiled with -std=c11 -pedantic-errors and linked into the tests, which
 * also compare the sizes it reports with the C++ view of the same structs. */
#define TP_PLUGIN_DECLARE_ENTRIES
#include <tensorplug/plugin_api.h>

#define TP_C_SIZE(type)              \
  size_t tp_c11_sizeof_##type(void); \
  size_t tp_c11_sizeof_##type(void) { return sizeof(type); }

TP_C_SIZE(tp_error)
TP_C_SIZE(tp_version)
TP_C_SIZE(tp_negotiate_args)
TP_C_SIZE(tp_context)
TP_C_SIZE(tp_placeholder_args)
TP_C_SIZE(tp_variable_args)
TP_C_SIZE(tp_function_args)
TP_C_SIZE(tp_call_args)
TP_C_SIZE(tp_callable)
TP_C_SIZE(tp_attr)
TP_C_SIZE(tp_op_args)
TP_C_SIZE(tp_tensor_desc)

_Static_assert(TP_ERROR_STRUCT_SIZE == sizeof(tp_error), "tp_error packed");
_Static_assert(TP_API_VERSION_MAJOR >= 0, "version macro is an integer");
