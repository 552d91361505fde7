// Every C and C++ example of the docs (docs/*.md, README.md) and of the
// public headers' comments is extracted and compiled (conventions in
// docs/README.md): C as C11 against plugin_api.h, C++ as C++20 against the
// host, plugin and toolkit headers. One compiler invocation per language
// checks them all; `#line` points each diagnostic at the doc's own line.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "markdown_blocks.hpp"
#include "run_process.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace tensorplug::test;

namespace {

/// One example: where it is, its language ("c", "cpp") and whether it is a
/// fragment (statements wrapped into a function body).
struct CodeExample {
  std::string file;  ///< relative to the source tree
  FencedBlock block;
  bool fragment = false;
};

fs::path source_dir() { return TENSORPLUG_SOURCE_DIR; }

/// The text of the comments of a C or C++ header, line for line (code lines
/// become empty), with the comment markers (`//`, `///`, ` * `) removed, so
/// that its fenced examples are Markdown blocks on the header's own lines.
std::string header_comments(const std::string& source) {
  std::string text;
  bool in_block = false;
  for (const std::string& raw : split_lines(source)) {
    std::string line;
    const std::string t = trim(raw);
    if (in_block) {
      if (t.find("*/") != std::string::npos) {
        in_block = false;
      } else {
        line = t.rfind("*", 0) == 0 ? raw.substr(raw.find('*') + 1) : raw;
      }
    } else if (t.rfind("/**", 0) == 0 || t.rfind("/*", 0) == 0) {
      in_block = t.find("*/") == std::string::npos;
    } else if (t.rfind("//", 0) == 0) {
      line = t.substr(t.rfind("///", 0) == 0 ? 3 : 2);
    }
    if (!line.empty() && line.front() == ' ') line.erase(0, 1);
    text += line + "\n";
  }
  return text;
}

std::vector<std::string> markdown_files() {
  std::vector<std::string> files = {"README.md"};
  for (const auto& e : fs::directory_iterator(source_dir() / "docs")) {
    if (e.path().extension() == ".md") {
      files.push_back("docs/" + e.path().filename().string());
    }
  }
  return files;
}

std::vector<std::string> header_files() {
  std::vector<std::string> files;
  for (const char* dir :
       {"host/include/tensorplug", "plugin_api/include/tensorplug"}) {
    for (const auto& e : fs::directory_iterator(source_dir() / dir)) {
      const std::string ext = e.path().extension().string();
      if (ext == ".h" || ext == ".hpp") {
        files.push_back(std::string(dir) + "/" + e.path().filename().string());
      }
    }
  }
  return files;
}

bool is_code_language(const std::string& lang) {
  return lang == "c" || lang == "cpp" || lang == "c++";
}

/// Every C/C++ block of the docs and of the headers' comments.
std::vector<CodeExample> code_examples() {
  std::vector<CodeExample> examples;
  auto collect = [&](const std::string& file, const std::string& text) {
    for (auto& block : fenced_blocks(text)) {
      if (!is_code_language(block.language())) continue;
      const bool fragment = block.modifiers() == "fragment";
      examples.push_back({file, std::move(block), fragment});
    }
  };
  for (const auto& f : markdown_files()) {
    collect(f, read_file(source_dir() / f));
  }
  for (const auto& f : header_files()) {
    collect(f, header_comments(read_file(source_dir() / f)));
  }
  return examples;
}

/// What a C++ fragment can use: every public header of the host, and these
/// names (documented in docs/README.md).
constexpr const char* kFragmentPrelude = R"(#include <tensorplug/array.hpp>
#include <tensorplug/backend.hpp>
#include <tensorplug/config.hpp>
#include <tensorplug/errors.hpp>
#include <tensorplug/keras.hpp>
#include <tensorplug/ops.hpp>
#include <tensorplug/resolve.hpp>
namespace K = tensorplug::keras;
using tensorplug::Ints;
[[maybe_unused]] static void tp_doc_fragment(
    [[maybe_unused]] tensorplug::Backend& backend,
    [[maybe_unused]] tensorplug::Tensor x, [[maybe_unused]] tensorplug::Tensor y,
    [[maybe_unused]] tensorplug::Tensor w, [[maybe_unused]] tensorplug::Tensor b,
    [[maybe_unused]] const tensorplug::Array& input) {
{  // a block of its own: the fragment may declare names of the parameters
)";

/// The translation unit of one example, its lines mapped to the doc's.
std::string translation_unit(const CodeExample& e) {
  std::string tu;
  if (e.fragment) tu += kFragmentPrelude;
  tu += "#line " + std::to_string(e.block.line + 1) + " \"" +
        (source_dir() / e.file).string() + "\"\n";
  for (const auto& line : e.block.lines) tu += line + "\n";
  if (e.fragment) tu += "}}\n";
  return tu;
}

std::vector<std::string> include_flags() {
  std::vector<std::string> flags;
  for (const char* dir :
       {"host/include", "plugin_api/include", "plugin_api/toolkit/include",
        // the toolkit's headers include each other by their path under it
        "plugin_api/toolkit/include/tensorplug/toolkit"}) {
    flags.push_back("-I" + (source_dir() / dir).string());
  }
  return flags;
}

/// Compiles every example of one language in one compiler run.
ProcessResult compile_all(const std::vector<CodeExample>& examples, bool c,
                          const TempDir& dir, std::size_t& count) {
  std::vector<std::string> argv;
  if (c) {
    argv = {TENSORPLUG_DOC_CC, "-std=c11", "-pedantic-errors"};
  } else {
    argv = {TENSORPLUG_DOC_CXX, "-std=c++20"};
  }
  // Examples name results they do not use (`auto out = f(...)`).
  argv.insert(argv.end(),
              {"-fsyntax-only", "-Wall", "-Werror", "-Wno-unused-variable",
               "-Wno-unused-but-set-variable"});
  for (const auto& f : include_flags()) argv.push_back(f);
  count = 0;
  for (const auto& e : examples) {
    if ((e.block.language() == "c") != c) continue;
    const auto name =
        "example_" + std::to_string(count++) + (c ? ".c" : ".cpp");
    argv.push_back(dir.write(name, translation_unit(e)).string());
  }
  return run_process(argv, minimal_environment(), dir.path(),
                     std::chrono::minutes(5));
}

}  // namespace

TEST_CASE("every C and C++ example of the docs and headers compiles",
          "[docs]") {
  const auto examples = code_examples();
  // The docs hold C examples (plugin-abi.md) and C++ ones (README.md,
  // app-guide.md, toolkit.md, the headers): finding none means the
  // extraction broke.
  const TempDir dir;
  for (const bool c : {true, false}) {
    DYNAMIC_SECTION((c ? "the C examples, as C11 against plugin_api.h"
                       : "the C++ examples, as C++20 against the public "
                         "headers")) {
      std::size_t count = 0;
      const ProcessResult r = compile_all(examples, c, dir, count);
      INFO(count << (c ? " C" : " C++") << " examples\n" << r.describe());
      CHECK(count > 0);
      CHECK(r.exit_code == 0);
    }
  }
}

TEST_CASE("the code examples follow the marking convention", "[docs]") {
  for (const auto& e : code_examples()) {
    INFO(e.file << ":" << e.block.line << ": ```" << e.block.info);
    CHECK((e.block.modifiers().empty() || e.fragment));
    CHECK((!e.fragment || e.block.language() != "c"));
  }
  SECTION("no header comment holds an unmarked code example") {
    // An example in a comment is an indented run of code-like lines; each
    // must sit inside a ```c/```cpp fence.
    for (const auto& f : header_files()) {
      const std::string text = header_comments(read_file(source_dir() / f));
      std::vector<bool> fenced(split_lines(text).size() + 1, false);
      for (const auto& block : fenced_blocks(text)) {
        for (std::size_t i = 0; i <= block.lines.size() + 1; ++i) {
          if (block.line - 1 + i < fenced.size())
            fenced[block.line - 1 + i] = true;
        }
      }
      const auto lines = split_lines(text);
      for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        const std::string t = trim(line);
        const bool indented = line.rfind("  ", 0) == 0;
        const bool code_like =
            !t.empty() &&
            (t.back() == ';' || t.back() == '{' || t.rfind("auto ", 0) == 0 ||
             t.rfind("#include", 0) == 0);
        INFO(f << ":" << i + 1 << ": " << line);
        CHECK_FALSE((indented && code_like && !fenced[i]));
      }
    }
  }
}

TEST_CASE("unlabelled blocks of the docs hold no C or C++ code", "[docs]") {
  for (const auto& f : markdown_files()) {
    for (const auto& block : fenced_blocks(read_file(source_dir() / f))) {
      if (!block.language().empty()) continue;
      for (const auto& line : block.lines) {
        INFO(f << ":" << block.line << ": label C/C++ examples ```c or ```cpp");
        CHECK(line.rfind("#include", 0) != 0);
      }
    }
  }
}
