// Concurrent edits by tensorplug itself (issue 12, class 5): writers of one
// configuration directory are serialised, so no edit of a different key is
// lost, while a foreign writer is still detected (edit_test.cpp).
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "temp_dir.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/config_file.hpp"
#include "tensorplug/errors.hpp"

using tensorplug::ConfigOptions;
using tensorplug::test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr int kWriters = 4;

/// Forks kWriters children released together through a pipe; child i runs
/// `edit(i)` and exits 0 when it succeeded. Returns how many failed.
template <class Edit>
int run_concurrently(const Edit& edit) {
  int gate[2];
  REQUIRE(::pipe(gate) == 0);
  std::vector<pid_t> children;
  for (int i = 0; i < kWriters; ++i) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(gate[1]);
      char c;
      (void)!::read(gate[0], &c, 1);  // EOF when the parent closes the gate
      int status = 0;
      try {
        edit(i);
      } catch (...) {
        status = 1;
      }
      ::_exit(status);
    }
    children.push_back(pid);
  }
  ::close(gate[0]);
  ::close(gate[1]);
  int failed = 0;
  for (const pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
  }
  return failed;
}

}  // namespace

TEST_CASE("Four concurrent edits of different keys all land, round after round",
          "[config][concurrency]") {
  TempDir dir;
  ConfigOptions options;
  options.config_dir = dir.path();
  options.use_environment = false;
  const char* initial =
      "{\n    \"floatx\": \"float32\",\n    \"epsilon\": 1e-07,\n"
      "    \"backend\": \"reference\",\n"
      "    \"image_data_format\": \"channels_last\"\n}\n";
  int lost = 0;
  int failed = 0;
  for (int round = 0; round < 300; ++round) {
    dir.write("keras.json", initial);
    // Two writers unset keys, two set them to other values.
    failed += run_concurrently([&](int i) {
      switch (i) {
        case 0:
          tensorplug::unset_config_value("floatx", options);
          break;
        case 1:
          tensorplug::unset_config_value("epsilon", options);
          break;
        case 2:
          tensorplug::set_config_value("backend", "other", options);
          break;
        default:
          tensorplug::set_config_value("image_data_format", "channels_first",
                                       options);
      }
    });
    const auto contents = tensorplug::read_keras_json(options);
    if (contents.find("floatx") || contents.find("epsilon") ||
        contents.find("backend") != "\"other\"" ||
        contents.find("image_data_format") != "\"channels_first\"") {
      ++lost;
    }
  }
  CHECK(failed == 0);
  CHECK(lost == 0);
}
