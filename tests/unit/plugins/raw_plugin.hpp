// Test helpers for driving a backend plugin through its raw C ABI with
// dlopen/dlsym only (no host loader): RAII wrappers for the library, a
// context, an error, a callable, and float32 DLPack values; builders for the
// entries' argument structs; and a Session (library, entries, context) whose
// graph-building helpers REQUIRE success (Catch: main thread only).
#pragma once

#include <catch2/catch.hpp>

#include <dlfcn.h>
#include <tensorplug/plugin_api.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace raw {

/** A dlopen'ed plugin (RTLD_NOW | RTLD_LOCAL); dlclose'd on destruction. */
class Library {
 public:
  explicit Library(const std::string& path)
      : handle_(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
    if (handle_ == nullptr) {
      const char* why = dlerror();
      throw std::runtime_error("dlopen " + path + ": " + (why ? why : "?"));
    }
  }
  ~Library() {
    if (handle_ != nullptr) dlclose(handle_);
  }
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;

  /** The exported entry `name` as a `Fn*`, or nullptr when absent. */
  template <class Fn>
  Fn* find(const char* name) const {
    return reinterpret_cast<Fn*>(dlsym(handle_, name));
  }
  /** Like find, but throws when the entry is absent. */
  template <class Fn>
  Fn* get(const char* name) const {
    Fn* fn = find<Fn>(name);
    if (fn == nullptr) throw std::runtime_error(std::string("no ") + name);
    return fn;
  }

 private:
  void* handle_;
};

/** The entries of a full backend, looked up once. */
struct Entries {
  explicit Entries(const Library& lib)
      : negotiate(lib.get<tp_negotiate_version_fn>("tp_negotiate_version")),
        context_init(lib.get<tp_context_init_fn>("tp_context_init")),
        context_shutdown(
            lib.get<tp_context_shutdown_fn>("tp_context_shutdown")),
        placeholder(lib.get<tp_placeholder_fn>("tp_placeholder")),
        variable(lib.get<tp_variable_fn>("tp_variable")),
        function(lib.get<tp_function_fn>("tp_function")),
        get_value(lib.get<tp_get_value_fn>("tp_get_value")),
        set_value(lib.get<tp_set_value_fn>("tp_set_value")),
        tensor_release(lib.get<tp_tensor_release_fn>("tp_tensor_release")),
        add_entry(lib.find<tp_op_fn>("tp_add")) {}

  tp_negotiate_version_fn* negotiate;
  tp_context_init_fn* context_init;
  tp_context_shutdown_fn* context_shutdown;
  tp_placeholder_fn* placeholder;
  tp_variable_fn* variable;
  tp_function_fn* function;
  tp_get_value_fn* get_value;
  tp_set_value_fn* set_value;
  tp_tensor_release_fn* tensor_release;
  tp_op_fn* add_entry;  // nullptr in the fixtures

  /** `add(a, b)` through the generic op entry. */
  tp_status add(tp_context* ctx, const tp_tensor* a, const tp_tensor* b,
                tp_tensor** out, tp_error* error) const {
    const tp_tensor* operands[] = {a, b};
    tp_op_args args{};
    args.struct_size = sizeof(args);
    args.num_inputs = 2;
    args.inputs = operands;
    args.num_outputs = 1;
    return add_entry(ctx, &args, out, error);
  }
};

/** A tp_error that releases its message on destruction. */
struct Error : tp_error {
  Error() : tp_error{} { struct_size = TP_ERROR_STRUCT_SIZE; }
  ~Error() { clear(); }
  Error(const Error&) = delete;
  Error& operator=(const Error&) = delete;
  void clear() {
    if (release != nullptr) release(this);
  }
  std::string text() const { return message ? message : ""; }
};

inline constexpr DLDataType kFloat32{kDLFloat, 32, 1};
inline constexpr DLDataType kFloat64{kDLFloat, 64, 1};
inline constexpr DLDataType kInt32{kDLInt, 32, 1};
inline constexpr DLDataType kInt64{kDLInt, 64, 1};
inline constexpr DLDataType kDefault{kDLFloat, 0, 1};

