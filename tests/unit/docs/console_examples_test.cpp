// The command examples of docs/cli.md, docs/configuration.md and README.md
// are golden-output tests: every ```console block is run in a sandbox and
// each command's output compared with what the doc shows (conventions in
// docs/README.md), so a change of output fails here until the doc follows.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "console_example.hpp"
#include "fixture_paths.hpp"
#include "markdown_blocks.hpp"
#include "run_process.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace tensorplug::test;
using namespace tensorplug::test::docs;

namespace {

const char* const kCheckedDocs[] = {"docs/cli.md", "docs/configuration.md",
                                    "README.md"};

/// The paths the docs show, and what stands for them in a sandbox.
constexpr const char* kDocHome = "/home/ada";
constexpr const char* kDocRoot = "/opt/tp";
constexpr const char* kDocPrefix = "/usr/local";

std::string read_doc(const std::string& relative) {
  return read_file(fs::path(TENSORPLUG_SOURCE_DIR) / relative);
}

void link_or_copy(const fs::path& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  std::error_code ec;
  fs::create_hard_link(from, to, ec);
  if (ec) fs::copy_file(from, to);
}

/// An installed tensorplug as the docs show it, `/usr/local`: the tool and
/// the conformance kit in bin/, the host library in lib/, the builtins
/// native and reference in lib/tensorplug/backends (so that the installed
/// builtins do not depend on which optional backends this build makes).
/// Made once per test process. The examples start the tool through PATH,
/// as users do (argv[0] is then just "tensorplug").
const fs::path& installed_prefix() {
  static TempDir dir;
  static const fs::path prefix = [] {
    const fs::path bin = fs::path(TENSORPLUG_CLI_PATH).parent_path();
    const fs::path p = dir / "usr" / "local";
    const fs::path lib = fs::path(TENSORPLUG_LIBRARY_PATH).parent_path();
    link_or_copy(TENSORPLUG_CLI_PATH, p / "bin" / "tensorplug");
    if (fs::exists(bin / "tensorplug-conformance")) {
      link_or_copy(bin / "tensorplug-conformance",
                   p / "bin" / "tensorplug-conformance");
    }
    fs::create_directories(p / "lib");
    for (const auto& e : fs::directory_iterator(lib)) {
      const fs::path name = e.path().filename();
      if (name.string().rfind("libtensorplug.so", 0) != 0) continue;
      if (e.is_symlink()) {
        fs::copy_symlink(e.path(), p / "lib" / name);
      } else {
        link_or_copy(e.path(), p / "lib" / name);
      }
    }
    for (const char* name : {"native.so", "reference.so"}) {
      link_or_copy(fs::path(TENSORPLUG_BUILTIN_DIR) / name,
                   p / "lib" / "tensorplug" / "backends" / name);
    }
    return p;
  }();
  return prefix;
}

void replace_all(std::string& text, const std::string& from,
                 const std::string& to) {
  if (from.empty()) return;
  for (auto at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

/// One sandbox for one console block: HOME, a search root holding fixtures
/// (the docs' /opt/tp), TMPDIR, and the installed prefix.
class DocSandbox {
 public:
  explicit DocSandbox(std::string doc_home) : doc_home_(std::move(doc_home)) {
    for (const char* d : {"home", "opt/tp", "tmp"}) {
      fs::create_directories(tmp_ / d);
    }
    // The search root the docs use: a dotted module, a valid package
    // module and a broken library.
    link_or_copy(fixtures::kValid, tmp_ / "opt/tp/acme/fastcpu.so");
    link_or_copy(fixtures::kValid, tmp_ / "opt/tp/my_package/my_module.so");
    link_or_copy(fixtures::kMissingVariable, tmp_ / "opt/tp/broken.so");
  }

  /// (doc path, sandbox path); no path is part of another.
  std::vector<std::pair<std::string, std::string>> mapping() const {
    return {{doc_home_, (tmp_ / "home").string()},
            {kDocRoot, (tmp_ / "opt/tp").string()},
            {kDocPrefix, installed_prefix().string()}};
  }
  /// A command of the doc, with the sandbox's paths for the doc's.
  std::string to_sandbox(std::string text) const {
    for (const auto& [doc, real] : mapping()) replace_all(text, doc, real);
    return text;
  }
  /// An output, with the doc's paths for the sandbox's (TMPDIR is /tmp).
  std::string to_doc(std::string text) const {
    for (const auto& [doc, real] : mapping()) replace_all(text, real, doc);
    replace_all(text, (tmp_ / "tmp").string(), "/tmp");
    replace_all(text, fs::path(TENSORPLUG_BUILTIN_DIR).string(),
                std::string(kDocPrefix) + "/lib/tensorplug/backends");
    return text;
  }

  Environment environment() const {
    Environment env = minimal_environment();
    env["PATH"] = (installed_prefix() / "bin").string() + ":" + env["PATH"];
    env["HOME"] = (tmp_ / "home").string();
    env["TMPDIR"] = (tmp_ / "tmp").string();
    env["NO_COLOR"] = "1";
    env["FIXTURES"] = fixtures::kRoot;
    return env;
  }
  fs::path home() const { return tmp_ / "home"; }

 private:
  std::string doc_home_;
  TempDir tmp_;
};

constexpr char kBegin = '\036';
constexpr char kEnd = '\037';

/// The shell script running a block: its setup (from `<!-- doc-test
/// setup: ... -->`), then each command between markers, the end marker
/// carrying the command's exit status; `$?` is the previous command's.
std::string block_script(const DocSandbox& sandbox,
                         const std::vector<std::string>& setup,
                         const std::vector<ConsoleCommand>& commands) {
  std::string script = "exec 2>&1\ncd \"$HOME\"\n";
  for (const auto& s : setup) {
    script += sandbox.to_sandbox(s) +
              " || { echo 'doc-test setup failed'; exit 125; }\n";
  }
  script += "__tp_status=0\n";
  for (const auto& c : commands) {
    script += "printf '\\036'; (exit $__tp_status)\n";
    script += sandbox.to_sandbox(c.command) + "\n";
    script += "__tp_status=$?; printf '\\037%d\\n' $__tp_status\n";
  }
  return script;
}

struct Actual {
  std::string output;
  int status = 0;
};

/// Each command's output and status, from the script's marked output.
std::vector<Actual> split_actual(const std::string& out) {
  std::vector<Actual> actual;
  for (auto begin = out.find(kBegin); begin != std::string::npos;
       begin = out.find(kBegin, begin + 1)) {
    const auto end = out.find(kEnd, begin + 1);
    if (end == std::string::npos) break;
    Actual a;
    a.output = out.substr(begin + 1, end - begin - 1);
    a.status = std::stoi(out.substr(end + 1));
    actual.push_back(a);
    begin = end;
  }
  return actual;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return text;
}

std::string directive(const FencedBlock& block, const std::string& name) {
  for (const auto& d : block.directives) {
    if (d.rfind(name + ":", 0) == 0) return trim(d.substr(name.size() + 1));
  }
  return "";
}

/// Runs one checked console block and checks every command's output.
void check_console_block(const std::string& doc, const FencedBlock& block) {
  const auto commands = console_commands(block);
  INFO(doc << ":" << block.line << ": console block");
  REQUIRE_FALSE(commands.empty());
  REQUIRE(!commands.front().command.empty());  // output before any `$ `
  const std::string home = directive(block, "home");
  const DocSandbox sandbox(home.empty() ? kDocHome : home);
  std::vector<std::string> setup;
  for (const auto& d : block.directives) {
    if (d.rfind("setup:", 0) == 0) setup.push_back(trim(d.substr(6)));
  }
  const ProcessResult r =
      run_process({"/bin/sh", "-c", block_script(sandbox, setup, commands)},
                  sandbox.environment(), sandbox.home());
  INFO(r.describe());
  REQUIRE(r.exit_code != 125);
  const auto actual = split_actual(r.out);
  REQUIRE(actual.size() == commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const auto& c = commands[i];
    std::vector<std::string> expected = c.expected;
    for (auto& line : expected) line = normalized(line);
    while (!expected.empty() && expected.back().empty()) expected.pop_back();
    const auto got = output_lines(sandbox.to_doc(actual[i].output));
    INFO(doc << ":" << c.line << ": $ " << c.command
             << "\n--- the doc shows ---\n"
             << joined(expected) << "--- the command printed (exit "
             << actual[i].status << ", paths as in the docs) ---\n"
             << joined(got));
    CHECK(lines_match(expected, 0, got, 0));
    if (actual[i].status != 0) {
      INFO("a command that fails must be followed by `$ echo $?`");
      CHECK((i + 1 < commands.size() && commands[i + 1].command == "echo $?"));
    }
  }
}

bool is_command_block(const FencedBlock& block) {
  const std::string lang = block.language();
  if (lang == "console" || lang == "sh" || lang == "bash" || lang == "shell") {
    return true;
  }
  for (const auto& line : block.lines) {
    if (line.rfind("$ ", 0) == 0) return true;
  }
  return false;
}

/// "" for a checked console block, else why it is not checked.
std::string not_checked_reason(const FencedBlock& block) {
  const std::string mod = block.modifiers();
  const std::string tag = "not-checked:";
  return mod.rfind(tag, 0) == 0 ? trim(mod.substr(tag.size())) : "";
}

}  // namespace

TEST_CASE(
    "every command example of the checked docs is a console block, checked "
    "or saying why not",
    "[docs]") {
  for (const char* doc : kCheckedDocs) {
    for (const auto& block : fenced_blocks(read_doc(doc))) {
      if (!is_command_block(block)) continue;
      INFO(doc << ":" << block.line << ": ```" << block.info);
      CHECK(block.language() == "console");
      const std::string mod = block.modifiers();
      if (!mod.empty()) {
        INFO("the only modifier is `not-checked: <reason>`");
        CHECK(!not_checked_reason(block).empty());
      }
      for (const auto& c : console_commands(block)) {
        INFO("line " << c.line
                     << ": every line before the first `$ ` is a "
                        "command");
        CHECK(!c.command.empty());
      }
    }
  }
}

TEST_CASE("the console examples of docs/cli.md print what the doc shows",
          "[docs]") {
  for (const auto& block : fenced_blocks(read_doc("docs/cli.md"))) {
    if (block.language() == "console" && block.modifiers().empty()) {
      check_console_block("docs/cli.md", block);
    }
  }
}

TEST_CASE(
    "the console examples of docs/configuration.md print what the doc shows",
    "[docs]") {
  std::size_t checked = 0;
  for (const auto& block : fenced_blocks(read_doc("docs/configuration.md"))) {
    if (block.language() == "console" && block.modifiers().empty()) {
      check_console_block("docs/configuration.md", block);
      ++checked;
    }
  }
  CHECK(checked > 0);
}

TEST_CASE("the console examples of README.md print what the doc shows",
          "[docs]") {
  for (const auto& block : fenced_blocks(read_doc("README.md"))) {
    if (block.language() == "console" && block.modifiers().empty()) {
      check_console_block("README.md", block);
    }
  }
}

TEST_CASE("the golden-output matching of console examples", "[docs]") {
  SECTION("a line without placeholders must be equal") {
    CHECK(line_matches("exit 3", "exit 3"));
    CHECK_FALSE(line_matches("exit 3", "exit 4"));
  }
  SECTION("`<N>` stands for a number and `...` for any text in a line") {
    CHECK(line_matches("gemm_32 <N> us (x1.00)", "gemm_32 46.18 us (x1.00)"));
    CHECK_FALSE(line_matches("gemm_32 <N> us", "gemm_32 fast us"));
    CHECK(line_matches("Paths tried: ...", "Paths tried: a, b (c)"));
  }
  SECTION("a line `...` stands for any number of lines") {
    const std::vector<std::string> expected = {"a", "...", "z"};
    CHECK(lines_match(expected, 0, {"a", "z"}, 0));
    CHECK(lines_match(expected, 0, {"a", "b", "c", "z"}, 0));
    CHECK_FALSE(lines_match(expected, 0, {"a", "b"}, 0));
  }
}
