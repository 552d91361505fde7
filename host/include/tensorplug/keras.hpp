// Typed functions mirroring Keras's backend module over the generic op call
// of tensorplug/ops.hpp, so that application code reads like Keras:
//
// ```cpp fragment
// namespace K = tensorplug::keras;
// auto h = K::relu(K::dot(x, w) + b);
// auto loss = K::mean(K::categorical_crossentropy(y, K::softmax(h)));
// ```
//
// Each function calls the op of the same Keras name with Keras's keyword
// arguments as attributes (docs/ops.md lists them). Arguments that are
// `None` in Keras (data_format, max_value, seed) are left out when not
// given, so the backend applies its own default (for data_format: the
// configured image_data_format). Ops without operands take the Backend.
// Errors: NotProvidedError when the backend lacks the op, PluginError with
// the backend's message for invalid shapes, dtypes or attributes.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tensorplug/array.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/export.hpp"
#include "tensorplug/ops.hpp"

namespace tensorplug {
namespace keras {

/// An `axis` argument: None (all axes), one axis, or several.
class TENSORPLUG_API Axes {
 public:
  Axes() = default;
  Axes(std::nullopt_t) {}
  Axes(int axis) : value_(std::int64_t{axis}) {}
  Axes(std::int64_t axis) : value_(axis) {}
  Axes(Ints axes) : value_(std::move(axes)) {}
  Axes(std::initializer_list<std::int64_t> axes) : value_(Ints(axes)) {}

  bool is_none() const { return std::holds_alternative<None>(value_); }
  /// The attribute `name` carrying this value (None, INT or INTS).
  Attr attr(std::string name) const;

