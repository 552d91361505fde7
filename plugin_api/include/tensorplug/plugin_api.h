/**
 * \file tensorplug/plugin_api.h
 * \brief The C ABI between the tensorplug host and a backend plugin.
 *
 * A backend is a shared library (.so / .dll / .dylib) that exports plain C
 * functions whose names start with `tp_`. The host reads the library's export
 * table *before* loading it, refuses a library that lacks a required entry or
 * the version declaration, and only then loads it, negotiates the API version,
 * and calls it. Entries are named in messages by their Keras names
 * (`placeholder`, not `tp_placeholder`). See docs/plugin-abi.md for the
 * numbered contract rules (TP_ABI_n) that error messages cite.
 *
 * Object model
 * ------------
 * - **Context** (`tp_context`): created and owned by the host, one per loaded
 *   backend instance. It carries the effective Keras settings (`floatx`,
 *   `epsilon`, `image_data_format`), a log callback into the host's logger and
 *   a slot (`backend_state`) for the backend's own state. Every entry
 *   receives it as its first argument.
 * - **Tensor** (`tp_tensor`): an opaque, backend-defined symbolic or stateful
 *   tensor (a placeholder, a variable, or the result of an op). Tensors belong
 *   to the context that created them; `tp_tensor_release` frees one early,
 *   and `tp_context_shutdown` frees whatever is left.
 * - **Callable** (`tp_callable`): what `function` compiles: inputs -> outputs
 *   plus `(variable, new_value)` updates. It carries its own `call` and
 *   `release` function pointers, so only three entries are required.
 * - **Values** cross the boundary as DLPack tensors: a `DLTensor` that the
 *   caller lends for the duration of one call, or a `DLManagedTensor` whose
 *   `deleter` its receiver must call exactly once.
 *
 * Threading
 * ---------
 * A context is used by one thread at a time (the host serialises nothing).
 * Two different contexts may be used from two threads at once, also when they
 * come from the same library; a backend keeps no unsynchronised global state.
 * The log callback may be called from any thread that is inside an entry.
 *
 * Ownership and lifetime
 * ----------------------
 * - Strings passed *into* an entry are borrowed for the call only (copy them).
 * - Arrays of pointers passed into an entry are borrowed for the call only.
 * - `DLTensor` values passed in are borrowed for the call only (copy the data).
 *   A value with zero elements may have NULL `data`, in either direction
 *   (rule TP_ABI_16).
 * - Anything an entry returns through an out-pointer belongs to the caller and
 *   is released through the release function named at that field.
 * - No C++ type, exception or allocator crosses the boundary: memory is freed
 *   by the side that allocated it, through a function pointer that side gave.
 * - Those function pointers (`tp_error.release`, a `DLManagedTensor`'s
 *   `deleter`, `tp_callable.release`) point into the plugin: the host calls
 *   every one of them before it unloads the library.
 * - A `DLManagedTensor` the plugin hands out is read in place by the host
 *   until its `deleter` runs, which may happen on any thread and at any time
 *   before `tp_context_shutdown`; meanwhile nobody writes its memory
 *   (rule TP_ABI_22, since 0.5).
 *
 * Errors
 * ------
 * Every entry returns a `tp_status` and, on failure, may fill the
 * caller-provided `tp_error` with a message (see `tp_error`). An entry never
 * throws, aborts or exits because of bad arguments (rule TP_ABI_9).
 *
 * Versioning
 * ----------
 * `TP_API_VERSION_MAJOR` / `TP_API_VERSION_MINOR` below. Every struct starts
 * with `struct_size`; fields are only ever appended, so a reader checks
 * `struct_size` before touching a field added in a later minor version.
 * Every change is recorded in plugin_api/CHANGELOG.md.
 *
 * This header compiles as C11 and as C++; it depends only on <dlpack/dlpack.h>.
 */
#ifndef TENSORPLUG_PLUGIN_API_H_
#define TENSORPLUG_PLUGIN_API_H_

