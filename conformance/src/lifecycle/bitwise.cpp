#include "lifecycle/bitwise.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kit.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

// The element's bytes as one hexadecimal number (host byte order).
std::string hex_of(const std::byte* element, std::size_t size) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, element, size);
  return fmt::format("0x{:0{}x}", bits, size * 2);
}

}  // namespace

std::string bitwise_difference(const Array& expected, const Array& actual) {
  if (std::string layout = layout_difference(expected, actual);
      !layout.empty()) {
    return layout;
  }
  const std::size_t n = expected.size();
  const std::size_t width = n == 0 ? 0 : expected.bytes().size() / n;
  std::size_t differing = 0;
  std::size_t first = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::memcmp(expected.bytes().data() + i * width,
                    actual.bytes().data() + i * width, width) != 0) {
      if (differing++ == 0) first = i;
    }
  }
  if (differing == 0) return {};
  const auto e = to_doubles(expected);
  const auto a = to_doubles(actual);
  return fmt::format(
      "{} of {} elements differ bitwise; first at {}: expected {} ({}), "
      "actual {} ({})",
      differing, n, format_index(first, expected.shape()),
      hex_of(expected.bytes().data() + first * width, width), e[first],
      hex_of(actual.bytes().data() + first * width, width), a[first]);
}

void expect_same(Kit& kit, const Array& expected, const Array& actual,
                 std::string_view what) {
  const std::string diff = bitwise_difference(expected, actual);
  if (!diff.empty()) kit.record_failure(fmt::format("{}: {}", what, diff));
}

}  // namespace tensorplug::conformance
