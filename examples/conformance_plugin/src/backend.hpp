// The example backend's internals, shared by its source files: errors,
// dtypes and shapes, the graph node behind tp_tensor, a context's state,
// DLPack values, evaluation and callables. Only <tensorplug/plugin_api.h> is
// used: nothing of tensorplug's own code.
#pragma once

#include <tensorplug/plugin_api.h>

#include <cstdint>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace example {

// ---------------------------------------------------------------------------
// Errors: every entry runs inside guard(), which turns a thrown Failure into
// a status and a message, and anything else into TP_ERROR_INTERNAL.
// ---------------------------------------------------------------------------

struct Failure : std::runtime_error {
  tp_status status;
  Failure(tp_status s, const std::string& message)
      : std::runtime_error(message), status(s) {}
};

[[noreturn]] inline void fail(tp_status status, const std::string& message) {
  throw Failure(status, message);
}

/// Fills `error` (if the caller gave one) with a copy of `message`.
tp_status report(tp_error* error, tp_status status, const char* message);

template <typename F>
tp_status guard(tp_error* error, F&& body) noexcept {
  try {
    body();
    return TP_OK;
  } catch (const Failure& f) {
    return report(error, f.status, f.what());
  } catch (const std::bad_alloc&) {
    return report(error, TP_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return report(error, TP_ERROR_INTERNAL, e.what());
  } catch (...) {
    return report(error, TP_ERROR_INTERNAL, "unknown exception");
  }
}

// ---------------------------------------------------------------------------
// Dtypes and shapes
// ---------------------------------------------------------------------------

inline constexpr DLDataType kFloat32{kDLFloat, 32, 1};
inline constexpr DLDataType kFloat64{kDLFloat, 64, 1};
/// What `capabilities` declares.
inline constexpr DLDataType kSupported[] = {kFloat32, kFloat64};

bool same(DLDataType a, DLDataType b);
bool supported(DLDataType dt);
std::string dtype_name(DLDataType dt);

using Shape = std::vector<int64_t>;

/// "(None, 3)", "(4,)", "()".
std::string shape_str(const Shape& shape);
size_t element_count(const Shape& shape);
/// NumPy broadcasting; TP_DIM_UNKNOWN stays unknown unless the other size
/// decides it. nullopt when the (known) sizes cannot combine.
std::optional<Shape> broadcast(const Shape& a, const Shape& b);

// ---------------------------------------------------------------------------
// Graph
// ---------------------------------------------------------------------------

enum class Kind { kPlaceholder, kVariable, kAdd, kMultiply, kRelu };

struct Relu {
  double alpha = 0.0;
  std::optional<double> max_value;
  double threshold = 0.0;
};

inline const char* op_name(Kind kind) {
  return kind == Kind::kAdd        ? "add"
         : kind == Kind::kMultiply ? "multiply"
                                   : "relu";
}

}  // namespace example

// The backend's definition of the opaque tp_tensor: a graph node.
struct tp_tensor {
  example::Kind kind;
  DLDataType dtype;
  example::Shape shape;
  std::string name;
  std::vector<std::shared_ptr<tp_tensor>> inputs;  // ops only
  example::Relu relu;                              // relu only
  std::vector<double> value;                       // variables only
};

namespace example {

using Node = std::shared_ptr<tp_tensor>;

// A context's state: the handles it gave out. Nodes keep their inputs alive
// and callables keep their nodes alive, so tensor_release only drops the
// caller's reference (rule TP_ABI_14).
struct State {
  std::map<const tp_tensor*, Node> handles;
  long next_id = 0;

  Node add(Node node) {
    handles.emplace(node.get(), node);
    return node;
  }
  std::string make_name(const char* prefix) {
    return std::string(prefix) + "_" + std::to_string(next_id++);
  }
  // tensor_info never reports a NULL or empty name (TP_ABI_19): an unnamed
  // tensor (NULL or "") gets a made-up one.
  std::string name_or_make(const char* given, const char* prefix) {
    return given != nullptr && *given != '\0' ? given : make_name(prefix);
  }
};

/// The context's state; fails when the context is NULL or not initialised.
State& state_of(tp_context* context, const char* entry);
/// The node behind a handle of this context; fails on NULL or a stranger.
Node node_of(State& state, const tp_tensor* t, const char* entry,
             const char* what);

// ---------------------------------------------------------------------------
// Values (DLPack)
// ---------------------------------------------------------------------------

/// Reads a borrowed CPU DLTensor (strided or not) into doubles.
std::vector<double> read_values(const DLTensor& t, const char* entry);
/// Rounds to the dtype (a float32 tensor's values are doubles exactly
/// representable in float32).
void round_to(DLDataType dtype, std::vector<double>& values);
/// A compact, row-major, caller-owned copy (rule TP_ABI_11).
DLManagedTensor* make_output(DLDataType dtype, const Shape& shape,
                             const std::vector<double>& values);

// ---------------------------------------------------------------------------
// Callables (graph.cpp) and ops (ops.cpp)
// ---------------------------------------------------------------------------

struct Callable {
  std::vector<Node> inputs, outputs, update_variables, update_values;
};
/// tp_callable.call and .release for a Callable in private_data.
tp_status call(tp_callable* self, tp_context* context, const tp_call_args* args,
               tp_error* error);
void release_callable(tp_callable* self);

tp_status binary_op(Kind kind, tp_context* context, const tp_op_args* args,
                    tp_tensor** outputs, tp_error* error);
tp_status relu_op(tp_context* context, const tp_op_args* args,
                  tp_tensor** outputs, tp_error* error);

}  // namespace example