#include <dlpack/dlpack.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Version                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * Incremented for a change that breaks plugins or hosts built against an
 * earlier version: removing or reordering a field, changing a signature or
 * the meaning of a status. A host refuses a plugin whose major differs.
 */
#define TP_API_VERSION_MAJOR 0
/**
 * Incremented for a compatible addition: a new optional entry, a field
 * appended to a struct, a new status or enum value. While MAJOR is 0 the ABI
 * is still being proven and the minor version must match exactly too
 * (rule TP_ABI_3).
 */
#define TP_API_VERSION_MINOR 5

/** The prefix every exported entry carries. */
#define TP_ENTRY_PREFIX "tp_"

/* ------------------------------------------------------------------------ */
/* Struct sizes                                                              */
/* ------------------------------------------------------------------------ */

/** Size of a struct up to and including `last_field`, as frozen for a version.
 */
#define TP_STRUCT_SIZE(struct_type, last_field) \
  (offsetof(struct_type, last_field) + sizeof(((struct_type*)0)->last_field))

/** True when a struct of `struct_size` bytes contains `field`. */
#define TP_HAS_FIELD(ptr, struct_type, field) \
  ((ptr)->struct_size >= TP_STRUCT_SIZE(struct_type, field))

/* ------------------------------------------------------------------------ */
/* Status and errors                                                         */
/* ------------------------------------------------------------------------ */

/** The result of every entry. Values are stable; new ones are appended. */
typedef enum tp_status {
  TP_OK = 0,
  /** An argument is null, out of range, or inconsistent. */
  TP_ERROR_INVALID_ARGUMENT = 1,
  /** Operand shapes are incompatible (message names the shapes). */
  TP_ERROR_SHAPE = 2,
  /** A dtype is not supported or operands' dtypes differ. */
  TP_ERROR_DTYPE = 3,
  /** The entry or the requested variant is not implemented. */
  TP_ERROR_NOT_IMPLEMENTED = 4,
  /** Memory could not be allocated. */
  TP_ERROR_OUT_OF_MEMORY = 5,
  /** The requested API version is not supported (see tp_negotiate_version). */
  TP_ERROR_VERSION = 6,
  /** Anything else, including an exception caught at the boundary. */
  TP_ERROR_INTERNAL = 7,
} tp_status;

/**
 * An error message travelling from a plugin to its caller (after ADBC's
 * AdbcError).
 *
 * The caller zero-initialises it and sets `struct_size` before the call. On
 * failure the callee may set `message` (a NUL-terminated UTF-8 string) and
 * `release`; the caller reads the message, then calls `release(error)` if it
 * is not NULL. `release` frees `message` and resets the struct to zero except
 * `struct_size`. `message` and `private_data` belong to the callee.
 *
 * A caller may pass NULL instead of a struct (no message wanted; TP_ABI_17),
 * or a struct that still holds an earlier message: a callee that fails calls
 * that `release` before writing its own, one that succeeds leaves the struct
 * as it was (TP_ABI_18).
 */
typedef struct tp_error {
  size_t struct_size;
  /** out: owned by the callee until `release` is called. May stay NULL. */
  char* message;
  /** out: frees `message`; NULL when there is nothing to free. */
  void (*release)(struct tp_error* error);
  /** out: for the callee's use. */
  void* private_data;
} tp_error;
#define TP_ERROR_STRUCT_SIZE TP_STRUCT_SIZE(tp_error, private_data)

/* ------------------------------------------------------------------------ */
/* Version handshake                                                         */
/* ------------------------------------------------------------------------ */

typedef struct tp_version {
  size_t struct_size;
  uint32_t major;
  uint32_t minor;
} tp_version;
#define TP_VERSION_STRUCT_SIZE TP_STRUCT_SIZE(tp_version, minor)

/**
 * Arguments of `tp_negotiate_version`, the version declaration every plugin
 * exports (after the Vulkan loader's interface negotiation).
 */
