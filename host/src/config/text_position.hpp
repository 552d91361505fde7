// Byte offsets in a text file as 1-based line:column, and UTF-8 checking.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "tensorplug/export.hpp"

namespace tensorplug::detail {

struct LineColumn {
  std::size_t line = 1;    ///< 1-based
  std::size_t column = 1;  ///< 1-based, in characters (UTF-8 code points)
};

/// The position of byte `offset` of `text` (offset may equal text.size()).
/// Lines end at '\n'; columns count code points, so a multi-byte character
/// is one column, as editors show it.
LineColumn line_column(std::string_view text, std::size_t offset);

/// The offset of the first byte that does not belong to well-formed UTF-8
/// (overlong forms, surrogates and values above U+10FFFF are ill-formed), or
/// nullopt when all of `text` is valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

}  // namespace tensorplug::detail
