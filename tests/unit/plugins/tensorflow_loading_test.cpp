// The tensorflow backend (plugins/tensorflow) dlopens TensorFlow's ~850 MB of
// libraries when its first context starts, never when the plugin is loaded:
// listing, inspecting or checking it without loading, and using another
// backend, must never map libtensorflow into the process; only selecting
// `tensorflow` does, and then TensorFlow says nothing on stderr at the
// default log level. Checked in-process through /proc/self/maps (each
// TEST_CASE runs in its own ctest process), and for the CLI through the
// dynamic loader's own log (LD_DEBUG=libs), with a positive control.
#include <catch2/catch.hpp>

#if TENSORPLUG_HAVE_TENSORFLOW

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

fs::path tensorflow_plugin() {
  return fs::path(TENSORPLUG_BUILTIN_DIR) / "tensorflow.so";
}

bool libtensorflow_mapped() {
  std::ifstream maps("/proc/self/maps");
  std::stringstream s;
  s << maps.rdbuf();
  return s.str().find("libtensorflow") != std::string::npos;
}

tensorplug::test::ProcessResult run_cli(const std::vector<std::string>& args,
                                        const fs::path& home,
                                        const std::string& backend,
                                        bool loader_log,
                                        const std::string& preload = {}) {
  tensorplug::test::Environment env = tensorplug::test::minimal_environment();
  if (!preload.empty()) env["LD_PRELOAD"] = preload;
  env["HOME"] = home.string();
  if (loader_log) env["LD_DEBUG"] = "libs";
  if (!backend.empty()) env["KERAS_BACKEND"] = backend;
  std::vector<std::string> argv = {TENSORPLUG_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return tensorplug::test::run_process(argv, env, home);
}

/** True when the loader's log shows libtensorflow_cc being loaded. */
bool loaded_tensorflow(const tensorplug::test::ProcessResult& r) {
  return r.err.find("libtensorflow_cc.so") != std::string::npos;
}

/**
 * True when `err` holds a line of TensorFlow's own logging (absl's
 * "I0000 00:00:..." prefix, or the lines it prints at load and first run).
 */
bool tensorflow_logged(const std::string& err) {
  for (const char* mark :
       {"I0000", "W0000", "E0000", "oneDNN", "cpu_feature_guard", "port.cc",
        "absl::InitializeLog", "mlir_graph_optimization"}) {
    if (err.find(mark) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE(
    "Listing and inspecting the tensorflow backend does not map TensorFlow "
    "into the process",
    "[plugins][tensorflow]") {
  REQUIRE(fs::exists(tensorflow_plugin()));
  REQUIRE_FALSE(libtensorflow_mapped());
  const auto names = tensorplug::builtin_backend_names();
  CHECK(std::find(names.begin(), names.end(), "tensorflow") != names.end());
  const auto resolution = tensorplug::resolve_backend("tensorflow");
  CHECK(fs::equivalent(resolution.library, tensorflow_plugin()));
  const auto report = tensorplug::inspect_library(tensorflow_plugin());
  CHECK(report.valid());
  CHECK_FALSE(libtensorflow_mapped());
}

TEST_CASE(
    "tensorplug list and check --no-load leave TensorFlow unloaded, and "
    "selecting tensorflow loads it silently and info shows its version",
    "[plugins][tensorflow]") {
  REQUIRE(fs::exists(tensorflow_plugin()));
  tensorplug::test::TempDir home;
  SECTION("list, check --no-load and another backend's info never load it") {
    const auto list = run_cli({"list"}, home.path(), "", true);
    REQUIRE(list.exit_code == 0);
    CHECK(list.out.find("tensorflow") != std::string::npos);
    CHECK_FALSE(loaded_tensorflow(list));
    const auto check =
        run_cli({"check", "--no-load", "tensorflow"}, home.path(), "", true);
    CHECK(check.exit_code == 0);
    CHECK_FALSE(loaded_tensorflow(check));
    const auto other = run_cli({"info"}, home.path(), "reference", true);
    CHECK(other.exit_code == 0);
    CHECK_FALSE(loaded_tensorflow(other));
  }
  SECTION("selecting it loads it (the positive control)") {
    const auto info = run_cli({"info"}, home.path(), "tensorflow", true);
    INFO(info.err);
    CHECK(info.exit_code == 0);
    CHECK(loaded_tensorflow(info));
  }
  SECTION(
      "info prints the backend and TensorFlow's version, and nothing of "
      "TensorFlow's own logging") {
    const auto info = run_cli({"info"}, home.path(), "tensorflow", false);
    INFO(info.out);
    INFO(info.err);
    CHECK(info.exit_code == 0);
    CHECK(info.err.find("Using tensorflow backend.") != std::string::npos);
    CHECK(info.out.find("TensorFlow 2.") != std::string::npos);
    CHECK_FALSE(tensorflow_logged(info.err));
  }
  SECTION("the keras.json Python Keras writes by default just works") {
    fs::create_directories(home.path() / ".keras");
    std::ofstream(home.path() / ".keras" / "keras.json")
        << "{\n    \"floatx\": \"float32\",\n    \"epsilon\": 1e-07,\n"
           "    \"backend\": \"tensorflow\",\n"
           "    \"image_data_format\": \"channels_last\"\n}";
    const auto info = run_cli({"info"}, home.path(), "", false);
    INFO(info.err);
    CHECK(info.exit_code == 0);
    CHECK(info.err.find("Using tensorflow backend.") != std::string::npos);
    CHECK(info.err.find("warning") == std::string::npos);
  }
  SECTION("running functions on it prints nothing of TensorFlow's logging") {
    // The session's first run is where TensorFlow logs its CPU features and
    // graph passes; `bench --smoke` compiles and runs real functions.
    const auto bench = run_cli({"bench", "--smoke", "--backends", "tensorflow",
                                "--workloads", "tiny,mlp_step"},
                               home.path(), "", false);
    INFO(bench.out);
    INFO(bench.err);
    CHECK(bench.exit_code == 0);
    CHECK_FALSE(tensorflow_logged(bench.err));
  }
// Not under AddressSanitizer: its runtime must come first in the process
// (a preloaded library before it aborts the CLI), and it refuses
// RTLD_DEEPBIND, so the ASan build opens TensorFlow without it.
#if defined(TENSORPLUG_SYSTEM_PROTOBUF) && !defined(__SANITIZE_ADDRESS__)
  SECTION("an application that links Debian's protobuf can use it") {
    // TensorFlow carries its own protobuf and exports its symbols; without
    // RTLD_DEEPBIND its references bound to the application's copy and it
    // crashed while loading (it did in tensorplug_bench_epoch, which links
    // libtorch and so libprotobuf).
    const auto bench = run_cli({"bench", "--smoke", "--backends", "tensorflow",
                                "--workloads", "tiny"},
                               home.path(), "", false,
                               TENSORPLUG_SYSTEM_PROTOBUF);
    INFO(bench.out);
    INFO(bench.err);
    CHECK(bench.exit_code == 0);
  }
#endif
}

#endif  // TENSORPLUG_HAVE_TENSORFLOW