typedef struct tp_negotiate_args {
  size_t struct_size;
  /** The highest version the host supports. */
  tp_version host_max;
  /**
   * out: the version the plugin implements and will speak. The host sets
   * `plugin_version.struct_size` before the call (as it does for every
   * struct embedded in a struct it passes); the plugin fills the rest.
   */
  tp_version plugin_version;
  /**
   * out: a static, NUL-terminated name/description of the backend
   * ("reference 0.1.0"). Owned by the plugin; valid while it is loaded.
   * May stay NULL.
   */
  const char* plugin_description;
} tp_negotiate_args;
#define TP_NEGOTIATE_ARGS_STRUCT_SIZE \
  TP_STRUCT_SIZE(tp_negotiate_args, plugin_description)

/* ------------------------------------------------------------------------ */
/* Context                                                                   */
/* ------------------------------------------------------------------------ */

typedef enum tp_image_data_format {
  TP_CHANNELS_LAST = 0,
  TP_CHANNELS_FIRST = 1,
} tp_image_data_format;

typedef enum tp_log_level {
  TP_LOG_TRACE = 0,
  TP_LOG_DEBUG = 1,
  TP_LOG_INFO = 2,
  TP_LOG_WARN = 3,
  TP_LOG_ERROR = 4,
} tp_log_level;

/**
 * Host-provided logger. `message` is borrowed for the call. `user_data` is
 * `tp_context.log_user_data`.
 */
typedef void tp_log_fn(void* user_data, tp_log_level level,
                       const char* message);

/**
 * Created, filled and owned by the host; lives from before `tp_context_init`
 * until after `tp_context_shutdown`. A plugin reads the settings and may write
 * only `backend_state`.
 */
typedef struct tp_context {
  size_t struct_size;
  /** The version agreed in `tp_negotiate_version`. */
  tp_version api_version;
  /** Keras `floatx`: the default float dtype (float16, float32 or float64). */
  DLDataType floatx;
  /** Keras `epsilon`: a finite number > 0. */
  double epsilon;
  /** Keras `image_data_format`. */
  tp_image_data_format image_data_format;
  /** Logs into the host's logger. Never NULL. */
  tp_log_fn* log;
  /** Host-owned; pass back to `log`. */
  void* log_user_data;
  /**
   * Owned by the plugin: set in `tp_context_init`, freed in
   * `tp_context_shutdown`. NULL before init.
   */
  void* backend_state;
  /**
   * \since 0.4. How many threads the backend may use for this context's
   * work: its own pool and the pools of the libraries beneath it (BLAS,
   * OpenMP) together, never more. 0: the backend's default, one thread per
   * available core. Set by the host from the application
   * (`LoadOptions::num_threads`) or `TENSORPLUG_NUM_THREADS`, at most 1024.
   * Read it only when `struct_size` covers it (rule TP_ABI_6).
   */
  uint32_t num_threads;
} tp_context;
/** The size of tp_context in plugin API 0.3 (before `num_threads`). */
#define TP_CONTEXT_STRUCT_SIZE_0_3 TP_STRUCT_SIZE(tp_context, backend_state)
#define TP_CONTEXT_STRUCT_SIZE TP_STRUCT_SIZE(tp_context, num_threads)

/* ------------------------------------------------------------------------ */
/* Tensors and callables                                                     */
/* ------------------------------------------------------------------------ */

/** Opaque, defined by each backend. */
typedef struct tp_tensor tp_tensor;

/** A dimension whose size is unknown until the function is called. */
#define TP_DIM_UNKNOWN ((int64_t)-1)

/**
 * A `DLDataType` with `bits == 0` means "the context's floatx" wherever a
 * dtype is an input.
 */
#define TP_DTYPE_IS_DEFAULT(dt) ((dt).bits == 0)

