// Source descriptions, enum names, and the backends Python Keras knows.
#include <array>
#include <string>
#include <string_view>

#include "tensorplug/config.hpp"

namespace tensorplug {

std::string Source::describe() const {
  switch (kind) {
    case Kind::kDefault:
      return "default";
    case Kind::kFile:
      return "file " + detail;
    case Kind::kEnvironment:
      return "environment " + detail;
    case Kind::kRuntime:
      return "set at run time";
    case Kind::kApplication:
      return "application via " +
             (detail.empty() ? std::string("ConfigOptions::config_dir")
                             : detail);
    case Kind::kFallback:
      return detail.empty() ? std::string("per-user fallback")
                            : "per-user fallback: " + detail;
  }
  return "unknown";
}

std::string_view Source::kind_name() const {
  switch (kind) {
    case Kind::kDefault:
      return "default";
    case Kind::kFile:
      return "file";
    case Kind::kEnvironment:
      return "environment";
    case Kind::kRuntime:
      return "runtime";
    case Kind::kApplication:
      return "application";
    case Kind::kFallback:
      return "fallback";
  }
  return "unknown";
}

std::string_view to_string(FloatX value) {
  switch (value) {
    case FloatX::kFloat16:
      return "float16";
    case FloatX::kFloat32:
      return "float32";
    case FloatX::kFloat64:
      return "float64";
  }
  return "float32";
}

std::string_view to_string(ImageDataFormat value) {
  switch (value) {
    case ImageDataFormat::kChannelsLast:
      return "channels_last";
    case ImageDataFormat::kChannelsFirst:
      return "channels_first";
  }
  return "channels_last";
}

bool python_keras_knows_backend(std::string_view name) {
  // Keras 2 builtins (tensorflow, theano, cntk) and Keras 3 backends (jax,
  // torch, numpy, openvino; tensorflow again).
  static constexpr std::array<std::string_view, 7> kKnown = {
      "tensorflow", "theano", "cntk", "jax", "torch", "numpy", "openvino"};
  for (std::string_view known : kKnown) {
    if (name == known) return true;
  }
  return false;
}

}  // namespace tensorplug
