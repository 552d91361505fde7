// keras.json that is present but unusable as a file or as JSON: each case is
// a ConfigError with its own message, and the file is never modified.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "config_fixture.hpp"
#include "temp_dir.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/errors.hpp"

using Catch::Matchers::Contains;
using tensorplug::ConfigError;
using tensorplug::ConfigOptions;
using tensorplug::load_config;
using tensorplug::test::EnvGuard;
using tensorplug::test::FileSnapshot;
using tensorplug::test::in_dir;
using tensorplug::test::TempDir;

namespace {
std::string error_for(const std::string& content) {
  return tensorplug::test::config_error_for(content).message;
}
}  // namespace

TEST_CASE(
    "A trailing comma is a syntax error with line and column and leaves "
    "the file untouched",
    "[config]") {
  const std::string message = error_for(
      "{\n    \"floatx\": \"float32\",\n    \"backend\": \"jax\",\n}\n");
  CHECK_THAT(message, Contains("Invalid JSON in "));
  CHECK_THAT(message, Contains("keras.json:4:1: unexpected `}`"));
  CHECK_THAT(message, Contains("a trailing comma before `}` is not allowed"));
  CHECK_THAT(message, Contains("Python Keras silently ignores such a file"));
}

TEST_CASE("Other syntax errors give the position of the offending character",
          "[config]") {
  SECTION("a missing comma") {
    const auto m = error_for("{\"floatx\": \"float32\"\n \"backend\": \"x\"}");
    CHECK_THAT(m, Contains("keras.json:2:2: unexpected `\"`"));
  }
  SECTION("single quotes, as Python prints a dict") {
    const auto m = error_for("{'backend': 'jax'}");
    CHECK_THAT(m, Contains("keras.json:1:2: unexpected `'`"));
    CHECK_THAT(m, Contains("JSON strings and keys need double quotes"));
  }
  SECTION("a comment") {
    const auto m = error_for("// my settings\n{}");
    CHECK_THAT(m, Contains("keras.json:1:1: unexpected `/`"));
    CHECK_THAT(m, Contains("JSON does not allow comments"));
  }
  SECTION("a truncated file") {
    const auto m = error_for("{\n  \"backend\": \"jax\"");
    CHECK_THAT(m, Contains("keras.json:2:19: unexpected end of file"));
  }
  SECTION("text after the object") {
    const auto m = error_for("{}\n}");
    CHECK_THAT(m, Contains("keras.json:2:1: unexpected `}` after the end of "
                           "the JSON object"));
  }
  SECTION("columns count characters, not bytes") {
    const auto m = error_for("{\"\xC3\xA9\xC3\xA9\": 1 2}");
    CHECK_THAT(m, Contains("keras.json:1:10: unexpected `2`"));
  }
  SECTION("a misspelt literal") {
    const auto m = error_for("{\"backend\": tru}");
    CHECK_THAT(m, Contains("keras.json:1:13:"));
  }
}

TEST_CASE("An empty file is an error, not the defaults", "[config]") {
  SECTION("zero bytes") {
    const auto m = error_for("");
    CHECK_THAT(m, Contains("the file is empty"));
  }
  SECTION("only white space") {
    const auto m = error_for("  \n\t\n");
    CHECK_THAT(m, Contains("nothing but white space"));
  }
}

TEST_CASE("Invalid UTF-8 is reported with byte offset, line and column",
          "[config]") {
  const auto m = error_for("{\n  \"backend\": \"caf\xE9\"\n}");
  // Byte 19 is the 0xE9 (Latin-1 "é") after `"caf` on line 2, column 18.
  CHECK_THAT(m, Contains("not valid UTF-8 at byte offset 19 (line 2, column "
                         "18)"));
  SECTION("after a BOM and multi-byte characters") {
    const auto m2 = error_for("\xEF\xBB\xBF{\"\xC3\xA9\": \"\xED\xA0\x80\"}");
    // Byte 11 starts an encoded surrogate; columns: { " é " : space " -> 8.
    CHECK_THAT(m2, Contains("at byte offset 11 (line 1, column 8)"));
  }
}