 private:
  std::variant<None, std::int64_t, Ints> value_;
};

/// The DLPack dtype of a floatx setting, and of the backend's floatx.
TENSORPLUG_API DLDataType to_dtype(FloatX floatx);
TENSORPLUG_API DLDataType floatx(const Backend& b);

// ----- values (no operands: they take the backend) -----------------------
TENSORPLUG_API Tensor zeros(const Backend& b, const Ints& shape,
                            std::optional<DLDataType> dtype = {});
TENSORPLUG_API Tensor ones(const Backend& b, const Ints& shape,
                           std::optional<DLDataType> dtype = {});
/// A constant holding a copy of `value` (its shape and dtype).
TENSORPLUG_API Tensor constant(const Backend& b, const Array& value);
/// A constant of `shape` filled with `value` (dtype defaults to floatx).
TENSORPLUG_API Tensor constant(const Backend& b, double value,
                               const Ints& shape = {},
                               std::optional<DLDataType> dtype = {});
/// A 0-d constant of floatx, or of `like`'s dtype.
TENSORPLUG_API Tensor scalar(const Backend& b, double value);
TENSORPLUG_API Tensor scalar(const Tensor& like, double value);
TENSORPLUG_API Tensor random_uniform(const Backend& b, const Ints& shape,
                                     double minval = 0.0, double maxval = 1.0,
                                     std::optional<DLDataType> dtype = {},
                                     std::optional<std::int64_t> seed = {});
TENSORPLUG_API Tensor random_normal(const Backend& b, const Ints& shape,
                                    double mean = 0.0, double stddev = 1.0,
                                    std::optional<DLDataType> dtype = {},
                                    std::optional<std::int64_t> seed = {});
TENSORPLUG_API Tensor cast(const Tensor& x, DLDataType dtype);

// ----- elementwise (NumPy broadcasting) ----------------------------------
TENSORPLUG_API Tensor abs(const Tensor& x);
TENSORPLUG_API Tensor square(const Tensor& x);
TENSORPLUG_API Tensor sqrt(const Tensor& x);
TENSORPLUG_API Tensor exp(const Tensor& x);
TENSORPLUG_API Tensor log(const Tensor& x);
TENSORPLUG_API Tensor sign(const Tensor& x);
/// x ** a; the exponent is sent as an operand (a 0-d constant of x's dtype).
TENSORPLUG_API Tensor pow(const Tensor& x, double a);
TENSORPLUG_API Tensor pow(const Tensor& x, const Tensor& a);
TENSORPLUG_API Tensor maximum(const Tensor& x, const Tensor& y);
TENSORPLUG_API Tensor minimum(const Tensor& x, const Tensor& y);
TENSORPLUG_API Tensor equal(const Tensor& x, const Tensor& y);
TENSORPLUG_API Tensor greater(const Tensor& x, const Tensor& y);
TENSORPLUG_API Tensor less(const Tensor& x, const Tensor& y);
TENSORPLUG_API Tensor clip(const Tensor& x, double min_value, double max_value);

// ----- activations --------------------------------------------------------
TENSORPLUG_API Tensor relu(const Tensor& x, double alpha = 0.0,
                           std::optional<double> max_value = {},
                           double threshold = 0.0);
TENSORPLUG_API Tensor sigmoid(const Tensor& x);
TENSORPLUG_API Tensor tanh(const Tensor& x);
TENSORPLUG_API Tensor softmax(const Tensor& x, int axis = -1);
TENSORPLUG_API Tensor softplus(const Tensor& x);
TENSORPLUG_API Tensor elu(const Tensor& x, double alpha = 1.0);

// ----- linear algebra -----------------------------------------------------
TENSORPLUG_API Tensor dot(const Tensor& x, const Tensor& y);
/// `axes`: None (Keras's default), one int, or a pair.
TENSORPLUG_API Tensor batch_dot(const Tensor& x, const Tensor& y,
                                const Axes& axes = {});
TENSORPLUG_API Tensor transpose(const Tensor& x);
TENSORPLUG_API Tensor permute_dimensions(const Tensor& x, const Ints& pattern);

// ----- reductions (axis None = all axes) ----------------------------------
TENSORPLUG_API Tensor sum(const Tensor& x, const Axes& axis = {},
                          bool keepdims = false);
TENSORPLUG_API Tensor mean(const Tensor& x, const Axes& axis = {},
                           bool keepdims = false);
TENSORPLUG_API Tensor max(const Tensor& x, const Axes& axis = {},
                          bool keepdims = false);
TENSORPLUG_API Tensor min(const Tensor& x, const Axes& axis = {},
                          bool keepdims = false);
TENSORPLUG_API Tensor argmax(const Tensor& x, int axis = -1);
TENSORPLUG_API Tensor argmin(const Tensor& x, int axis = -1);

// ----- shape --------------------------------------------------------------
TENSORPLUG_API Tensor reshape(const Tensor& x, const Ints& shape);
TENSORPLUG_API Tensor concatenate(const std::vector<Tensor>& tensors,
                                  int axis = -1);
TENSORPLUG_API Tensor expand_dims(const Tensor& x, int axis = -1);
TENSORPLUG_API Tensor squeeze(const Tensor& x, int axis);
TENSORPLUG_API Tensor flatten(const Tensor& x);
TENSORPLUG_API Tensor batch_flatten(const Tensor& x);
TENSORPLUG_API Tensor one_hot(const Tensor& indices, std::int64_t num_classes);
TENSORPLUG_API Tensor gather(const Tensor& reference, const Tensor& indices);

// ----- neural network -----------------------------------------------------
/// data_format: "channels_last" or "channels_first"; none = the setting.
TENSORPLUG_API Tensor bias_add(const Tensor& x, const Tensor& bias,
                               std::optional<std::string> data_format = {});
/// `kernel` is (rows, cols, in_channels, out_channels) in both formats.
TENSORPLUG_API Tensor conv2d(const Tensor& x, const Tensor& kernel,
                             const Ints& strides = {1, 1},
                             const std::string& padding = "valid",
                             std::optional<std::string> data_format = {},
                             const Ints& dilation_rate = {1, 1});
TENSORPLUG_API Tensor pool2d(const Tensor& x, const Ints& pool_size,
                             const Ints& strides = {1, 1},
                             const std::string& padding = "valid",
                             std::optional<std::string> data_format = {},
                             const std::string& pool_mode = "max");
TENSORPLUG_API Tensor categorical_crossentropy(const Tensor& target,
                                               const Tensor& output,
                                               bool from_logits = false,
                                               int axis = -1);
TENSORPLUG_API Tensor sparse_categorical_crossentropy(const Tensor& target,
                                                      const Tensor& output,
                                                      bool from_logits = false,
                                                      int axis = -1);
TENSORPLUG_API Tensor binary_crossentropy(const Tensor& target,
                                          const Tensor& output,
                                          bool from_logits = false);
TENSORPLUG_API Tensor dropout(const Tensor& x, double level,
                              std::optional<std::int64_t> seed = {});

// ----- differentiation ----------------------------------------------------
using tensorplug::gradients;
TENSORPLUG_API Tensor stop_gradient(const Tensor& x);

}  // namespace keras

/// Scalars mixed with tensors: the scalar becomes a 0-d constant of the
/// tensor's dtype (keras::scalar), then NumPy broadcasting applies.
TENSORPLUG_API Tensor operator+(const Tensor& a, double b);
TENSORPLUG_API Tensor operator+(double a, const Tensor& b);
TENSORPLUG_API Tensor operator-(const Tensor& a, double b);
TENSORPLUG_API Tensor operator-(double a, const Tensor& b);
TENSORPLUG_API Tensor operator*(const Tensor& a, double b);
TENSORPLUG_API Tensor operator*(double a, const Tensor& b);
TENSORPLUG_API Tensor operator/(const Tensor& a, double b);
TENSORPLUG_API Tensor operator/(double a, const Tensor& b);

}  // namespace tensorplug
