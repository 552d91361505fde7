// Building a TF_Graph from C++: a thin, checked layer over TF_NewOperation /
// TF_FinishOperation for the translations (translate.hpp). Every failure
// becomes a tp::Error naming the toolkit node being translated, the TF op
// type and TensorFlow's own message.
#pragma once

#include <tensorplug/toolkit/array.hpp>
#include <tensorplug/toolkit/node.hpp>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tf_api.hpp"

namespace tftf {

/** TF's element type for a DLPack dtype the backend supports; throws. */
TF_DataType tf_dtype(DLDataType dtype);
/** The DLPack dtype of a TF element type; throws for one it does not map. */
DLDataType dl_dtype(TF_DataType type);

/** Owns a TF_Status; `check` throws its message as tp::Error. */
class Status {
 public:
  Status();
  ~Status();
  Status(const Status&) = delete;
  Status& operator=(const Status&) = delete;
  TF_Status* get() const noexcept { return s_; }
  bool ok() const;
  std::string message() const;
  /** Throws tp::Error(status_code, cat(what, ": ", TF's message)) if failed. */
  void check(const std::string& what) const;

 private:
  TF_Status* s_;
};

class Builder;

/** One operation being described; `out()` or `finish()` adds it. */
class OpBuilder {
 public:
  /** `name`: the prefix of the op's graph name (TF's messages show it);
   * null for the type. */
  OpBuilder(Builder& b, const char* type, const char* name = nullptr);
  OpBuilder(OpBuilder&&) = delete;

  OpBuilder& in(TF_Output x);
  OpBuilder& in_list(std::span<const TF_Output> xs);
  OpBuilder& attr_type(const char* name, TF_DataType t);
  OpBuilder& attr_type(const char* name, DLDataType t);
  OpBuilder& attr(const char* name, std::int64_t v);
  OpBuilder& attr(const char* name, int v) {
    return attr(name, static_cast<std::int64_t>(v));
  }
  OpBuilder& attr(const char* name, bool v);
  OpBuilder& attr(const char* name, float v);
  OpBuilder& attr(const char* name, const char* v);
  OpBuilder& attr(const char* name, const std::string& v) {
    return attr(name, v.c_str());
  }
  OpBuilder& attr_ints(const char* name, std::span<const std::int64_t> v);
  OpBuilder& attr_ints(const char* name,
                       std::initializer_list<std::int64_t> v) {
    return attr_ints(name, std::span<const std::int64_t>(v.begin(), v.size()));
  }
  /** A shape attribute; -1 for an unknown dim, ndim -1 for unknown rank. */
  OpBuilder& attr_shape(const char* name, std::span<const std::int64_t> dims,
                        int ndim);
  /** Runs after `op` (a control dependency: an Assert, say). */
  OpBuilder& control(TF_Operation* op);
  /** A tensor attribute (Const's value); the tensor is copied by TF. */
  OpBuilder& attr_tensor(const char* name, TF_Tensor* t);

  /** Adds the operation to the graph; throws with TF's message. */
  TF_Operation* finish();
  /** finish(), then its output `index`. */
  TF_Output out(int index = 0) { return {finish(), index}; }

 private:
  Builder& b_;
  std::string type_;
  TF_OperationDescription* desc_;
};

/**
 * The graph of one compiled function, being built. `node` (set by the
 * executor while it translates a toolkit node) only names messages.
 */
class Builder {
 public:
  Builder(const Api& tf, TF_Graph* graph) : tf_(tf), graph_(graph) {}

  const Api& tf() const noexcept { return tf_; }
  TF_Graph* graph() const noexcept { return graph_; }

  /** Starts an operation of TF type `type` ("MatMul") with a fresh name. */
  OpBuilder op(const char* type) { return OpBuilder(*this, type); }
  /** The same, named `name`_<n> in the graph (TF's messages show it). */
  OpBuilder op_named(const char* type, const std::string& name) {
    return OpBuilder(*this, type, name.c_str());
  }

  /** A Const holding a copy of `value`. */
  TF_Output constant(const tptk::Array& value);
  /** A scalar Const of `dtype` (any supported dtype) with value `v`. */
  TF_Output scalar(double v, DLDataType dtype);
  /** A 1-D int32 Const (axes, shapes, perms). */
  TF_Output int32s(std::span<const std::int64_t> values);
  TF_Output int32s(std::initializer_list<std::int64_t> values) {
    return int32s(std::span<const std::int64_t>(values.begin(), values.size()));
  }
  /** A scalar int32 Const. */
  TF_Output int32_scalar(std::int64_t v);
  /** Shape(x) as int32 (a runtime shape, for unknown dims). */
  TF_Output shape_of(TF_Output x);
  /**
   * A shape as a 1-D int32 tensor: a Const when `shape` is fully known,
   * else Shape(like), where `like` has that shape at run time.
   */
  TF_Output shape_tensor(const tptk::Shape& shape, TF_Output like);
  /** Cast x (of dtype `from`) to `to`; x itself when they are equal. */
  TF_Output cast(TF_Output x, DLDataType from, DLDataType to);

  /** The toolkit node being translated, for messages (may be null). */
  const tptk::Node* node = nullptr;
  /** "<node name> (op <op>)" for messages. */
  std::string where() const;
  std::string fresh_name(const std::string& type);

 private:
  const Api& tf_;
  TF_Graph* graph_;
  std::uint64_t next_ = 0;
};

/** Owns a TF_Tensor. */
struct TensorDeleter {
  void operator()(TF_Tensor* t) const noexcept;
};
using TensorPtr = std::unique_ptr<TF_Tensor, TensorDeleter>;

/** A TF_Tensor holding a copy of `value` (any strides already resolved). */
TensorPtr tensor_copy(const tptk::Array& value);

}  // namespace tftf
