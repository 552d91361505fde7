/**
 * \file tensorplug/plugin.hpp
 * \brief Optional header-only C++ helpers for authors of tensorplug backends.
 *
 * Nothing here is part of the ABI: a plugin may ignore this header and speak
 * plugin_api.h directly, in C. It needs C++17 and the standard library only,
 * so third-party plugins can use it (examples/conformance_plugin/ does).
 *
 * - `TP_CPP_EXPORT` marks an entry definition: `extern "C"` + `TP_EXPORT`.
 * - `tp::Error` is the exception an entry's implementation throws to fail with
 *   a given status; `tp::guard` runs the implementation and turns *every*
 *   exception into a status and a message (no exception crosses the C ABI).
 * - `tp::set_error` fills a caller's `tp_error` with a malloc'd message.
 * - DLPack helpers: dtypes, checked sizes, strided copies, DLManagedTensors.
 *
 * Everything is declared in `namespace tp` with hidden visibility (on
 * GCC/Clang), so two plugins built against different versions of this header
 * never bind to each other's copies; the price is that a `tp::Error` must be
 * caught in the shared library that threw it (`tp::guard` does so).
 * Typical entry (a tp_op_fn, as every op; `add_node` is the backend's own):
 * ```cpp
 * #include <tensorplug/plugin.hpp>
 * tp_tensor* add_node(tp_context* ctx, const tp_tensor* x, const tp_tensor* y);
 * TP_CPP_EXPORT tp_status tp_add(tp_context* ctx, const tp_op_args* args,
 *                                tp_tensor** outputs, tp_error* error) {
 *   return tp::guard(error, "add", [&] {
 *     if (args->num_inputs != 2) throw tp::Error(
 *         TP_ERROR_INVALID_ARGUMENT, "add: takes 2 operands (x, y)");
 *     outputs[0] = add_node(ctx, args->inputs[0], args->inputs[1]);
 *   });
 * }
 * ```
 */
#ifndef TENSORPLUG_PLUGIN_HPP_
#define TENSORPLUG_PLUGIN_HPP_

#include <tensorplug/plugin_api.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

/** Marks an entry definition: C linkage, exported from the plugin. */
#define TP_CPP_EXPORT extern "C" TP_EXPORT

#if defined(__GNUC__) || defined(__clang__)
#define TP_CPP_HIDDEN_ __attribute__((visibility("hidden")))
#else
#define TP_CPP_HIDDEN_
#endif

namespace tp TP_CPP_HIDDEN_ {

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

/**
 * Thrown by a plugin's implementation to fail the current entry with
 * `status`; `tp::guard` reports `what()` verbatim, so the message should name
 * the entry or op ("add: cannot broadcast shapes (2, 3) and (4,)").
 */
class Error : public std::runtime_error {
 public:
  Error(tp_status status, std::string message)
      : std::runtime_error(std::move(message)), status_(status) {}
  tp_status status() const noexcept { return status_; }