typedef struct tp_placeholder_args {
  size_t struct_size;
  /** Number of dimensions (0 for a scalar). */
  int32_t ndim;
  /** Borrowed: `ndim` sizes, each >= 0 or TP_DIM_UNKNOWN. NULL if ndim == 0. */
  const int64_t* shape;
  /** dtype; bits == 0 means the context's floatx. */
  DLDataType dtype;
  /** Borrowed, may be NULL: a name for messages. */
  const char* name;
} tp_placeholder_args;
#define TP_PLACEHOLDER_ARGS_STRUCT_SIZE \
  TP_STRUCT_SIZE(tp_placeholder_args, name)

typedef struct tp_variable_args {
  size_t struct_size;
  /** Borrowed for the call: the initial value (CPU memory); copied. */
  const DLTensor* value;
  /** dtype of the variable; bits == 0 means the value's dtype. */
  DLDataType dtype;
  /** Borrowed, may be NULL: a name for messages. */
  const char* name;
} tp_variable_args;
#define TP_VARIABLE_ARGS_STRUCT_SIZE TP_STRUCT_SIZE(tp_variable_args, name)

typedef struct tp_function_args {
  size_t struct_size;
  /** Borrowed: the placeholders fed at each call, in order. */
  size_t num_inputs;
  tp_tensor* const* inputs;
  /** Borrowed: the tensors computed at each call, in order. */
  size_t num_outputs;
  tp_tensor* const* outputs;
  /**
   * Borrowed: `num_updates` pairs; after the outputs are computed, each
   * `update_variables[i]` takes the value of `update_values[i]`, all values
   * being computed before any variable changes.
   */
  size_t num_updates;
  tp_tensor* const* update_variables;
  tp_tensor* const* update_values;
  /** Borrowed, may be NULL: a name for messages. */
  const char* name;
} tp_function_args;
#define TP_FUNCTION_ARGS_STRUCT_SIZE TP_STRUCT_SIZE(tp_function_args, name)

typedef struct tp_call_args {
  size_t struct_size;
  /** Borrowed for the call: one CPU `DLTensor` per function input. */
  size_t num_inputs;
  const DLTensor* const* inputs;
  /**
   * Caller-provided array of `num_outputs` slots (equal to the function's
   * output count). out: each slot receives a `DLManagedTensor` owned by the
   * caller, who calls its `deleter` exactly once, on any thread, before the
   * context is shut down; until then the plugin neither writes nor reuses
   * its memory and the caller only reads it (TP_ABI_22). On failure every
   * slot is NULL.
   */
  size_t num_outputs;
  DLManagedTensor** outputs;
} tp_call_args;
#define TP_CALL_ARGS_STRUCT_SIZE TP_STRUCT_SIZE(tp_call_args, outputs)

/**
 * What `function` returns: filled by the plugin into a caller-provided struct.
 * The caller calls `release(self)` exactly once when done; `call` may be used
 * any number of times before that, always with the context that created it
 * (rule TP_ABI_12).
 */
typedef struct tp_callable {
  size_t struct_size;
  /** out: plugin-owned state. */
  void* private_data;
  /** out: runs the function once. */
  tp_status (*call)(struct tp_callable* self, tp_context* context,
                    const tp_call_args* args, tp_error* error);
  /** out: frees `private_data`; the struct is unusable afterwards. */
  void (*release)(struct tp_callable* self);
} tp_callable;
#define TP_CALLABLE_STRUCT_SIZE TP_STRUCT_SIZE(tp_callable, release)

/* ------------------------------------------------------------------------ */
/* Ops                                                                       */
/* ------------------------------------------------------------------------ */

/**
 * DLPack 0.8's boolean type code, which DLPack 0.6 lacks: a bool tensor is
 * {TP_DL_BOOL, 8, 1}, one byte per element holding 0 or 1.
 */
#define TP_DL_BOOL 6

