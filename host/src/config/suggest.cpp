// Near-miss detection for unknown keys.
#include "config/suggest.hpp"

#include <algorithm>
#include <vector>

namespace tensorplug::detail {
namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](char x, char y) { return lower(x) == lower(y); });
}

constexpr std::size_t kMaxDistance = 2;

}  // namespace

std::size_t damerau_levenshtein(std::string_view a, std::string_view b) {
  // Unrestricted Damerau-Levenshtein (Lowrance-Wagner), byte alphabet.
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  const std::size_t inf = n + m;
  const std::size_t width = m + 2;
  std::vector<std::size_t> d((n + 2) * width);
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& {
    return d[i * width + j];
  };
  std::vector<std::size_t> last_row(256, 0);
  at(0, 0) = inf;
  for (std::size_t i = 0; i <= n; ++i) {
    at(i + 1, 0) = inf;
    at(i + 1, 1) = i;
  }
  for (std::size_t j = 0; j <= m; ++j) {
    at(0, j + 1) = inf;
    at(1, j + 1) = j;
  }
  for (std::size_t i = 1; i <= n; ++i) {
    std::size_t last_col = 0;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t i1 = last_row[static_cast<unsigned char>(b[j - 1])];
      const std::size_t j1 = last_col;
      std::size_t cost = 1;
      if (a[i - 1] == b[j - 1]) {
        cost = 0;
        last_col = j;
      }
      at(i + 1, j + 1) =
          std::min({at(i, j) + cost, at(i + 1, j) + 1, at(i, j + 1) + 1,
                    at(i1, j1) + (i - i1 - 1) + 1 + (j - j1 - 1)});
    }
    last_row[static_cast<unsigned char>(a[i - 1])] = i;
  }
  return at(n + 1, m + 1);
}

std::optional<std::string_view> suggest_key(
    std::string_view key, std::span<const std::string_view> candidates) {
  std::optional<std::string_view> best;
  std::size_t best_distance = kMaxDistance + 1;
  for (std::string_view candidate : candidates) {
    if (candidate == key) return std::nullopt;
    std::size_t distance = damerau_levenshtein(key, candidate);
    if (equal_ignoring_case(key, candidate)) distance = 0;
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace tensorplug::detail
