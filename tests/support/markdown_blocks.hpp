// The fenced code blocks of a Markdown file, for the tests that check the
// documentation's examples (tests/unit/docs/, conventions in docs/README.md).
// Header-only.
//
//   for (const auto& block : tensorplug::test::fenced_blocks(text)) {
//     if (block.language() == "console") ...  // block.line, block.lines
//   }
#pragma once

#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

namespace tensorplug::test {

/// One fenced code block (``` ... ```), possibly indented (inside a list).
struct FencedBlock {
  /// The info string after the opening fence, trimmed ("console",
  /// "cpp fragment", "console not-checked: trains for minutes", "").
  std::string info;
  /// The 1-based line of the opening fence.
  std::size_t line = 0;
  /// The content lines, without the fence's indentation.
  std::vector<std::string> lines;
  /// The `<!-- doc-test ... -->` comments on the lines right before the
  /// opening fence, each as the text between `doc-test` and `-->`, trimmed
  /// ("setup: cp a b").
  std::vector<std::string> directives;

  /// The info string's first word.
  std::string language() const { return info.substr(0, info.find(' ')); }
  /// The info string after its first word, trimmed ("" when none).
  std::string modifiers() const {
    const auto space = info.find(' ');
    if (space == std::string::npos) return "";
    return info.substr(info.find_first_not_of(' ', space));
  }
};

inline std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// Every fenced block of `markdown`, in order. An unclosed block runs to the
/// end of the text.
inline std::vector<FencedBlock> fenced_blocks(const std::string& markdown) {
  std::vector<FencedBlock> blocks;
  const std::vector<std::string> lines = split_lines(markdown);
  std::vector<std::string> pending;  // directives seen just before a fence
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const auto indent = line.find_first_not_of(' ');
    if (indent == std::string::npos || line.compare(indent, 3, "```") != 0) {
      const std::string t = trim(line);
      const std::string open = "<!-- doc-test";
      if (t.compare(0, open.size(), open) == 0 && t.size() >= open.size() + 3 &&
          t.compare(t.size() - 3, 3, "-->") == 0) {
        pending.push_back(
            trim(t.substr(open.size(), t.size() - open.size() - 3)));
      } else {
        pending.clear();
      }
      continue;
    }
    FencedBlock block;
    block.info = trim(line.substr(indent + 3));
    block.line = i + 1;
    block.directives = std::move(pending);
    pending.clear();
    for (++i; i < lines.size(); ++i) {
      const std::string& content = lines[i];
      const auto ci = content.find_first_not_of(' ');
      if (ci != std::string::npos && content.compare(ci, 3, "```") == 0 &&
          trim(content.substr(ci + 3)).empty()) {
        break;
      }
      block.lines.push_back(content.size() >= indent &&
                                    content.find_first_not_of(' ') >= indent
                                ? content.substr(indent)
                                : trim(content));
    }
    blocks.push_back(std::move(block));
  }
  return blocks;
}

}  // namespace tensorplug::test
