// The torch backend (plugins/torch) is 120 MB of libtorch and ~280 shared
// libraries: listing, inspecting or checking it without loading must never
// map libtorch into the process; only selecting it does. Checked in-process
// through /proc/self/maps (each TEST_CASE runs in its own ctest process), and
// for the CLI through the dynamic loader's own log (LD_DEBUG=libs), with a
// positive control that selecting `torch` does load it.
#include <catch2/catch.hpp>

#if TENSORPLUG_HAVE_TORCH

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "run_process.hpp"
#include "temp_dir.hpp"
#include "tensorplug/inspect.hpp"
#include "tensorplug/resolve.hpp"

namespace fs = std::filesystem;

namespace {

fs::path torch_plugin() {
  return fs::path(TENSORPLUG_BUILTIN_DIR) / "torch.so";
}

bool libtorch_mapped() {
  std::ifstream maps("/proc/self/maps");
  std::stringstream s;
  s << maps.rdbuf();
  return s.str().find("libtorch_cpu") != std::string::npos;
}

tensorplug::test::ProcessResult run_cli(const std::vector<std::string>& args,
                                        const fs::path& home,
                                        const std::string& backend) {
  tensorplug::test::Environment env = tensorplug::test::minimal_environment();
  env["HOME"] = home.string();
  env["LD_DEBUG"] = "libs";
  if (!backend.empty()) env["KERAS_BACKEND"] = backend;
  std::vector<std::string> argv = {TENSORPLUG_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return tensorplug::test::run_process(argv, env, home);
}

/** True when the loader's log shows libtorch_cpu being loaded. */
bool loaded_libtorch(const tensorplug::test::ProcessResult& r) {
  return r.err.find("libtorch_cpu.so") != std::string::npos;
}

}  // namespace

TEST_CASE(
    "Listing and inspecting the torch backend does not map libtorch into "
    "the process",
    "[plugins][torch]") {
  REQUIRE(fs::exists(torch_plugin()));
  REQUIRE_FALSE(libtorch_mapped());
  const auto names = tensorplug::builtin_backend_names();
  CHECK(std::find(names.begin(), names.end(), "torch") != names.end());
  const auto resolution = tensorplug::resolve_backend("torch");
  CHECK(fs::equivalent(resolution.library, torch_plugin()));
  const auto report = tensorplug::inspect_library(torch_plugin());
  CHECK(report.valid());
  CHECK_FALSE(libtorch_mapped());
}

TEST_CASE(
    "tensorplug list and check --no-load leave libtorch unloaded, and "
    "selecting "
    "torch loads it and info shows its version",
    "[plugins][torch]") {
  REQUIRE(fs::exists(torch_plugin()));
  tensorplug::test::TempDir home;
  const auto list = run_cli({"list"}, home.path(), "");
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.find("torch") != std::string::npos);
  CHECK_FALSE(loaded_libtorch(list));
  const auto check = run_cli({"check", "--no-load", "torch"}, home.path(), "");
  CHECK(check.exit_code == 0);
  CHECK_FALSE(loaded_libtorch(check));
  // Another backend's info does not pay for libtorch either.
  const auto other = run_cli({"info"}, home.path(), "reference");
  CHECK(other.exit_code == 0);
  CHECK_FALSE(loaded_libtorch(other));
  // Positive control: the log does show libtorch when torch is selected.
  const auto info = run_cli({"info"}, home.path(), "torch");
  CHECK(info.exit_code == 0);
  CHECK(loaded_libtorch(info));
  CHECK(info.err.find("Using torch backend.") != std::string::npos);
  CHECK(info.out.find("libtorch 1.") != std::string::npos);
}

#endif  // TENSORPLUG_HAVE_TORCH