 private:
  tp_status status_;
};

namespace detail {

/**
 * The `release` that set_error installs: frees the malloc'd `message` and
 * zeroes the struct except `struct_size`, as plugin_api.h requires.
 */
inline void release_error_message(tp_error* error) noexcept {
  if (error == nullptr) return;
  std::free(error->message);
  const std::size_t size = error->struct_size;
  std::memset(error, 0, size < sizeof(tp_error) ? size : sizeof(tp_error));
  error->struct_size = size;
}

/**
 * Fills `error` with the concatenation of the parts (any may be empty).
 * Never throws: when memory is short the message is dropped. The message is
 * owned by `error` until its `release` runs.
 */
inline tp_status set_error_parts(tp_error* error, tp_status status,
                                 std::string_view a, std::string_view b = {},
                                 std::string_view c = {}) noexcept {
  if (error == nullptr || !TP_HAS_FIELD(error, tp_error, release)) {
    return status;
  }
  if (error->release != nullptr) error->release(error);  // an earlier message
  const std::size_t len = a.size() + b.size() + c.size();
  auto* message = static_cast<char*>(std::malloc(len + 1));
  if (message == nullptr) return status;
  char* p = message;
  for (std::string_view part : {a, b, c}) {
    if (!part.empty()) std::memcpy(p, part.data(), part.size());
    p += part.size();
  }
  *p = '\0';
  error->message = message;
  error->release = &release_error_message;
  return status;
}

}  // namespace detail

/**
 * Fills the caller's `error` (NULL-safe; fields beyond `struct_size` are
 * never touched) with a malloc'd copy of `message` and a `release` that frees
 * it. A message already in `error` is released first. Returns `status`, so
 * `return tp::set_error(error, TP_ERROR_SHAPE, "...");` reads naturally.
 */
inline tp_status set_error(tp_error* error, tp_status status,
                           std::string_view message) noexcept {
  return detail::set_error_parts(error, status, message);
}

/**
 * Runs `f()` and translates anything it throws into a status (a catch-all
 * at each extern "C" function, so that no exception crosses the C ABI):
 *
 * - `tp::Error`         -> its status, message `what()` verbatim;
 * - `std::bad_alloc`    -> TP_ERROR_OUT_OF_MEMORY, "<entry>: out of memory";
 * - `std::exception`    -> TP_ERROR_INTERNAL, "<entry>: <what()>";
 * - anything else       -> TP_ERROR_INTERNAL, "<entry>: unknown exception".
 *
 * `f` returns void (success is TP_OK) or a tp_status (returned as is).
 * `entry` is the Keras name of the entry, borrowed for the call.
 */
template <class F>
tp_status guard(tp_error* error, const char* entry, F&& f) noexcept {
  const std::string_view name = entry != nullptr ? entry : "entry";
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
      f();
      return TP_OK;
    } else {
      return static_cast<tp_status>(f());
    }
  } catch (const Error& e) {
    return detail::set_error_parts(error, e.status(), e.what());
  } catch (const std::bad_alloc&) {
    return detail::set_error_parts(error, TP_ERROR_OUT_OF_MEMORY, name,
                                   ": out of memory");
  } catch (const std::exception& e) {
    return detail::set_error_parts(error, TP_ERROR_INTERNAL, name, ": ",
                                   e.what());
  } catch (...) {
    return detail::set_error_parts(error, TP_ERROR_INTERNAL, name,
                                   ": unknown exception");
  }
}

/* ------------------------------------------------------------------------ */
/* DLPack data types                                                         */
/* ------------------------------------------------------------------------ */

namespace dtype {
inline constexpr DLDataType float16{kDLFloat, 16, 1};
inline constexpr DLDataType float32{kDLFloat, 32, 1};
inline constexpr DLDataType float64{kDLFloat, 64, 1};
inline constexpr DLDataType bfloat16{kDLBfloat, 16, 1};
inline constexpr DLDataType int8{kDLInt, 8, 1};
inline constexpr DLDataType int16{kDLInt, 16, 1};
inline constexpr DLDataType int32{kDLInt, 32, 1};
inline constexpr DLDataType int64{kDLInt, 64, 1};
inline constexpr DLDataType uint8{kDLUInt, 8, 1};
inline constexpr DLDataType uint16{kDLUInt, 16, 1};
inline constexpr DLDataType uint32{kDLUInt, 32, 1};
inline constexpr DLDataType uint64{kDLUInt, 64, 1};
/** bits == 0: "the context's floatx" where a dtype is an input. */
inline constexpr DLDataType default_float{kDLFloat, 0, 1};
}  // namespace dtype

/** True when both dtypes are the same (code, bits and lanes). */
constexpr bool dtype_equal(DLDataType a, DLDataType b) noexcept {
  return a.code == b.code && a.bits == b.bits && a.lanes == b.lanes;
}

/**
 * The NumPy-style name of a dtype: "float32", "int64", "uint8", "bfloat16",
 * "complex64"; "float32x4" for 4 lanes; "dtype(code=9, bits=32, lanes=1)"
 * for an unknown code.
 */
inline std::string dtype_name(DLDataType dt) {
  const char* base = nullptr;
  switch (dt.code) {
    case kDLInt:
      base = "int";
      break;
    case kDLUInt:
      base = "uint";
      break;
    case kDLFloat:
      base = "float";
      break;
    case kDLBfloat:
      base = "bfloat";
      break;
    case kDLComplex:
      base = "complex";
      break;
    default:
      break;
  }
  if (base == nullptr) {
    return "dtype(code=" + std::to_string(dt.code) +
           ", bits=" + std::to_string(dt.bits) +
           ", lanes=" + std::to_string(dt.lanes) + ")";
  }
  std::string name = base + std::to_string(dt.bits);
  if (dt.lanes != 1) name += "x" + std::to_string(dt.lanes);
  return name;
}