/** The kind of value an op attribute holds. Values are stable. */
typedef enum tp_attr_kind {
  /** An explicit Python `None` (e.g. `axis=None`: every axis). */
  TP_ATTR_NONE = 0,
  TP_ATTR_INT = 1,    /**< int_value */
  TP_ATTR_FLOAT = 2,  /**< float_value (an INT is accepted too: TP_ABI_21) */
  TP_ATTR_BOOL = 3,   /**< int_value, 0 or 1 */
  TP_ATTR_STRING = 4, /**< string_value ("same", "channels_first", ...) */
  TP_ATTR_INTS = 5,   /**< ints[num_ints] (shapes, axes, strides) */
  TP_ATTR_DTYPE = 6,  /**< dtype */
  TP_ATTR_VALUE = 7,  /**< value: a concrete CPU tensor (constant) */
} tp_attr_kind;

/**
 * A named, typed attribute of an op call (Keras's keyword arguments: `axis`,
 * `keepdims`, `padding`, ...). Only the field that `kind` names is read.
 * Everything pointed to is borrowed for the call (rule TP_ABI_8); a backend
 * that needs an attribute later copies it. docs/ops.md lists each op's
 * attributes, their kinds and defaults; an attribute that is absent takes its
 * default, an unknown or ill-typed one is TP_ERROR_INVALID_ARGUMENT.
 */
typedef struct tp_attr {
  size_t struct_size;
  const char* name;
  tp_attr_kind kind;
  int64_t int_value;
  double float_value;
  const char* string_value;
  const int64_t* ints;
  size_t num_ints;
  DLDataType dtype;
  const DLTensor* value;
} tp_attr;
#define TP_ATTR_STRUCT_SIZE TP_STRUCT_SIZE(tp_attr, value)

/** Arguments of every op entry. */
typedef struct tp_op_args {
  size_t struct_size;
  /** Borrowed: the operand tensors, in the order docs/ops.md gives. */
  size_t num_inputs;
  const tp_tensor* const* inputs;
  /** Borrowed: the attributes, in any order, each name at most once. */
  size_t num_attrs;
  const tp_attr* attrs;
  /**
   * The number of result slots the caller provides (1 for every op except
   * `gradients`, which gives one per variable).
   */
  size_t num_outputs;
  /** Borrowed, may be NULL: a name for messages. */
  const char* name;
} tp_op_args;
#define TP_OP_ARGS_STRUCT_SIZE TP_STRUCT_SIZE(tp_op_args, name)

/** What `tensor_info` reports about a tensor. */
typedef struct tp_tensor_desc {
  size_t struct_size;
  /** out: the number of dimensions. */
  int32_t ndim;
  /**
   * out: `ndim` static sizes, TP_DIM_UNKNOWN where unknown until called.
   * Owned by the backend; valid while the tensor is alive.
   */
  const int64_t* shape;
  /** out: the element type. */
  DLDataType dtype;
  /**
   * out: the tensor's name, never NULL or empty (a made-up one for a tensor
   * created without a name; TP_ABI_19); owned by the backend like `shape`.
   */
  const char* name;
} tp_tensor_desc;
#define TP_TENSOR_DESC_STRUCT_SIZE TP_STRUCT_SIZE(tp_tensor_desc, name)

/**
 * What a backend declares about itself through `capabilities`: the dtypes
 * its ops and values support (the conformance kit tests those only). A
 * backend without the entry is taken to support every dtype of docs/ops.md.
 */
typedef struct tp_backend_capabilities {
  size_t struct_size;
  /** out: the number of entries in `dtypes` (> 0). */
  size_t num_dtypes;
  /**
   * out: the supported dtypes, each at most once. Owned by the plugin;
   * static or valid until the context is shut down.
   */
  const DLDataType* dtypes;
} tp_backend_capabilities;
#define TP_CAPABILITIES_STRUCT_SIZE \
  TP_STRUCT_SIZE(tp_backend_capabilities, dtypes)

/* ------------------------------------------------------------------------ */
/* Entries                                                                   */
/* ------------------------------------------------------------------------ */

/*
 * Each entry below is exported by the plugin as a C function named "tp_" +
 * its Keras name, with exactly the signature of its `tp_<name>_fn` function
 * type (the host calls it through a `tp_<name>_fn*`). A plugin marks each
 * definition with TP_EXPORT; defining TP_PLUGIN_DECLARE_ENTRIES before
 * including this header declares every known entry, so that the compiler
 * checks each definition's signature.
 */

