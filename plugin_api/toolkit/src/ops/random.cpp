// random_uniform(shape, minval=0, maxval=1, dtype, seed) and
// random_normal(shape, mean=0, stddev=1, dtype, seed): float dtypes, fresh
// samples at every evaluation. With a seed, evaluation k of a node draws from
// a std::mt19937_64 seeded with splitmix64(seed, k), so a program sees the
// same sequence in every run (and on every platform: the samples are
// computed here, not by <random>'s distributions). Without a seed, each
// evaluation is seeded from std::random_device (not reproducible).
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

#include "dtype.hpp"
#include "ops/elementwise.hpp"
#include "ops/values.hpp"
#include "text.hpp"

namespace tptk {

namespace {

constexpr AttrSpec kUniformAttrs[] = {{"shape", kAttrInts},
                                      {"minval", kAttrFloat},
                                      {"maxval", kAttrFloat},
                                      {"dtype", kAttrDtype | kAttrNone},
                                      {"seed", kAttrInt | kAttrNone}};
constexpr AttrSpec kNormalAttrs[] = {{"shape", kAttrInts},
                                     {"mean", kAttrFloat},
                                     {"stddev", kAttrFloat},
                                     {"dtype", kAttrDtype | kAttrNone},
                                     {"seed", kAttrInt | kAttrNone}};

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/** The generator for this evaluation of `node`. */
std::mt19937_64 engine_for(const Node& node) {
  const std::uint64_t k = node.draws.fetch_add(1);
  if (auto seed = node.attrs.get_optional_int("seed")) {
    return std::mt19937_64(
        splitmix64(splitmix64(static_cast<std::uint64_t>(*seed)) ^ k));
  }
  std::random_device device;
  const std::uint64_t hi = device();
  return std::mt19937_64((hi << 32) ^ device());
}

/** Uniform in [0, 1) with 53 random bits. */
double unit(std::mt19937_64& e) {
  return static_cast<double>(e() >> 11) * 0x1p-53;
}

Signature infer_random(const OpDef& op, std::span<const NodePtr>,
                       const Attrs& attrs) {
  const DLDataType dtype = value_dtype(attrs);
  if (!is_float(dtype)) {
    unsupported_dtype(dtype, op.name, "float16, float32, float64");
  }
  const bool uniform = attrs.has("minval") || attrs.has("maxval") ||
                       std::string_view(op.name) == "random_uniform";
  if (uniform) {
    const double lo = attrs.get_float("minval", 0.0);
    const double hi = attrs.get_float("maxval", 1.0);
    if (!(lo <= hi)) {
      fail(TP_ERROR_INVALID_ARGUMENT, op.name, ": minval (", lo,
           ") must not exceed maxval (", hi, ")");
    }
  } else {
    const double sd = attrs.get_float("stddev", 1.0);
    if (!(sd >= 0.0) || std::isnan(attrs.get_float("mean", 0.0))) {
      fail(TP_ERROR_INVALID_ARGUMENT, op.name,
           ": stddev must be >= 0 and mean a number, got mean ",
           attrs.get_float("mean", 0.0), " and stddev ", sd);
    }
  }
  return {dtype, shape_attr(op, attrs)};
}

Array eval_uniform(const Node& node, std::span<const Array* const>) {
  const double lo = node.attrs.get_float("minval", 0.0);
  const double hi = node.attrs.get_float("maxval", 1.0);
  std::mt19937_64 e = engine_for(node);
  Array out(node.shape, node.dtype);
  dispatch_float(node.dtype, node.op->name, [&]<class T>() {
    T* po = out.data<T>();
    const T top = static_cast<T>(hi);
    const bool open = static_cast<T>(lo) < top;
    for (std::size_t i = 0; i < out.size(); ++i) {
      T v = static_cast<T>(lo + (hi - lo) * unit(e));
      // Rounding to T may reach maxval: redraw (bounded) to keep [lo, hi).
      for (int tries = 0; open && !(v < top) && tries < 64; ++tries) {
        v = static_cast<T>(lo + (hi - lo) * unit(e));
      }
      if (open && !(v < top)) v = static_cast<T>(lo);
      po[i] = v;
    }
  });
  return out;
}

Array eval_normal(const Node& node, std::span<const Array* const>) {
  const double mean = node.attrs.get_float("mean", 0.0);
  const double sd = node.attrs.get_float("stddev", 1.0);
  std::mt19937_64 e = engine_for(node);
  Array out(node.shape, node.dtype);
  dispatch_float(node.dtype, node.op->name, [&]<class T>() {
    T* po = out.data<T>();
    const std::size_t n = out.size();
    // Box-Muller: two normal samples per pair of uniforms.
    for (std::size_t i = 0; i < n; i += 2) {
      const double u1 = 1.0 - unit(e);  // (0, 1]: log is finite
      const double u2 = unit(e);
      const double r = std::sqrt(-2.0 * std::log(u1));
      const double t = 2.0 * std::numbers::pi * u2;
      po[i] = static_cast<T>(mean + sd * r * std::cos(t));
      if (i + 1 < n) po[i + 1] = static_cast<T>(mean + sd * r * std::sin(t));
    }
  });
  return out;
}

}  // namespace

const OpDef kRandomUniform{
    "random_uniform", 0,       0,   kUniformAttrs, &infer_random,
    &eval_uniform,    nullptr, true};
const OpDef kRandomNormal{
    "random_normal", 0,       0,   kNormalAttrs, &infer_random,
    &eval_normal,    nullptr, true};

}  // namespace tptk

TPTK_EXPORT_OP(random_uniform, tptk::kRandomUniform)
TPTK_EXPORT_OP(random_normal, tptk::kRandomNormal)
