// docs/cli.md shows the tool's output; the figures in it that come from the
// ABI (the API version, the optional entries of a complete backend) are
// checked against plugin_api.h's macros, so a new entry or version fails
// here until the document follows.
#include <catch2/catch.hpp>

#include <tensorplug/plugin_api.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string read_doc(const char* relative) {
  const std::string path = std::string(TENSORPLUG_SOURCE_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  INFO("reading " << path);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Every match of `pattern`'s first group in `text`.
std::vector<std::string> captures(const std::string& text,
                                  const std::string& pattern) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re);
       it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1].str());
  }
  return out;
}

const std::vector<std::string>& optional_entries() {
  static const std::vector<std::string> names = {
#define TP_TEST_NAME_(name, type) #name,
      TP_OPTIONAL_ENTRIES(TP_TEST_NAME_)
#undef TP_TEST_NAME_
  };
  return names;
}

}  // namespace

TEST_CASE("docs/cli.md shows the API version this host speaks", "[docs]") {
  const std::string doc = read_doc("docs/cli.md");
  const std::string version = std::to_string(TP_API_VERSION_MAJOR) + "." +
                              std::to_string(TP_API_VERSION_MINOR);
  SECTION("every `host speaks` in the text output") {
    const auto found = captures(doc, R"(host speaks (\d+\.\d+))");
    REQUIRE_FALSE(found.empty());
    for (const auto& v : found) CHECK(v == version);
  }
  SECTION("every API version in the text output of a loaded backend") {
    const auto found = captures(doc, R"(API version +(\d+\.\d+))");
    REQUIRE_FALSE(found.empty());
    for (const auto& v : found) CHECK(v == version);
  }
  SECTION("every api_version and host_api_version in the JSON output") {
    const auto found =
        captures(doc, R"re("(?:host_)?api_version": "([^"]*)")re");
    REQUIRE_FALSE(found.empty());
    for (const auto& v : found) CHECK(v == version);
  }
}

TEST_CASE("docs/cli.md counts and lists every optional entry of a builtin",
          "[docs]") {
  const std::string doc = read_doc("docs/cli.md");
  const std::string count = std::to_string(optional_entries().size());
  SECTION("the builtins' rows of `list`") {
    const auto found = captures(
        doc,
        R"(\n[* ] (?:reference|native) +valid \(version declared, (\d+) optional entries\))");
    REQUIRE(found.size() >= 1);
    for (const auto& n : found) CHECK(n == count);
  }
  SECTION("optional_count in `list --json`") {
    const auto found = captures(doc, R"("optional_count": (\d+))");
    REQUIRE_FALSE(found.empty());
    for (const auto& n : found) CHECK(n == count);
  }
  SECTION("the reference backend's entries in `info`") {
    std::string expected;
    for (const auto& name : optional_entries()) {
      expected += (expected.empty() ? "" : ", ") + name;
    }
    CHECK(doc.find("  optional entries     " + expected + "\n") !=
          std::string::npos);
  }
}