#if defined(_WIN32) || defined(__CYGWIN__)
#define TP_EXPORT __declspec(dllexport)
#else
#define TP_EXPORT __attribute__((visibility("default")))
#endif

/** Version declaration (required, rule TP_ABI_2). Runs before anything else. */
typedef tp_status tp_negotiate_version_fn(tp_negotiate_args* args,
                                          tp_error* error);
#define TP_ENTRY_NEGOTIATE_VERSION "tp_negotiate_version"

/** Required: a symbolic input. out `*out` belongs to the context. */
typedef tp_status tp_placeholder_fn(tp_context* context,
                                    const tp_placeholder_args* args,
                                    tp_tensor** out, tp_error* error);
/** Required: a stateful tensor. out `*out` belongs to the context. */
typedef tp_status tp_variable_fn(tp_context* context,
                                 const tp_variable_args* args, tp_tensor** out,
                                 tp_error* error);
/** Required: compile a callable. out `*out` is filled (struct_size preset). */
typedef tp_status tp_function_fn(tp_context* context,
                                 const tp_function_args* args, tp_callable* out,
                                 tp_error* error);

/** Optional: set up `context->backend_state`. Called once after negotiation. */
typedef tp_status tp_context_init_fn(tp_context* context, tp_error* error);
/** Optional: free `context->backend_state` and every tensor left. */
typedef void tp_context_shutdown_fn(tp_context* context);
/** Optional: free one tensor early. NULL is accepted and ignored. */
typedef void tp_tensor_release_fn(tp_context* context, tp_tensor* tensor);
/** Optional: the value of a variable. out `*out`: owned by the caller
 * (TP_ABI_22). */
typedef tp_status tp_get_value_fn(tp_context* context,
                                  const tp_tensor* variable,
                                  DLManagedTensor** out, tp_error* error);
/** Optional: assign a value (borrowed for the call) to a variable. */
typedef tp_status tp_set_value_fn(tp_context* context, tp_tensor* variable,
                                  const DLTensor* value, tp_error* error);

/**
 * Optional: what the backend supports (`tp_backend_capabilities`; struct_size
 * preset by the caller). Called after `context_init`.
 */
typedef tp_status tp_capabilities_fn(tp_context* context,
                                     tp_backend_capabilities* out,
                                     tp_error* error);

/** Optional: static shape, dtype and name of a tensor. */
typedef tp_status tp_tensor_info_fn(tp_context* context,
                                    const tp_tensor* tensor,
                                    tp_tensor_desc* out, tp_error* error);

/**
 * Signature of every op entry (add, relu, conv2d, gradients, ...): builds the
 * op's result tensors from `args` into `outputs[0 .. args->num_outputs)`.
 * out: each slot receives a tensor belonging to the context, one reference
 * per slot even when two slots hold the same tensor (TP_ABI_20); on failure
 * every slot is NULL.
 */
typedef tp_status tp_op_fn(tp_context* context, const tp_op_args* args,
                           tp_tensor** outputs, tp_error* error);

/**
 * X-macros listing every entry this version knows, as
 * X(keras_name, signature_typedef). The exported symbol is "tp_" keras_name.
 */
#define TP_REQUIRED_ENTRIES(X)      \
  X(placeholder, tp_placeholder_fn) \
  X(variable, tp_variable_fn)       \
  X(function, tp_function_fn)

#define TP_LIFECYCLE_ENTRIES(X)               \
  X(context_init, tp_context_init_fn)         \
  X(context_shutdown, tp_context_shutdown_fn) \
  X(tensor_release, tp_tensor_release_fn)     \
  X(tensor_info, tp_tensor_info_fn)           \
  X(get_value, tp_get_value_fn)               \
  X(set_value, tp_set_value_fn)               \
  X(capabilities, tp_capabilities_fn)