/** Bytes per element: (bits * lanes + 7) / 8; 0 when bits or lanes is 0. */
constexpr std::size_t element_size(DLDataType dt) noexcept {
  return (static_cast<std::size_t>(dt.bits) * dt.lanes + 7) / 8;
}

/* ------------------------------------------------------------------------ */
/* DLPack tensors                                                            */
/* ------------------------------------------------------------------------ */

/**
 * The number of elements of a shape (`ndim` sizes at `shape`, borrowed for
 * the call), or nothing when a size is negative
 * (including TP_DIM_UNKNOWN), `ndim` is negative, `shape` is NULL with
 * ndim > 0, or the count (or the byte size of `element_bytes`-byte elements)
 * overflows size_t. A scalar (ndim 0) has one element.
 */
inline std::optional<std::size_t> checked_element_count(
    const int64_t* shape, int ndim, std::size_t element_bytes = 1) noexcept {
  if (ndim < 0 || (ndim > 0 && shape == nullptr)) return std::nullopt;
  std::size_t count = 1;
  bool zero = false;
  for (int i = 0; i < ndim; ++i) {
    if (shape[i] < 0) return std::nullopt;
    if (shape[i] == 0) zero = true;
  }
  if (zero) return std::size_t{0};  // no overflow possible
  const std::size_t limit =
      std::numeric_limits<std::size_t>::max() /
      (element_bytes == 0 ? std::size_t{1} : element_bytes);
  for (int i = 0; i < ndim; ++i) {
    const auto dim = static_cast<std::uint64_t>(shape[i]);
    if (dim > limit / count) return std::nullopt;
    count *= static_cast<std::size_t>(dim);
  }
  return count;
}

/**
 * The number of elements of `t`. Throws tp::Error(TP_ERROR_INVALID_ARGUMENT)
 * naming `entry` when the shape is invalid or its byte size overflows.
 */
inline std::size_t element_count(const DLTensor& t,
                                 const char* entry = "tensor") {
  const auto count =
      checked_element_count(t.shape, t.ndim, element_size(t.dtype));
  if (!count) {
    throw Error(TP_ERROR_INVALID_ARGUMENT,
                std::string(entry) +
                    ": invalid DLTensor shape (negative size, NULL shape "
                    "or too many elements)");
  }
  return *count;
}

/**
 * True when `t` is laid out row-major without gaps: `strides` is NULL, or
 * each stride of a dimension of size > 1 equals the product of the sizes
 * after it (dimensions of size 1 may have any stride), or `t` is empty.
 */
inline bool is_contiguous(const DLTensor& t) noexcept {
  if (t.strides == nullptr || t.ndim <= 0) return true;
  int64_t expected = 1;
  for (int i = t.ndim - 1; i >= 0; --i) {
    if (t.shape[i] == 0) return true;
    if (t.shape[i] != 1 && t.strides[i] != expected) return false;
    expected *= t.shape[i];
  }
  return true;
}

/** True when the data of `t` lives in ordinary host memory. */
constexpr bool is_cpu(const DLTensor& t) noexcept {
  return t.device.device_type == kDLCPU;
}

/**
 * Copies the elements of `src` (any strides, including negative and zero
 * ones; `byte_offset` honoured) into `dst` in row-major order. `dst` must
 * hold element_count(src) * element_size(src.dtype) bytes; neither buffer is
 * retained. `src` must have a valid shape (see element_count). Throws
 * std::bad_alloc only (for the index of a strided copy).
 */
