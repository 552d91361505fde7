// Validation before loading: export tables read from files, never run.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "fixture_paths.hpp"
#include "temp_dir.hpp"
#include "tensorplug/inspect.hpp"

using tensorplug::inspect_library;
namespace fs = std::filesystem;

namespace {
bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
std::vector<char> read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
void write_all(const fs::path& p, const std::vector<char>& bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}
}  // namespace

TEST_CASE(
    "A valid plugin's export table lists every required entry and the "
    "version declaration",
    "[inspect]") {
  const auto report = inspect_library(fixtures::kValid);
  CHECK(report.is_library);
  CHECK(report.valid());
  CHECK(report.required_missing.empty());
  CHECK(report.required_present ==
        std::vector<std::string>{"placeholder", "variable", "function"});
  CHECK(report.has_version_declaration);
  CHECK(report.problems().empty());
  SECTION("optional entries it exports are reported by their Keras names") {
    CHECK(contains(report.optional_provided, "get_value"));
    CHECK(contains(report.optional_provided, "tensor_release"));
    CHECK_FALSE(contains(report.optional_provided, "add"));
  }
}

TEST_CASE(
    "A plugin missing all three required entries is reported with every "
    "one of them and the file in one message",
    "[inspect]") {
  const auto report = inspect_library(fixtures::kMissingRequired);
  CHECK(report.is_library);
  CHECK_FALSE(report.valid());
  CHECK(report.required_missing ==
        std::vector<std::string>{"placeholder", "variable", "function"});
  const std::string message = report.problems();
  CHECK_THAT(message, Catch::Contains(fixtures::kMissingRequired));
  CHECK_THAT(message, Catch::Contains("`placeholder`, `variable`, `function`"));
  CHECK_THAT(message, Catch::Contains("TP_ABI_4"));
}

TEST_CASE("A plugin missing one entry is reported with only that entry",
          "[inspect]") {
  const auto report = inspect_library(fixtures::kMissingVariable);
  CHECK(report.required_missing == std::vector<std::string>{"variable"});
  CHECK_THAT(report.problems(), Catch::Contains("missing required entry "
                                                "`variable`"));
  CHECK_THAT(report.problems(), Catch::Contains("tp_variable"));
}

TEST_CASE("A plugin without a version declaration is refused", "[inspect]") {
  const auto report = inspect_library(fixtures::kNoVersion);
  CHECK(report.required_missing.empty());
  CHECK_FALSE(report.has_version_declaration);
  CHECK_FALSE(report.valid());
  CHECK_THAT(report.problems(), Catch::Contains("tp_negotiate_version"));
  CHECK_THAT(report.problems(), Catch::Contains("TP_ABI_2"));
}

TEST_CASE("Files that are not libraries get a precise reason and no crash",
          "[inspect]") {
  struct Case {
    const char* path;
    const char* reason;
  };
  const Case cases[] = {
      {fixtures::kNotALibrary, "not a shared library (no ELF header"},
      {fixtures::kEmpty, "empty file"},
      {fixtures::kTruncated, "truncated"},
      {fixtures::kWrongArch, "another architecture: AArch64"},
  };
  for (const auto& c : cases) {
    SECTION(c.path) {
      const auto report = inspect_library(c.path);
      CHECK_FALSE(report.is_library);
      CHECK_FALSE(report.valid());
      CHECK_THAT(report.format_error, Catch::Contains(c.reason));
      CHECK_THAT(report.problems(), Catch::Contains(c.path));
    }
  }
  SECTION("a directory") {
    tensorplug::test::TempDir dir;
    CHECK_THAT(inspect_library(dir.path()).format_error,
               Catch::Contains("directory"));
  }
  SECTION("a missing file") {
    tensorplug::test::TempDir dir;
    CHECK_FALSE(inspect_library(dir / "nope.so").is_library);
  }
  SECTION("an executable is not a shared library") {
    // /bin/true may be PIE (ET_DYN); then it simply has no tp_ entries.
    const auto report = inspect_library("/bin/true");
    CHECK_FALSE(report.valid());
  }
}

TEST_CASE("Corrupted copies of a real plugin never crash the inspector",
          "[inspect]") {
  // Every byte of the headers and tables mutated at random, with a fixed
  // seed; ASan in CI turns any out-of-bounds read into a failure.
  const auto original = read_all(fixtures::kValid);
  REQUIRE(original.size() > 4096);
  tensorplug::test::TempDir dir;
  const fs::path file = dir / "mutant.so";
  std::mt19937 rng(20261125);
  std::size_t refused = 0;
  for (int round = 0; round < 300; ++round) {
    auto bytes = original;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < flips; ++i) {
      // Bias toward the ELF header and the section table at the end.
      std::size_t pos;
      if (rng() % 2) {
        pos = rng() % 64;
      } else {
        pos = bytes.size() - 1 -
              rng() % std::min<std::size_t>(bytes.size(), 2048);
      }
      bytes[pos] = static_cast<char>(rng());
    }
    if (rng() % 5 == 0) bytes.resize(rng() % bytes.size());
    write_all(file, bytes);
    const auto report = inspect_library(file);
    if (!report.valid()) ++refused;
  }
  CHECK(refused > 0);  // the mutations do hit something
}

TEST_CASE("The reference backend exports only its tp_ entries", "[inspect]") {
  const auto report = inspect_library(fixtures::kReference);
  CHECK(report.valid());
  CHECK(report.unknown_entries.empty());
  CHECK(contains(report.optional_provided, "add"));
}
