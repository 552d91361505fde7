#include "shape.hpp"

#include <algorithm>

#include "text.hpp"

namespace tptk {

Shape make_shape(const int64_t* dims, int ndim) {
  if (ndim <= 0 || dims == nullptr) return {};
  return Shape(dims, dims + ndim);
}

std::string format_shape(const Shape& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += shape[i] == kUnknownDim ? std::string("None")
                                 : std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  s += ")";
  return s;
}

bool is_fully_known(const Shape& shape) noexcept {
  return std::none_of(shape.begin(), shape.end(),
                      [](int64_t d) { return d == kUnknownDim; });
}

bool matches(const Shape& pattern, const Shape& concrete) noexcept {
  if (pattern.size() != concrete.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != kUnknownDim && pattern[i] != concrete[i]) return false;
  }
  return true;
}

bool may_equal(const Shape& a, const Shape& b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != kUnknownDim && b[i] != kUnknownDim && a[i] != b[i]) {
      return false;
    }
  }
  return true;
}

std::optional<Shape> broadcast_shapes(const Shape& a, const Shape& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank, 1);
  for (std::size_t i = 0; i < rank; ++i) {
    // Dimension i counted from the right; missing leading dims are 1.
    const int64_t x = i < a.size() ? a[a.size() - 1 - i] : 1;
    const int64_t y = i < b.size() ? b[b.size() - 1 - i] : 1;
    int64_t d = 0;
    if (x == y || y == 1) {
      d = x;
    } else if (x == 1) {
      d = y;
    } else if (x == kUnknownDim) {
      d = y;
    } else if (y == kUnknownDim) {
      d = x;
    } else {
      return std::nullopt;
    }
    out[rank - 1 - i] = d;
  }
  return out;
}

std::size_t element_count(const Shape& shape, std::string_view entry,
                          std::size_t element_bytes) {
  const auto count = tp::checked_element_count(
      shape.data(), static_cast<int>(shape.size()), element_bytes);
  if (!count) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": shape ", format_shape(shape),
         " has a negative size or too many elements");
  }
  return *count;
}

}  // namespace tptk