/** A context of a backend: tp_context_init on creation, shutdown after. */
class Context {
 public:
  Context(const Entries& e, DLDataType floatx = kFloat32) : e_(e) {
    ctx_.struct_size = TP_CONTEXT_STRUCT_SIZE;
    ctx_.api_version = {TP_VERSION_STRUCT_SIZE, TP_API_VERSION_MAJOR,
                        TP_API_VERSION_MINOR};
    ctx_.floatx = floatx;
    ctx_.epsilon = 1e-7;
    ctx_.image_data_format = TP_CHANNELS_LAST;
    ctx_.log = &Context::log;
    ctx_.log_user_data = &logs_;
    Error err;
    status_ = e_.context_init(&ctx_, &err);
    init_message_ = err.text();
  }
  ~Context() {
    if (e_.context_shutdown != nullptr) e_.context_shutdown(&ctx_);
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  tp_context* get() { return &ctx_; }
  tp_status init_status() const { return status_; }
  const std::string& init_message() const { return init_message_; }
  const std::vector<std::string>& logs() const { return logs_; }

 private:
  static void log(void* user, tp_log_level, const char* message) {
    static_cast<std::vector<std::string>*>(user)->push_back(message);
  }

  const Entries& e_;
  tp_context ctx_{};
  tp_status status_ = TP_OK;
  std::string init_message_;
  std::vector<std::string> logs_;
};

/** A value with its own storage (float32 by default), lent as a DLTensor. */
struct Value {
  std::vector<int64_t> shape;
  std::vector<unsigned char> bytes;
  std::vector<int64_t> strides;  // empty: NULL strides
  DLDataType dtype = kFloat32;

  Value(std::vector<int64_t> s, const std::vector<float>& d)
      : Value(std::move(s), d, kFloat32) {}

  /** Elements of C++ type T, labelled `dt`. */
  template <class T>
  Value(std::vector<int64_t> s, const std::vector<T>& d, DLDataType dt)
      : shape(std::move(s)),
        bytes(reinterpret_cast<const unsigned char*>(d.data()),
              reinterpret_cast<const unsigned char*>(d.data() + d.size())),
        dtype(dt) {}

  /** Valid while this Value is alive and unchanged. */
  DLTensor& tensor() {
    t_ = DLTensor{};
    t_.data = bytes.empty() ? nullptr : bytes.data();
    t_.device = DLDevice{kDLCPU, 0};
    t_.ndim = static_cast<int>(shape.size());
    t_.dtype = dtype;
    t_.shape = shape.empty() ? nullptr : shape.data();
    t_.strides = strides.empty() ? nullptr : strides.data();
    t_.byte_offset = 0;
    return t_;
  }

 private:
  DLTensor t_{};
};

/** A value read back from a DLManagedTensor (whose deleter it calls). */
struct Result {
  std::vector<int64_t> shape;
  std::vector<float> data;
  DLDataType dtype{};
  bool contiguous = false;
};

inline Result take(DLManagedTensor* m) {
  Result r;
  if (m == nullptr) throw std::runtime_error("take: NULL tensor");
  const DLTensor& t = m->dl_tensor;
  r.shape.assign(t.shape, t.shape + t.ndim);
  r.dtype = t.dtype;
  r.contiguous = t.strides == nullptr;
  std::size_t n = 1;
  for (int64_t d : r.shape) n *= static_cast<std::size_t>(d);
  const auto* p = reinterpret_cast<const float*>(
      static_cast<const char*>(t.data) + t.byte_offset);
  r.data.assign(p, p + n);
  if (m->deleter != nullptr) m->deleter(m);
  return r;
}

/** A compiled function; released on destruction. */
struct Callable : tp_callable {
  Callable() : tp_callable{} { struct_size = TP_CALLABLE_STRUCT_SIZE; }
  ~Callable() {
    if (release != nullptr) release(this);
  }
  Callable(const Callable&) = delete;
  Callable& operator=(const Callable&) = delete;

