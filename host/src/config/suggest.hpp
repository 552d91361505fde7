// "Did you mean ...?" for keys of keras.json.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "tensorplug/export.hpp"

namespace tensorplug::detail {

/// Damerau-Levenshtein distance (insertions, deletions, substitutions and
/// transpositions of adjacent characters, each costing 1), byte-wise.
std::size_t damerau_levenshtein(std::string_view a, std::string_view b);

/// The candidate `key` was most likely meant to be: equal ignoring ASCII
/// case, or within a Damerau-Levenshtein distance of 2 (the closest wins;
/// ties go to the earlier candidate). nullopt when none is near or when
/// `key` is itself a candidate.
std::optional<std::string_view> suggest_key(
    std::string_view key, std::span<const std::string_view> candidates);

}  // namespace tensorplug::detail
