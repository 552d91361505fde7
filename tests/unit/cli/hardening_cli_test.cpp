// The CLI on libraries that used to crash or fool it (issue 12): data objects
// named like entries, names only .symtab has, and libraries that crash the
// process inside dlopen. Each is refused with exit 4 and one error line.
#include <catch2/catch.hpp>

#include <string>

#include "cli_sandbox.hpp"
#include "fixture_paths.hpp"

using tensorplug::test::contains;
using tensorplug::test::Sandbox;

namespace {

int count_error_lines(const std::string& err) {
  int n = 0;
  for (std::size_t at = err.find("tensorplug: error:"); at != std::string::npos;
       at = err.find("tensorplug: error:", at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE(
    "check, check --no-load and info refuse data objects named like entries "
    "without crashing",
    "[cli][elf]") {
  Sandbox sb;
  for (const char* flag : {"", "--no-load"}) {
    std::vector<std::string> args = {"check"};
    if (*flag != '\0') args.push_back(flag);
    args.push_back(fixtures::kDataEntries);
    const auto r = sb.run(args);
    INFO(r.describe());
    CHECK(r.exit_code == 4);
    CHECK(count_error_lines(r.err) == 1);
    CHECK(contains(r.err, "a data object (STT_OBJECT), not a function"));
  }
  SECTION("info, with it as the configured backend") {
    sb.install(fixtures::kDataEntries, "root/my_pkg/data.so");
    sb.env["TENSORPLUG_PATH"] = sb.path("root").string();
    sb.env["KERAS_BACKEND"] = "my_pkg.data";
    const auto r = sb.run({"info"});
    INFO(r.describe());
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, "not a function"));
  }
  CHECK(sb.all_markers().empty());
}

TEST_CASE(
    "check refuses a library whose dynamic table lacks an entry only .symtab "
    "has, before loading it",
    "[cli][elf]") {
  Sandbox sb;
  const auto r = sb.run({"check", fixtures::kDynstrRenamed});
  INFO(r.describe());
  CHECK(r.exit_code == 4);
  CHECK(contains(r.err, "missing required entry `placeholder`"));
  CHECK(sb.all_markers().empty());
}

TEST_CASE(
    "A library that crashes the process inside dlopen is refused by check, "
    "use and info with exit 4",
    "[cli][elf]") {
  Sandbox sb;
  const std::string expected = std::string("the system loader crashed on ") +
                               fixtures::kCrashInDlopen + " (SIGSEGV)";
  SECTION("check") {
    const auto r = sb.run({"check", fixtures::kCrashInDlopen});
    INFO(r.describe());
    CHECK(r.exit_code == 4);
    CHECK(count_error_lines(r.err) == 1);
    CHECK(contains(r.err, expected));
  }
  SECTION("use, which then leaves keras.json alone") {
    sb.install(fixtures::kCrashInDlopen, "root/my_pkg/crash.so");
    sb.env["TENSORPLUG_PATH"] = sb.path("root").string();
    const auto r = sb.run({"use", "my_pkg.crash"});
    INFO(r.describe());
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, "the system loader crashed on"));
    CHECK_FALSE(std::filesystem::exists(sb.keras_json()));
  }
  SECTION("info") {
    const auto file =
        sb.install(fixtures::kCrashInDlopen, "root/my_pkg/crash.so");
    sb.env["TENSORPLUG_PATH"] = sb.path("root").string();
    sb.env["KERAS_BACKEND"] = "my_pkg.crash";
    const auto r = sb.run({"info"});
    INFO(r.describe());
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, "the system loader crashed on " + file.string()));
  }
}
