// The example backend's plumbing: error reporting, dtypes and shapes, a
// context's handles, and DLPack values in and out.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "backend.hpp"

namespace example {
namespace {

void release_error(tp_error* error) {
  if (error == nullptr) return;
  std::free(error->message);
  const size_t size = error->struct_size;
  std::memset(error, 0, std::min(sizeof *error, size));
  error->struct_size = size;
}

}  // namespace

tp_status report(tp_error* error, tp_status status, const char* message) {
  if (error == nullptr || !TP_HAS_FIELD(error, tp_error, release)) {
    return status;
  }
  if (error->release != nullptr) error->release(error);
  const size_t len = std::strlen(message);
  char* copy = static_cast<char*>(std::malloc(len + 1));
  if (copy == nullptr) return status;
  std::memcpy(copy, message, len + 1);
  error->message = copy;
  error->release = release_error;
  return status;
}

bool same(DLDataType a, DLDataType b) {
  return a.code == b.code && a.bits == b.bits && a.lanes == b.lanes;
}
bool supported(DLDataType dt) {
  return same(dt, kFloat32) || same(dt, kFloat64);
}
std::string dtype_name(DLDataType dt) {
  if (same(dt, kFloat32)) return "float32";
  if (same(dt, kFloat64)) return "float64";
  std::ostringstream s;
  s << "dtype(code " << int(dt.code) << ", bits " << int(dt.bits) << ", lanes "
    << dt.lanes << ")";
  return s.str();
}

using Shape = std::vector<int64_t>;

std::string shape_str(const Shape& shape) {
  std::ostringstream s;
  s << "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s << ", ";
    if (shape[i] == TP_DIM_UNKNOWN) {
      s << "None";
    } else {
      s << shape[i];
    }
  }
  s << (shape.size() == 1 ? ",)" : ")");
  return s.str();
}

size_t element_count(const Shape& shape) {
  size_t n = 1;
  for (int64_t d : shape) n *= static_cast<size_t>(d);
  return n;
}

// NumPy broadcasting; TP_DIM_UNKNOWN stays unknown unless the other size
// decides it. Returns nullopt when the (known) sizes cannot combine.
std::optional<Shape> broadcast(const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()));
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t x = i < a.size() ? a[a.size() - 1 - i] : 1;
    const int64_t y = i < b.size() ? b[b.size() - 1 - i] : 1;
    int64_t r;
    if (x == y) {
      r = x;
    } else if (x == 1) {
      r = y;
    } else if (y == 1) {
      r = x;
    } else if (x == TP_DIM_UNKNOWN || y == TP_DIM_UNKNOWN) {
      r = x == TP_DIM_UNKNOWN ? y : x;  // the unknown one must be 1 or equal
    } else {
      return std::nullopt;
    }
    out[out.size() - 1 - i] = r;
  }
  return out;
}

State& state_of(tp_context* context, const char* entry) {
  if (context == nullptr || context->backend_state == nullptr) {
    fail(TP_ERROR_INVALID_ARGUMENT,
         std::string(entry) + ": context is NULL or not initialised");
  }
  return *static_cast<State*>(context->backend_state);
}

Node node_of(State& state, const tp_tensor* t, const char* entry,
             const char* what) {
  auto it = t == nullptr ? state.handles.end() : state.handles.find(t);
  if (it == state.handles.end()) {
    fail(TP_ERROR_INVALID_ARGUMENT,
         std::string(entry) + ": " + what +
             (t == nullptr ? " is NULL" : " is not a tensor of this context"));
  }
  return it->second;
}

// Reads a borrowed CPU DLTensor (strided or not) into doubles.
std::vector<double> read_values(const DLTensor& t, const char* entry) {
  if (t.device.device_type != kDLCPU) {
    fail(TP_ERROR_INVALID_ARGUMENT,
         std::string(entry) + ": the value is not in CPU memory");
  }
  if (!supported(t.dtype)) {
    fail(TP_ERROR_DTYPE, std::string(entry) + ": the value has dtype " +
                             dtype_name(t.dtype) +
                             " (supported: float32, float64)");
  }
  if (t.ndim < 0 || (t.ndim > 0 && t.shape == nullptr)) {
    fail(TP_ERROR_INVALID_ARGUMENT, std::string(entry) + ": bad value shape");
  }
  const Shape shape(t.shape, t.shape + t.ndim);
  for (int64_t d : shape) {
    if (d < 0) {
      fail(TP_ERROR_SHAPE, std::string(entry) + ": the value's shape " +
                               shape_str(shape) + " has a negative size");
    }
  }
  const size_t n = element_count(shape);
  std::vector<double> out(n);
  if (n == 0) return out;
  if (t.data == nullptr) {
    fail(TP_ERROR_INVALID_ARGUMENT,
         std::string(entry) + ": value data is NULL");
  }
  const char* base = static_cast<const char*>(t.data) + t.byte_offset;
  const size_t item = t.dtype.bits / 8;
  std::vector<int64_t> index(shape.size(), 0);
  for (size_t flat = 0; flat < n; ++flat) {
    int64_t offset = 0;  // in elements
    int64_t stride = 1;
    for (size_t d = shape.size(); d-- > 0;) {
      const int64_t s = t.strides != nullptr ? t.strides[d] : stride;
      offset += index[d] * s;
      stride *= shape[d];
    }
    const char* p = base + offset * static_cast<int64_t>(item);
    if (item == 4) {
      float f;
      std::memcpy(&f, p, 4);
      out[flat] = f;
    } else {
      std::memcpy(&out[flat], p, 8);
    }
    for (size_t d = shape.size(); d-- > 0;) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

// Rounds to the dtype (values of a float32 tensor are stored as doubles that
// are exactly representable in float32).
void round_to(DLDataType dtype, std::vector<double>& values) {
  if (same(dtype, kFloat32)) {
    for (double& v : values) v = static_cast<float>(v);
  }
}

// A compact, row-major, caller-owned copy (rule TP_ABI_11).
struct Owned {
  DLManagedTensor managed;
  Shape shape;
  std::vector<char> bytes;
};

void delete_owned(DLManagedTensor* self) {
  delete static_cast<Owned*>(self->manager_ctx);
}

DLManagedTensor* make_output(DLDataType dtype, const Shape& shape,
                             const std::vector<double>& values) {
  auto owned = std::make_unique<Owned>();
  owned->shape = shape;
  const size_t item = dtype.bits / 8;
  owned->bytes.resize(std::max<size_t>(1, values.size() * item));
  for (size_t i = 0; i < values.size(); ++i) {
    if (item == 4) {
      const float f = static_cast<float>(values[i]);
      std::memcpy(owned->bytes.data() + i * 4, &f, 4);
    } else {
      std::memcpy(owned->bytes.data() + i * 8, &values[i], 8);
    }
  }
  DLTensor& t = owned->managed.dl_tensor;
  t.data = owned->bytes.data();
  t.device = {kDLCPU, 0};
  t.ndim = static_cast<int32_t>(shape.size());
  t.dtype = dtype;
  t.shape = owned->shape.data();
  t.strides = nullptr;
  t.byte_offset = 0;
  owned->managed.manager_ctx = owned.get();
  owned->managed.deleter = delete_owned;
  return &owned.release()->managed;
}

}  // namespace example
