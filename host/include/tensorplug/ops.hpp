// Calling a backend's op entries by Keras name, with Keras's keyword
// arguments as attributes:
//
// ```cpp fragment
// auto y = tensorplug::op("softmax", {x}, {{"axis", -1}});
// auto z = backend.op("zeros", {}, {{"shape", Ints{2, 3}}});
// ```
//
// docs/ops.md lists every op of the core op set, its operands and
// attributes. Calling an op the backend does not export raises
// NotProvidedError naming the op, the backend and what it does provide.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tensorplug/array.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/export.hpp"

namespace tensorplug {

/** Python's None, for attributes such as `axis=None`. */
struct None {};
using Ints = std::vector<std::int64_t>;

/** One keyword argument of an op. */
struct TENSORPLUG_API Attr {
  using Value = std::variant<None, std::int64_t, double, bool, std::string,
                             Ints, DLDataType, Array>;
  std::string name;
  Value value;

  Attr(std::string n, None) : name(std::move(n)), value(None{}) {}
  Attr(std::string n, int v) : name(std::move(n)), value(std::int64_t{v}) {}
  Attr(std::string n, std::int64_t v) : name(std::move(n)), value(v) {}
  Attr(std::string n, double v) : name(std::move(n)), value(v) {}
  Attr(std::string n, bool v) : name(std::move(n)), value(v) {}
  Attr(std::string n, const char* v)
      : name(std::move(n)), value(std::string(v)) {}
  Attr(std::string n, std::string v)
      : name(std::move(n)), value(std::move(v)) {}
  Attr(std::string n, Ints v) : name(std::move(n)), value(std::move(v)) {}
  Attr(std::string n, DLDataType v) : name(std::move(n)), value(v) {}
  Attr(std::string n, Array v) : name(std::move(n)), value(std::move(v)) {}
};
using Attrs = std::vector<Attr>;

/**
 * Applies op `name` to `inputs` (at least one: they give the backend) and
 * returns its single result. Throws NotProvidedError or PluginError.
 */
TENSORPLUG_API Tensor op(std::string_view name,
                         const std::vector<Tensor>& inputs,
                         const Attrs& attrs = {});

/** Static shape (-1 where unknown), dtype and name of a tensor, through the
 * backend's `tensor_info` entry. */
TENSORPLUG_API std::vector<std::int64_t> int_shape(const Tensor& x);
TENSORPLUG_API DLDataType dtype_of(const Tensor& x);
TENSORPLUG_API int ndim(const Tensor& x);

/** Keras `gradients(loss, variables)`: one gradient tensor per variable. */
TENSORPLUG_API std::vector<Tensor> gradients(
    const Tensor& loss, const std::vector<Tensor>& variables);

}  // namespace tensorplug