TEST_CASE("A UTF-8 byte-order mark is accepted", "[config]") {
  EnvGuard no_backend("KERAS_BACKEND", std::nullopt);
  TempDir dir;
  const auto file =
      dir.write("keras.json", "\xEF\xBB\xBF{\"backend\": \"jax\"}\n");
  const auto snapshot = FileSnapshot::take(file);
  const auto config = load_config(in_dir(dir));
  CHECK(config.settings.backend.value == "jax");
  CHECK(config.file_existed);
  CHECK(snapshot.unchanged(file));

  SECTION("and positions after it still count from the first character") {
    const auto m = error_for("\xEF\xBB\xBF{,}");
    CHECK_THAT(m, Contains("keras.json:1:2: unexpected `,`"));
  }
}

TEST_CASE("A top level that is not an object is an error naming what it is",
          "[config]") {
  CHECK_THAT(error_for("[\"jax\"]"),
             Contains("expected a JSON object ({...}) at the top level; "
                      "received an array at line 1, column 1"));
  CHECK_THAT(error_for("  \"jax\""),
             Contains("received a string at line 1, column 3"));
  CHECK_THAT(error_for("null"), Contains("received null"));
  CHECK_THAT(error_for("42"), Contains("received a number"));
}

TEST_CASE("A duplicate key is an error naming the key and both lines",
          "[config]") {
  const auto m = error_for(
      "{\n  \"backend\": \"jax\",\n  \"floatx\": \"float32\",\n"
      "  \"backend\": \"torch\"\n}");
  CHECK_THAT(m, Contains("duplicate key `backend` at line 2 and line 4"));
  CHECK_THAT(m, Contains("Python Keras would silently use the last one"));
}

TEST_CASE("Keys spelt with escapes are the same key", "[config]") {
  const auto m = error_for("{\"backend\": \"jax\", \"back\\u0065nd\": \"x\"}");
  CHECK_THAT(m, Contains("duplicate key `backend` at line 1 and line 1"));
}

TEST_CASE("A directory named keras.json is an error, not a crash", "[config]") {
  TempDir dir;
  std::filesystem::create_directory(dir / "keras.json");
  try {
    load_config(in_dir(dir));
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK_THAT(e.what(),
               Contains("Cannot read " + (dir / "keras.json").string() +
                        ": it is a directory, not a file"));
    CHECK_THAT(e.what(), Contains("directory source: application"));
  }
  CHECK(std::filesystem::is_directory(dir / "keras.json"));
  CHECK(std::filesystem::is_empty(dir / "keras.json"));
}

TEST_CASE("A keras.json that is not a regular file is refused without blocking",
          "[config]") {
  TempDir dir;
  REQUIRE(::mkfifo((dir / "keras.json").c_str(), 0600) == 0);
  CHECK_THROWS_WITH(load_config(in_dir(dir)),
                    Contains("it is not a regular file"));
}

TEST_CASE("An unreadable keras.json is an error with the OS reason",
          "[config]") {
  TempDir dir;
  const auto file = dir.write("keras.json", "{\"backend\": \"jax\"}");
  std::filesystem::permissions(file, std::filesystem::perms::none);
  const std::string expected =
      "Cannot read " + file.string() + ": Permission denied";
  if (::geteuid() != 0) {
    CHECK_THROWS_WITH(load_config(in_dir(dir)), Contains(expected));
    return;
  }
  // Root ignores permission bits: check in a child that becomes nobody.
  std::filesystem::permissions(
      dir.path(),
      std::filesystem::perms::group_exec | std::filesystem::perms::others_exec,
      std::filesystem::perm_options::add);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int code = 3;  // could not drop privileges
    if (::setgid(65534) == 0 && ::setuid(65534) == 0) {
      try {
        load_config(in_dir(dir));
        code = 2;
      } catch (const ConfigError& e) {
        code = std::string(e.what()).find(expected) == 0 ? 0 : 1;
      } catch (...) {
        code = 4;
      }
    }
    ::_exit(code);  // no destructors: the parent owns the directory
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 3) {
    WARN("running as root and cannot drop privileges: skipped");
    return;
  }
  CHECK(WEXITSTATUS(status) == 0);  // 1: other message, 2: no error
}

TEST_CASE("A symbolic link to a valid file is read through", "[config]") {
  EnvGuard no_backend("KERAS_BACKEND", std::nullopt);
  TempDir dir;
  const auto target = dir.write("real.json", "{\"backend\": \"torch\"}");
  std::filesystem::create_symlink(target, dir / "keras.json");
  const auto config = load_config(in_dir(dir));
  CHECK(config.settings.backend.value == "torch");
  CHECK(config.settings.backend.source.describe() ==
        "file " + (dir / "keras.json").string());
}