inline void copy_to_contiguous(const DLTensor& src, void* dst) {
  const std::size_t elem = element_size(src.dtype);
  const auto count = checked_element_count(src.shape, src.ndim, elem);
  if (!count || *count == 0) return;
  const auto* base =
      static_cast<const unsigned char*>(src.data) + src.byte_offset;
  auto* out = static_cast<unsigned char*>(dst);
  if (is_contiguous(src)) {
    std::memcpy(out, base, *count * elem);
    return;
  }
  // Odometer over the indices; the innermost dimension is a strided loop.
  const int nd = src.ndim;
  const int64_t inner = src.shape[nd - 1];
  const int64_t inner_stride = src.strides[nd - 1];
  std::vector<int64_t> index_storage(static_cast<std::size_t>(nd), 0);
  int64_t* index = index_storage.data();
  for (std::size_t done = 0; done < *count;
       done += static_cast<std::size_t>(inner)) {
    int64_t offset = 0;
    for (int d = 0; d < nd - 1; ++d) offset += index[d] * src.strides[d];
    for (int64_t i = 0; i < inner; ++i) {
      std::memcpy(out, base + (offset + i * inner_stride) * int64_t(elem),
                  elem);
      out += elem;
    }
    for (int d = nd - 2; d >= 0; --d) {
      if (++index[d] < src.shape[d]) break;
      index[d] = 0;
    }
  }
}

/** Calls a DLManagedTensor's deleter (if any); for std::unique_ptr. */
struct ManagedTensorDeleter {
  void operator()(DLManagedTensor* t) const noexcept {
    if (t != nullptr && t->deleter != nullptr) t->deleter(t);
  }
};
/** An owned DLManagedTensor: `release()` it to hand it to the caller. */
using ManagedTensorPtr = std::unique_ptr<DLManagedTensor, ManagedTensorDeleter>;

namespace detail {
/** Layout of make_managed_tensor's block: the tensor, then the shape. */
inline void delete_managed_tensor(DLManagedTensor* self) noexcept {
  if (self == nullptr) return;
  std::free(self->dl_tensor.data);
  std::free(self);  // the shape lives in the same block
}
}  // namespace detail

/**
 * A new zero-filled, contiguous CPU tensor of `shape` (`ndim` sizes, each
 * >= 0; borrowed) and `dtype` (not the default dtype). The DLManagedTensor
 * and its shape are one malloc'd block, the data another (at least one byte,
 * so `data` is never NULL); `strides` is NULL, `manager_ctx` NULL, and
 * `deleter` frees both blocks. Owned by the caller, who calls `deleter`
 * exactly once (ManagedTensorPtr does). Throws tp::Error on an invalid shape
 * or dtype, std::bad_alloc when memory is short.
 */
inline ManagedTensorPtr make_managed_tensor(const int64_t* shape, int ndim,
                                            DLDataType dtype) {
  const std::size_t elem = element_size(dtype);
  if (elem == 0) {
    throw Error(TP_ERROR_DTYPE,
                "cannot allocate a tensor of dtype " + dtype_name(dtype));
  }
  const auto count = checked_element_count(shape, ndim, elem);
  if (!count) {
    throw Error(TP_ERROR_INVALID_ARGUMENT,
                "cannot allocate a tensor of an invalid shape");
  }
  const std::size_t header = sizeof(DLManagedTensor) +
                             static_cast<std::size_t>(ndim) * sizeof(int64_t);
  auto* block = static_cast<DLManagedTensor*>(std::calloc(1, header));
  if (block == nullptr) throw std::bad_alloc();
  void* data = std::calloc(*count == 0 ? 1 : *count, elem);
  if (data == nullptr) {
    std::free(block);
    throw std::bad_alloc();
  }
  auto* dims = reinterpret_cast<int64_t*>(block + 1);
  if (ndim > 0)
    std::memcpy(dims, shape, static_cast<std::size_t>(ndim) * sizeof(int64_t));
  block->dl_tensor.data = data;
  block->dl_tensor.device = DLDevice{kDLCPU, 0};
  block->dl_tensor.ndim = ndim;
  block->dl_tensor.dtype = dtype;
  block->dl_tensor.shape = ndim > 0 ? dims : nullptr;
  block->dl_tensor.strides = nullptr;
  block->dl_tensor.byte_offset = 0;
  block->manager_ctx = nullptr;
  block->deleter = &detail::delete_managed_tensor;
  return ManagedTensorPtr(block);
}

}  // namespace TP_CPP_HIDDEN_

#undef TP_CPP_HIDDEN_

#endif  // TENSORPLUG_PLUGIN_HPP_
