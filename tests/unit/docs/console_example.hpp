// A ```console example of the documentation (conventions in docs/README.md):
// its commands with the output the doc shows for each, and the matching of
// an actual output against it with the placeholders `...` and `<N>`.
#pragma once

#include <algorithm>
#include <cstddef>
#include <regex>
#include <string>
#include <vector>

#include "markdown_blocks.hpp"

namespace tensorplug::test::docs {

/// One `$ ` command of a console example and the lines shown after it.
struct ConsoleCommand {
  std::size_t line = 0;  ///< 1-based line of the `$ ` in the Markdown file
  std::string command;   ///< continuation lines (`\` at the end) joined
  std::vector<std::string> expected;
};

/// The commands of a console block; lines before the first `$ ` are an
/// error (returned as a command with an empty `command`).
inline std::vector<ConsoleCommand> console_commands(const FencedBlock& block) {
  std::vector<ConsoleCommand> commands;
  for (std::size_t i = 0; i < block.lines.size(); ++i) {
    const std::string& line = block.lines[i];
    if (line.rfind("$ ", 0) == 0) {
      ConsoleCommand c;
      c.line = block.line + 1 + i;
      c.command = line.substr(2);
      while (!c.command.empty() && c.command.back() == '\\' &&
             i + 1 < block.lines.size()) {
        c.command += "\n" + block.lines[++i];
      }
      commands.push_back(std::move(c));
    } else if (commands.empty()) {
      commands.push_back({block.line + 1 + i, "", {line}});
    } else {
      commands.back().expected.push_back(line);
    }
  }
  return commands;
}

/// Whether one actual line matches one expected line: equal, or, when the
/// expected line holds `...` (any text) or `<N>` (a number), matching it
/// with those as wildcards.
inline bool line_matches(const std::string& expected,
                         const std::string& actual) {
  if (expected.find("...") == std::string::npos &&
      expected.find("<N>") == std::string::npos) {
    return expected == actual;
  }
  std::string pattern;
  for (std::size_t i = 0; i < expected.size();) {
    if (expected.compare(i, 3, "...") == 0) {
      pattern += ".*";
      i += 3;
    } else if (expected.compare(i, 3, "<N>") == 0) {
      pattern += R"([0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?)";
      i += 3;
    } else {
      const char c = expected[i++];
      if (std::string_view(R"(\^$.|?*+()[]{})").find(c) !=
          std::string_view::npos) {
        pattern += '\\';
      }
      pattern += c;
    }
  }
  return std::regex_match(actual, std::regex(pattern));
}

/// Whether `actual` matches `expected` line by line; an expected line that
/// is `...` alone matches any number of lines (none included).
inline bool lines_match(const std::vector<std::string>& expected, std::size_t e,
                        const std::vector<std::string>& actual, std::size_t a) {
  if (e == expected.size()) return a == actual.size();
  if (expected[e] == "...") {
    for (std::size_t skip = a; skip <= actual.size(); ++skip) {
      if (lines_match(expected, e + 1, actual, skip)) return true;
    }
    return false;
  }
  return a < actual.size() && line_matches(expected[e], actual[a]) &&
         lines_match(expected, e + 1, actual, a + 1);
}

/// `line` without trailing white space and with every run of two or more
/// spaces after the indentation made two: the tool aligns columns to the
/// longest path, and the sandbox's paths are longer than the docs'.
inline std::string normalized(std::string line) {
  line.erase(line.find_last_not_of(" \t\r") + 1);
  const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
  std::string out = line.substr(0, indent);
  for (std::size_t i = indent; i < line.size(); ++i) {
    if (line[i] == ' ' && i + 1 < line.size() && line[i + 1] == ' ') {
      out += "  ";
      while (i + 1 < line.size() && line[i + 1] == ' ') ++i;
    } else {
      out += line[i];
    }
  }
  return out;
}

/// `text` as normalized lines, trailing empty lines dropped.
inline std::vector<std::string> output_lines(const std::string& text) {
  std::vector<std::string> lines = split_lines(text);
  for (auto& line : lines) line = normalized(line);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

}  // namespace tensorplug::test::docs
