// Op attributes (Keras keyword arguments: axis, keepdims, padding, ...):
// copied out of the borrowed tp_attr array at graph-building time, checked
// against the op's declared attributes, and kept on the node.
#pragma once

#include <tensorplug/plugin_api.h>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "small_vector.hpp"

#include "array.hpp"

namespace tptk {

/** Python `None`. */
struct NoneValue {
  bool operator==(const NoneValue&) const = default;
};

using AttrValue =
    std::variant<NoneValue, std::int64_t, double, bool, std::string,
                 std::vector<std::int64_t>, DLDataType, Array>;

/** One attribute an op accepts: its name and the kinds it may have. */
struct AttrSpec {
  const char* name;
  /** Bit set of (1 << tp_attr_kind); INT is also accepted where FLOAT is. */
  unsigned kinds;
};

constexpr unsigned attr_kind(tp_attr_kind k) { return 1u << k; }
constexpr unsigned kAttrInt = attr_kind(TP_ATTR_INT);
constexpr unsigned kAttrFloat = attr_kind(TP_ATTR_FLOAT);
constexpr unsigned kAttrBool = attr_kind(TP_ATTR_BOOL);
constexpr unsigned kAttrString = attr_kind(TP_ATTR_STRING);
constexpr unsigned kAttrInts = attr_kind(TP_ATTR_INTS);
constexpr unsigned kAttrDtype = attr_kind(TP_ATTR_DTYPE);
constexpr unsigned kAttrValue = attr_kind(TP_ATTR_VALUE);
constexpr unsigned kAttrNone = attr_kind(TP_ATTR_NONE);

class Attrs {
 public:
  Attrs() = default;

  /**
   * Copies `attrs` after checking every name against `specs` (an unknown
   * name lists the known ones) and every kind against its spec. Throws
   * tp::Error(TP_ERROR_INVALID_ARGUMENT) naming `op`.
   */
  static Attrs parse(std::string_view op, const tp_attr* attrs, size_t count,
                     std::span<const AttrSpec> specs);

  bool has(std::string_view name) const;
  /** True when present and None. */
  bool is_none(std::string_view name) const;

  // Typed getters: the default when absent (or None, for the optional
  // forms); a present value of another kind is an error naming the op.
  std::int64_t get_int(std::string_view name, std::int64_t fallback) const;
  double get_float(std::string_view name, double fallback) const;
  bool get_bool(std::string_view name, bool fallback) const;
  std::string get_string(std::string_view name, std::string fallback) const;
  /** An int list (a single int is a list of one); no heap allocation for
   * up to 8 ints, so kernels may read it on every call. */
  std::optional<SmallVector<std::int64_t, 8>> get_ints(
      std::string_view name) const;
  std::optional<std::int64_t> get_optional_int(std::string_view name) const;
  std::optional<double> get_optional_float(std::string_view name) const;
  std::optional<DLDataType> get_dtype(std::string_view name) const;
  /** The VALUE attribute, or nullptr. */
  const Array* get_value(std::string_view name) const;
  /**
   * The attribute when it is a tensor VALUE, else nullptr (absent, or a
   * number): a probe that never throws.
   */
  const Array* find_value(std::string_view name) const noexcept;

  /** Sets (or replaces) an attribute, for ops built inside the backend. */
  Attrs& set(std::string name, AttrValue value);

  /** The op name used in error messages. */
  const std::string& op() const { return op_; }

 private:
  const AttrValue* find(std::string_view name) const;
  std::string op_;
  std::map<std::string, AttrValue, std::less<>> values_;
};

}  // namespace tptk