  /** Calls with `inputs`; fills `outputs` (taken) on success. */
  tp_status operator()(tp_context* ctx, std::vector<Value*> inputs,
                       std::size_t num_outputs, std::vector<Result>& outputs,
                       Error& err) {
    std::vector<const DLTensor*> in;
    for (Value* v : inputs) in.push_back(v ? &v->tensor() : nullptr);
    std::vector<DLManagedTensor*> out(num_outputs,
                                      reinterpret_cast<DLManagedTensor*>(1));
    tp_call_args args{};
    args.struct_size = TP_CALL_ARGS_STRUCT_SIZE;
    args.num_inputs = in.size();
    args.inputs = in.data();
    args.num_outputs = out.size();
    args.outputs = out.data();
    outputs.clear();
    const tp_status st = call(this, ctx, &args, &err);
    last_slots_null = true;
    for (DLManagedTensor* m : out) {
      if (m != nullptr) last_slots_null = false;
    }
    if (st == TP_OK) {
      for (DLManagedTensor* m : out) outputs.push_back(take(m));
    }
    return st;
  }
  /** After a call: true when every output slot was NULL. */
  bool last_slots_null = false;
};

/** Builds tp_placeholder_args; `shape` must outlive their use. */
inline tp_placeholder_args placeholder_args(const std::vector<int64_t>& shape,
                                            DLDataType dtype = kDefault,
                                            const char* name = nullptr) {
  tp_placeholder_args a{};
  a.struct_size = TP_PLACEHOLDER_ARGS_STRUCT_SIZE;
  a.ndim = static_cast<int32_t>(shape.size());
  a.shape = shape.empty() ? nullptr : shape.data();
  a.dtype = dtype;
  a.name = name;
  return a;
}
/** A temporary shape would dangle. */
tp_placeholder_args placeholder_args(std::vector<int64_t>&& shape,
                                     DLDataType dtype = kDefault,
                                     const char* name = nullptr) = delete;

/** Builds tp_negotiate_args for a host whose highest version is given. */
inline tp_negotiate_args negotiate_args(
    uint32_t host_major = TP_API_VERSION_MAJOR,
    uint32_t host_minor = TP_API_VERSION_MINOR) {
  tp_negotiate_args a{};
  a.struct_size = TP_NEGOTIATE_ARGS_STRUCT_SIZE;
  a.host_max = {TP_VERSION_STRUCT_SIZE, host_major, host_minor};
  return a;
}

/** Builds tp_variable_args; `value` must outlive their use. */
inline tp_variable_args variable_args(const DLTensor& value,
                                      DLDataType dtype = DLDataType{},
                                      const char* name = nullptr) {
  tp_variable_args a{};
  a.struct_size = TP_VARIABLE_ARGS_STRUCT_SIZE;
  a.value = &value;
  a.dtype = dtype;
  a.name = name;
  return a;
}

/** Builds tp_function_args from vectors that must outlive the call. */
inline tp_function_args function_args(
    const std::vector<tp_tensor*>& inputs,
    const std::vector<tp_tensor*>& outputs,
    const std::vector<tp_tensor*>& update_variables = {},
    const std::vector<tp_tensor*>& update_values = {},
    const char* name = nullptr) {
  tp_function_args a{};
  a.struct_size = TP_FUNCTION_ARGS_STRUCT_SIZE;
  a.num_inputs = inputs.size();
  a.inputs = inputs.data();
  a.num_outputs = outputs.size();
  a.outputs = outputs.data();
  a.num_updates = update_variables.size();
  a.update_variables = update_variables.data();
  a.update_values = update_values.data();
  a.name = name;
  return a;
}

/**
 * A loaded plugin with its entries and one initialised context, plus helpers
 * that build the graph and REQUIRE each entry to succeed (Catch assertions:
 * use them on the test's thread only).
 */
struct Session {
  explicit Session(const std::string& path, DLDataType floatx = kFloat32)
      : lib(path), e(lib), ctx(e, floatx) {}

  Library lib;
  Entries e;
  Context ctx;

  tp_tensor* placeholder(const std::vector<int64_t>& shape,
                         const char* name = nullptr) {
    auto args = placeholder_args(shape, kDefault, name);
    tp_tensor* t = nullptr;
    Error err;
    REQUIRE(e.placeholder(ctx.get(), &args, &t, &err) == TP_OK);
    REQUIRE(t != nullptr);
    return t;
  }
  tp_tensor* variable(Value value, const char* name = nullptr) {
    auto args = variable_args(value.tensor(), DLDataType{}, name);
    tp_tensor* t = nullptr;
    Error err;
    REQUIRE(e.variable(ctx.get(), &args, &t, &err) == TP_OK);
    REQUIRE(t != nullptr);
    return t;
  }
  tp_tensor* add(tp_tensor* a, tp_tensor* b) {
    tp_tensor* t = nullptr;
    Error err;
    REQUIRE(e.add(ctx.get(), a, b, &t, &err) == TP_OK);
    REQUIRE(t != nullptr);
    return t;
  }
  /** Compiles `f` (see function_args), REQUIRing success. */
  void compile(Callable& f, const std::vector<tp_tensor*>& inputs,
               const std::vector<tp_tensor*>& outputs,
               const std::vector<tp_tensor*>& update_variables = {},
               const std::vector<tp_tensor*>& update_values = {},
               const char* name = nullptr) {
    auto args =
        function_args(inputs, outputs, update_variables, update_values, name);
    Error err;
    REQUIRE(e.function(ctx.get(), &args, &f, &err) == TP_OK);
  }
  Result value_of(tp_tensor* v) {
    DLManagedTensor* m = nullptr;
    Error err;
    REQUIRE(e.get_value(ctx.get(), v, &m, &err) == TP_OK);
    return take(m);
  }
};

}  // namespace raw
