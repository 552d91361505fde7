#include "ops/attrs.hpp"

#include "text.hpp"

namespace tptk {
namespace {

const char* kind_label(tp_attr_kind kind) {
  switch (kind) {
    case TP_ATTR_NONE:
      return "None";
    case TP_ATTR_INT:
      return "int";
    case TP_ATTR_FLOAT:
      return "float";
    case TP_ATTR_BOOL:
      return "bool";
    case TP_ATTR_STRING:
      return "string";
    case TP_ATTR_INTS:
      return "int list";
    case TP_ATTR_DTYPE:
      return "dtype";
    case TP_ATTR_VALUE:
      return "tensor value";
  }
  return "unknown kind";
}

std::string kinds_label(unsigned kinds) {
  std::string out;
  for (int k = TP_ATTR_NONE; k <= TP_ATTR_VALUE; ++k) {
    if (kinds & (1u << k)) {
      if (!out.empty()) out += " or ";
      out += kind_label(static_cast<tp_attr_kind>(k));
    }
  }
  return out;
}

}  // namespace

Attrs Attrs::parse(std::string_view op, const tp_attr* attrs, size_t count,
                   std::span<const AttrSpec> specs) {
  Attrs out;
  out.op_ = std::string(op);
  if (count > 0 && attrs == nullptr) {
    fail(TP_ERROR_INVALID_ARGUMENT, op, ": ", count,
         " attributes given but attrs is NULL");
  }
  for (size_t i = 0; i < count; ++i) {
    const tp_attr& a = attrs[i];
    if (a.struct_size < TP_ATTR_STRUCT_SIZE) {
      fail(TP_ERROR_INVALID_ARGUMENT, op, ": attribute ", i,
           " has struct_size ", a.struct_size, ", expected at least ",
           TP_ATTR_STRUCT_SIZE);
    }
    if (a.name == nullptr) {
      fail(TP_ERROR_INVALID_ARGUMENT, op, ": attribute ", i, " has no name");
    }
    const std::string_view name(a.name);
    const AttrSpec* spec = nullptr;
    for (const AttrSpec& s : specs) {
      if (name == s.name) spec = &s;
    }
    if (spec == nullptr) {
      std::string known;
      for (const AttrSpec& s : specs) {
        known += known.empty() ? "" : ", ";
        known += s.name;
      }
      fail(TP_ERROR_INVALID_ARGUMENT, op, ": unknown attribute '", name, "' (",
           op, " takes ", known.empty() ? std::string("none") : known, ")");
    }
    if (out.values_.count(name) != 0) {
      fail(TP_ERROR_INVALID_ARGUMENT, op, ": attribute '", name,
           "' given twice");
    }
    unsigned allowed = spec->kinds;
    if (allowed & kAttrFloat) allowed |= kAttrInt;
    if (a.kind < TP_ATTR_NONE || a.kind > TP_ATTR_VALUE ||
        !(allowed & attr_kind(a.kind))) {
      fail(TP_ERROR_INVALID_ARGUMENT, op, ": attribute '", name, "' is a ",
           a.kind >= TP_ATTR_NONE && a.kind <= TP_ATTR_VALUE
               ? kind_label(a.kind)
               : "value of unknown kind",
           ", expected ", kinds_label(spec->kinds));
    }
    AttrValue v;
    switch (a.kind) {
      case TP_ATTR_NONE:
        v = NoneValue{};
        break;
      case TP_ATTR_INT:
        if (spec->kinds & kAttrInt) {
          v = a.int_value;
        } else {
          v = static_cast<double>(a.int_value);
        }
        break;
      case TP_ATTR_FLOAT:
        v = a.float_value;
        break;
      case TP_ATTR_BOOL:
        v = a.int_value != 0;
        break;
      case TP_ATTR_STRING:
        if (a.string_value == nullptr) {
          fail(TP_ERROR_INVALID_ARGUMENT, op, ": attribute '", name,
               "' is a NULL string");
        }
        v = std::string(a.string_value);
        break;
      case TP_ATTR_INTS:
        if (a.num_ints > 0 && a.ints == nullptr) {
          fail(TP_ERROR_INVALID_ARGUMENT, op, ": attribute '", name, "' has ",
               a.num_ints, " ints but ints is NULL");
        }
        v = std::vector<std::int64_t>(a.ints, a.ints + a.num_ints);
        break;
      case TP_ATTR_DTYPE:
        v = a.dtype;
        break;
      case TP_ATTR_VALUE:
        check_dltensor(a.value, op, cat("attribute '", name, "'"));
        v = import_dltensor(*a.value, op);
        break;
    }
    out.values_.emplace(std::string(name), std::move(v));
  }
  return out;
}

const AttrValue* Attrs::find(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

bool Attrs::has(std::string_view name) const { return find(name) != nullptr; }

bool Attrs::is_none(std::string_view name) const {
  const AttrValue* v = find(name);
  return v != nullptr && std::holds_alternative<NoneValue>(*v);
}

namespace {
template <class T>
const T& expect(const std::string& op, std::string_view name,
                const AttrValue& v, const char* what) {
  if (const T* p = std::get_if<T>(&v)) return *p;
  fail(TP_ERROR_INVALID_ARGUMENT, op, ": attribute '", name, "' must be ",
       what);
}
}  // namespace

std::int64_t Attrs::get_int(std::string_view name,
                            std::int64_t fallback) const {
  const AttrValue* v = find(name);
  if (v == nullptr || std::holds_alternative<NoneValue>(*v)) return fallback;
  return expect<std::int64_t>(op_, name, *v, "an int");
}

double Attrs::get_float(std::string_view name, double fallback) const {
  const AttrValue* v = find(name);
  if (v == nullptr || std::holds_alternative<NoneValue>(*v)) return fallback;
  if (const auto* i = std::get_if<std::int64_t>(v)) {
    return static_cast<double>(*i);
  }
  return expect<double>(op_, name, *v, "a float");
}

bool Attrs::get_bool(std::string_view name, bool fallback) const {
  const AttrValue* v = find(name);
  if (v == nullptr || std::holds_alternative<NoneValue>(*v)) return fallback;
  return expect<bool>(op_, name, *v, "a bool");
}

std::string Attrs::get_string(std::string_view name,
                              std::string fallback) const {
  const AttrValue* v = find(name);
  if (v == nullptr || std::holds_alternative<NoneValue>(*v)) return fallback;
  return expect<std::string>(op_, name, *v, "a string");
}

std::optional<SmallVector<std::int64_t, 8>> Attrs::get_ints(
    std::string_view name) const {
  const AttrValue* v = find(name);
  if (v == nullptr || std::holds_alternative<NoneValue>(*v)) {
    return std::nullopt;
  }
  if (const auto* i = std::get_if<std::int64_t>(v)) {
    return SmallVector<std::int64_t, 8>{*i};
  }
  const auto& list =
      expect<std::vector<std::int64_t>>(op_, name, *v, "an int list");
  return SmallVector<std::int64_t, 8>(list.begin(), list.end());
}

std::optional<std::int64_t> Attrs::get_optional_int(
    std::string_view name) const {
  const AttrValue* v = find(name);
  if (v == nullptr || std::holds_alternative<NoneValue>(*v)) {
    return std::nullopt;
  }
  return expect<std::int64_t>(op_, name, *v, "an int");
}

std::optional<double> Attrs::get_optional_float(std::string_view name) const {
  const AttrValue* v = find(name);
  if (v == nullptr || std::holds_alternative<NoneValue>(*v)) {
    return std::nullopt;
  }
  return get_float(name, 0.0);
}

std::optional<DLDataType> Attrs::get_dtype(std::string_view name) const {
  const AttrValue* v = find(name);
  if (v == nullptr || std::holds_alternative<NoneValue>(*v)) {
    return std::nullopt;
  }
  return expect<DLDataType>(op_, name, *v, "a dtype");
}

const Array* Attrs::get_value(std::string_view name) const {
  const AttrValue* v = find(name);
  if (v == nullptr) return nullptr;
  return &expect<Array>(op_, name, *v, "a tensor value");
}

const Array* Attrs::find_value(std::string_view name) const noexcept {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : std::get_if<Array>(&it->second);
}

Attrs& Attrs::set(std::string name, AttrValue value) {
  values_.insert_or_assign(std::move(name), std::move(value));
  return *this;
}

}  // namespace tptk
