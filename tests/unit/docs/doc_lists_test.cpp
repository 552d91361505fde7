// The lists the docs give of the ABI's entries, the core op set and the exit
// codes are checked against the code: the X-macros of plugin_api.h
// (TP_REQUIRED_ENTRIES, TP_LIFECYCLE_ENTRIES, TP_CORE_OPS_V1) and the
// ExitCode enumerators with the tool's names for them, so an entry, op or
// code added to one fails here until the other follows.
#include <catch2/catch.hpp>

#include <tensorplug/plugin_api.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "markdown_blocks.hpp"
#include "temp_dir.hpp"

using namespace tensorplug::test;

namespace {

std::string read_doc(const char* relative) {
  return read_file(std::filesystem::path(TENSORPLUG_SOURCE_DIR) / relative);
}

/// The lines of `doc` from the heading `title` to the next heading of the
/// same or a higher level.
std::vector<std::string> section(const std::string& doc,
                                 const std::string& title) {
  std::vector<std::string> out;
  bool inside = false;
  for (const auto& line : split_lines(doc)) {
    if (line.rfind("## ", 0) == 0) {
      if (inside) break;
      inside = line == title;
      continue;
    }
    if (inside) out.push_back(line);
  }
  return out;
}

std::vector<std::string> names_of(const std::string& text) {
  std::vector<std::string> names;
  const std::regex name("`([a-z_0-9]+)`");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), name);
       it != std::sregex_iterator(); ++it) {
    names.push_back((*it)[1]);
  }
  return names;
}

#define TP_TEST_NAME_(name, type) #name,
const std::vector<std::string> kRequired = {TP_REQUIRED_ENTRIES(TP_TEST_NAME_)};
const std::vector<std::string> kLifecycle = {
    TP_LIFECYCLE_ENTRIES(TP_TEST_NAME_)};
const std::vector<std::string> kOps = {TP_CORE_OPS_V1(TP_TEST_NAME_)};
#undef TP_TEST_NAME_

}  // namespace

TEST_CASE(
    "docs/cli.md's exit code table is tensorplug::ExitCode with the tool's "
    "kinds",
    "[docs]") {
  // The code's own lists: the enumerators of ExitCode (errors.hpp) and the
  // kind the tool names each by (error_kind in host/cli/output.cpp), whose
  // fallback `internal` is exit code 1.
  const std::string errors = read_doc("host/include/tensorplug/errors.hpp");
  const std::string output = read_doc("host/cli/output.cpp");
  const auto enum_at = errors.find("enum class ExitCode");
  REQUIRE(enum_at != std::string::npos);
  const std::string enumerators =
      errors.substr(enum_at, errors.find("};", enum_at) - enum_at);
  std::map<std::string, std::string> kinds;
  const std::regex kind_case(R"re(case ExitCode::(k\w+):\s*return "(\w+)";)re");
  for (auto it = std::sregex_iterator(output.begin(), output.end(), kind_case);
       it != std::sregex_iterator(); ++it) {
    kinds[(*it)[1]] = (*it)[2];
  }
  std::map<int, std::string> expected;
  const std::regex enumerator(R"((k\w+) = (\d+),)");
  for (auto it = std::sregex_iterator(enumerators.begin(), enumerators.end(),
                                      enumerator);
       it != std::sregex_iterator(); ++it) {
    INFO("error_kind() names " << (*it)[1]);
    REQUIRE(kinds.count((*it)[1]) == 1);
    const std::string kind = kinds[(*it)[1]];
    expected[std::stoi((*it)[2])] = kind == "none" ? "—" : "`" + kind + "`";
  }
  REQUIRE(expected.size() >= 7);
  REQUIRE(output.find("return \"internal\";") != std::string::npos);
  expected[1] = "`internal`";

  std::map<int, std::string> documented;
  const std::regex row(R"(^\| (\d+) \| ([^|]+?) \|.*)");
  for (const auto& line : section(read_doc("docs/cli.md"), "## Exit codes")) {
    std::smatch m;
    if (std::regex_match(line, m, row)) {
      INFO(line);
      CHECK(documented.count(std::stoi(m[1])) == 0);
      documented[std::stoi(m[1])] = m[2];
    }
  }
  CHECK(documented == expected);
}

TEST_CASE("docs/ops.md has one section per op of TP_CORE_OPS_V1", "[docs]") {
  std::multiset<std::string> documented;
  const std::regex heading(R"(^### ([a-z_0-9]+(?: / [a-z_0-9]+)*)$)");
  for (const auto& line : split_lines(read_doc("docs/ops.md"))) {
    std::smatch m;
    if (!std::regex_match(line, m, heading)) continue;
    const std::string names = m[1];
    for (std::size_t at = 0; at != std::string::npos;) {
      const auto slash = names.find(" / ", at);
      documented.insert(names.substr(at, slash - at));
      at = slash == std::string::npos ? slash : slash + 3;
    }
  }
  const std::multiset<std::string> ops(kOps.begin(), kOps.end());
  CHECK(documented == ops);
}

TEST_CASE(
    "docs/plugin-abi.md's table of entries is TP_REQUIRED_ENTRIES and "
    "TP_LIFECYCLE_ENTRIES",
    "[docs]") {
  std::vector<std::string> required, optional;
  bool ops_row = false;
  const std::regex row(R"(^\| ([^|]+) \| (yes|no) \|.*)");
  for (const auto& line : split_lines(read_doc("docs/plugin-abi.md"))) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    const std::string first = m[1];
    if (first.find("(version)") != std::string::npos) continue;
    if (first.find("TP_CORE_OPS_V1") != std::string::npos) {
      ops_row = true;
      continue;
    }
    auto& list = m[2] == "yes" ? required : optional;
    for (const auto& n : names_of(first)) list.push_back(n);
  }
  CHECK(ops_row);
  CHECK(std::set<std::string>(required.begin(), required.end()) ==
        std::set<std::string>(kRequired.begin(), kRequired.end()));
  CHECK(required.size() == kRequired.size());
  CHECK(std::set<std::string>(optional.begin(), optional.end()) ==
        std::set<std::string>(kLifecycle.begin(), kLifecycle.end()));
  CHECK(optional.size() == kLifecycle.size());
}
