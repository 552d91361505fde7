#include "graph.hpp"

#include <tensorplug/toolkit/dtype.hpp>
#include <tensorplug/toolkit/ops/op.hpp>
#include <tensorplug/toolkit/text.hpp>

#include <cstring>

namespace tftf {

using tptk::cat;
using tptk::fail;

TF_DataType tf_dtype(DLDataType dt) {
  if (tp::dtype_equal(dt, tptk::kFloat32)) return TF_FLOAT;
  if (tp::dtype_equal(dt, tptk::kFloat64)) return TF_DOUBLE;
  if (tp::dtype_equal(dt, tptk::kFloat16)) return TF_HALF;
  if (tp::dtype_equal(dt, tptk::kInt32)) return TF_INT32;
  if (tp::dtype_equal(dt, tptk::kInt64)) return TF_INT64;
  if (tp::dtype_equal(dt, tptk::kBool)) return TF_BOOL;
  fail(TP_ERROR_DTYPE, "tensorflow: dtype ", tptk::dtype_label(dt),
       " has no TensorFlow element type here");
}

DLDataType dl_dtype(TF_DataType type) {
  switch (type) {
    case TF_FLOAT:
      return tptk::kFloat32;
    case TF_DOUBLE:
      return tptk::kFloat64;
    case TF_HALF:
      return tptk::kFloat16;
    case TF_INT32:
      return tptk::kInt32;
    case TF_INT64:
      return tptk::kInt64;
    case TF_BOOL:
      return tptk::kBool;
    default:
      break;
  }
  fail(TP_ERROR_INTERNAL, "tensorflow: TensorFlow returned element type ",
       static_cast<int>(type), ", which the backend does not map");
}

Status::Status() : s_(api().TF_NewStatus()) {
  if (s_ == nullptr) fail(TP_ERROR_OUT_OF_MEMORY, "tensorflow: TF_NewStatus");
}
Status::~Status() { api().TF_DeleteStatus(s_); }
bool Status::ok() const { return api().TF_GetCode(s_) == TF_OK; }
std::string Status::message() const { return api().TF_Message(s_); }

void Status::check(const std::string& what) const {
  const TF_Code code = api().TF_GetCode(s_);
  if (code == TF_OK) return;
  tp_status status = TP_ERROR_INTERNAL;
  if (code == TF_INVALID_ARGUMENT || code == TF_OUT_OF_RANGE) {
    status = TP_ERROR_INVALID_ARGUMENT;
  } else if (code == TF_RESOURCE_EXHAUSTED) {
    status = TP_ERROR_OUT_OF_MEMORY;
  } else if (code == TF_UNIMPLEMENTED) {
    status = TP_ERROR_NOT_IMPLEMENTED;
  }
  throw tp::Error(status, cat(what, ": ", message()));
}

OpBuilder::OpBuilder(Builder& b, const char* type, const char* name)
    : b_(b),
      type_(type),
      desc_(b.tf().TF_NewOperation(
          b.graph(), type,
          b.fresh_name(name != nullptr ? name : type).c_str())) {}

OpBuilder& OpBuilder::in(TF_Output x) {
  if (x.oper == nullptr) {
    fail(TP_ERROR_INTERNAL, "tensorflow: ", b_.where(), ": ", type_,
         " is given a missing input");
  }
  b_.tf().TF_AddInput(desc_, x);
  return *this;
}
OpBuilder& OpBuilder::in_list(std::span<const TF_Output> xs) {
  b_.tf().TF_AddInputList(desc_, xs.data(), static_cast<int>(xs.size()));
  return *this;
}
OpBuilder& OpBuilder::attr_type(const char* name, TF_DataType t) {
  b_.tf().TF_SetAttrType(desc_, name, t);
  return *this;
}
OpBuilder& OpBuilder::attr_type(const char* name, DLDataType t) {
  return attr_type(name, tf_dtype(t));
}
OpBuilder& OpBuilder::attr(const char* name, std::int64_t v) {
  b_.tf().TF_SetAttrInt(desc_, name, v);
  return *this;
}
OpBuilder& OpBuilder::attr(const char* name, bool v) {
  b_.tf().TF_SetAttrBool(desc_, name, v ? 1 : 0);
  return *this;
}
OpBuilder& OpBuilder::attr(const char* name, float v) {
  b_.tf().TF_SetAttrFloat(desc_, name, v);
  return *this;
}
OpBuilder& OpBuilder::attr(const char* name, const char* v) {
  b_.tf().TF_SetAttrString(desc_, name, v, std::strlen(v));
  return *this;
}
OpBuilder& OpBuilder::attr_ints(const char* name,
                                std::span<const std::int64_t> v) {
  b_.tf().TF_SetAttrIntList(desc_, name, v.data(), static_cast<int>(v.size()));
  return *this;
}
OpBuilder& OpBuilder::attr_shape(const char* name,
                                 std::span<const std::int64_t> dims, int ndim) {
  b_.tf().TF_SetAttrShape(desc_, name, dims.data(), ndim);
  return *this;
}
OpBuilder& OpBuilder::control(TF_Operation* op) {
  b_.tf().TF_AddControlInput(desc_, op);
  return *this;
}
OpBuilder& OpBuilder::attr_tensor(const char* name, TF_Tensor* t) {
  Status s;
  b_.tf().TF_SetAttrTensor(desc_, name, t, s.get());
  s.check(cat("tensorflow: ", b_.where(), ": ", type_, " attribute ", name));
  return *this;
}

TF_Operation* OpBuilder::finish() {
  Status s;
  TF_Operation* op = b_.tf().TF_FinishOperation(desc_, s.get());
  s.check(cat("tensorflow: ", b_.where(), ": TensorFlow refused ", type_));
  return op;
}

std::string Builder::where() const {
  if (node == nullptr) return "building the graph";
  return cat(tptk::quoted(node->name), " (op ",
             node->op != nullptr ? node->op->name : "?", ")");
}

std::string Builder::fresh_name(const std::string& type) {
  return cat(type, "_", next_++);
}

TF_Output Builder::constant(const tptk::Array& value) {
  TensorPtr t = tensor_copy(value);
  return op("Const")
      .attr_tensor("value", t.get())
      .attr_type("dtype", value.dtype())
      .out();
}

TF_Output Builder::scalar(double v, DLDataType dtype) {
  tptk::Array a(tptk::Shape{}, dtype);
  tptk::convert(&v, tptk::kFloat64, a.bytes(), dtype, 1, "tensorflow");
  return constant(a);
}

TF_Output Builder::int32s(std::span<const std::int64_t> values) {
  tptk::Array a(tptk::Shape{static_cast<std::int64_t>(values.size())},
                tptk::kInt32);
  for (std::size_t i = 0; i < values.size(); ++i) {
    a.data<std::int32_t>()[i] = static_cast<std::int32_t>(values[i]);
  }
  return constant(a);
}

TF_Output Builder::int32_scalar(std::int64_t v) {
  tptk::Array a(tptk::Shape{}, tptk::kInt32);
  *a.data<std::int32_t>() = static_cast<std::int32_t>(v);
  return constant(a);
}

TF_Output Builder::shape_of(TF_Output x) {
  return op("Shape").in(x).attr_type("out_type", TF_INT32).out();
}

TF_Output Builder::shape_tensor(const tptk::Shape& shape, TF_Output like) {
  if (tptk::is_fully_known(shape)) {
    return int32s(std::span<const std::int64_t>(shape.data(), shape.size()));
  }
  return shape_of(like);
}

TF_Output Builder::cast(TF_Output x, DLDataType from, DLDataType to) {
  if (tp::dtype_equal(from, to)) return x;
  return op("Cast").in(x).attr_type("DstT", to).out();
}

void TensorDeleter::operator()(TF_Tensor* t) const noexcept {
  if (t != nullptr) api().TF_DeleteTensor(t);
}

TensorPtr tensor_copy(const tptk::Array& value) {
  const tptk::Shape& shape = value.shape();
  std::vector<std::int64_t> dims(shape.begin(), shape.end());
  TensorPtr t(api().TF_AllocateTensor(tf_dtype(value.dtype()), dims.data(),
                                      static_cast<int>(dims.size()),
                                      value.nbytes()));
  if (!t) {
    fail(TP_ERROR_OUT_OF_MEMORY, "tensorflow: cannot allocate a tensor of ",
         value.nbytes(), " bytes");
  }
  if (value.nbytes() > 0) {
    std::memcpy(api().TF_TensorData(t.get()), value.bytes(), value.nbytes());
  }
  return t;
}

}  // namespace tftf