/**
 * The core op set v1, every one a `tp_op_fn`, with Keras's backend meaning
 * (docs/ops.md gives each op's inputs, attributes, broadcasting, dtypes and
 * errors), as X(keras_name, tp_op_fn).
 */
#define TP_CORE_OPS_V1(X)                      \
  /* values */                                 \
  X(constant, tp_op_fn)                        \
  X(zeros, tp_op_fn)                           \
  X(ones, tp_op_fn)                            \
  X(random_uniform, tp_op_fn)                  \
  X(random_normal, tp_op_fn)                   \
  X(cast, tp_op_fn)                            \
  /* elementwise, NumPy broadcasting */        \
  X(add, tp_op_fn)                             \
  X(subtract, tp_op_fn)                        \
  X(multiply, tp_op_fn)                        \
  X(divide, tp_op_fn)                          \
  X(negative, tp_op_fn)                        \
  X(abs, tp_op_fn)                             \
  X(square, tp_op_fn)                          \
  X(sqrt, tp_op_fn)                            \
  X(exp, tp_op_fn)                             \
  X(log, tp_op_fn)                             \
  X(pow, tp_op_fn)                             \
  X(maximum, tp_op_fn)                         \
  X(minimum, tp_op_fn)                         \
  X(equal, tp_op_fn)                           \
  X(greater, tp_op_fn)                         \
  X(less, tp_op_fn)                            \
  X(clip, tp_op_fn)                            \
  X(sign, tp_op_fn)                            \
  /* activations */                            \
  X(relu, tp_op_fn)                            \
  X(sigmoid, tp_op_fn)                         \
  X(tanh, tp_op_fn)                            \
  X(softmax, tp_op_fn)                         \
  X(softplus, tp_op_fn)                        \
  X(elu, tp_op_fn)                             \
  /* linear algebra */                         \
  X(dot, tp_op_fn)                             \
  X(batch_dot, tp_op_fn)                       \
  X(transpose, tp_op_fn)                       \
  X(permute_dimensions, tp_op_fn)              \
  /* reductions */                             \
  X(sum, tp_op_fn)                             \
  X(mean, tp_op_fn)                            \
  X(max, tp_op_fn)                             \
  X(min, tp_op_fn)                             \
  X(argmax, tp_op_fn)                          \
  X(argmin, tp_op_fn)                          \
  /* shape */                                  \
  X(reshape, tp_op_fn)                         \
  X(concatenate, tp_op_fn)                     \
  X(expand_dims, tp_op_fn)                     \
  X(squeeze, tp_op_fn)                         \
  X(flatten, tp_op_fn)                         \
  X(batch_flatten, tp_op_fn)                   \
  X(one_hot, tp_op_fn)                         \
  X(gather, tp_op_fn)                          \
  /* neural network */                         \
  X(bias_add, tp_op_fn)                        \
  X(conv2d, tp_op_fn)                          \
  X(pool2d, tp_op_fn)                          \
  X(categorical_crossentropy, tp_op_fn)        \
  X(sparse_categorical_crossentropy, tp_op_fn) \
  X(binary_crossentropy, tp_op_fn)             \
  X(dropout, tp_op_fn)                         \
  /* differentiation */                        \
  X(gradients, tp_op_fn)                       \
  X(stop_gradient, tp_op_fn)

/** Every optional entry this version knows, as X(keras_name, type). */
#define TP_OPTIONAL_ENTRIES(X) \
  TP_LIFECYCLE_ENTRIES(X)      \
  TP_CORE_OPS_V1(X)

#ifdef TP_PLUGIN_DECLARE_ENTRIES
#define TP_DECLARE_ENTRY_(name, type) TP_EXPORT type tp_##name;
TP_EXPORT tp_negotiate_version_fn tp_negotiate_version;
TP_REQUIRED_ENTRIES(TP_DECLARE_ENTRY_)
TP_OPTIONAL_ENTRIES(TP_DECLARE_ENTRY_)
#undef TP_DECLARE_ENTRY_
#endif

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TENSORPLUG_PLUGIN_API_H_
