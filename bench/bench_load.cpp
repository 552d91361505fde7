// tensorplug_bench_load: what loading a backend through tensorplug costs,
// next to a raw dlopen of the same file, in the same process and the same run
// (see bench/README.md).
//
// Every benchmark works on one small library: the valid C fixture plugin as
// <fixtures root>/my_package/my_module.so (TP_BENCH_LIBRARY). The custom main
// runs the benchmarks with interleaved repetitions, then prints the median of
// each and the line
//   ratio load/raw_dlopen = X.XX (target <= 1.20)
// It never fails on timing: only on a load that does not work.
#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <tensorplug/plugin_api.h>

#include <algorithm>
#include <boost/dll/library_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tensorplug/backend.hpp"
#include "tensorplug/inspect.hpp"
#include "tensorplug/log.hpp"
#include "tensorplug/resolve.hpp"

#ifndef TP_BENCH_LIBRARY
#error "TP_BENCH_LIBRARY (the fixture my_package/my_module.so) is not defined"
#endif

namespace {

namespace fs = std::filesystem;

constexpr const char* kLibrary = TP_BENCH_LIBRARY;
constexpr std::string_view kModuleName = "my_package.my_module";

/// The fixtures root: the directory holding my_package/.
fs::path fixtures_root() {
  return fs::path(kLibrary).parent_path().parent_path();
}

/// Resolution options of an application that ships its own search root and
/// ignores TENSORPLUG_PATH.
tensorplug::ResolveOptions resolve_options() {
  tensorplug::ResolveOptions options;
  options.search_roots = {fixtures_root()};
  options.use_environment = false;
  return options;
}

tensorplug::LoadOptions load_options() {
  tensorplug::LoadOptions options;
  options.announce = false;
  return options;
}

// --------------------------------------------------------------------------
// Baseline: what any C host does at a minimum.
// --------------------------------------------------------------------------

/// dlopen + dlsym of the version declaration and the 3 required entries + the
/// version handshake + dlclose. Returns false (with `why`) on failure.
bool raw_load_once(std::string& why) {
  void* handle = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* e = ::dlerror();
    why = e ? e : "dlopen failed";
    return false;
  }
  auto* negotiate = reinterpret_cast<tp_negotiate_version_fn*>(
      ::dlsym(handle, TP_ENTRY_NEGOTIATE_VERSION));
  void* placeholder = ::dlsym(handle, TP_ENTRY_PREFIX "placeholder");
  void* variable = ::dlsym(handle, TP_ENTRY_PREFIX "variable");
  void* function = ::dlsym(handle, TP_ENTRY_PREFIX "function");
  benchmark::DoNotOptimize(placeholder);
  benchmark::DoNotOptimize(variable);
  benchmark::DoNotOptimize(function);
  bool ok = negotiate && placeholder && variable && function;
  if (!ok) why = "an entry is missing";
  if (negotiate) {
    tp_negotiate_args args{};
    args.struct_size = sizeof args;
    args.host_max = {sizeof(tp_version), TP_API_VERSION_MAJOR,
                     TP_API_VERSION_MINOR};
    args.plugin_version.struct_size = sizeof(tp_version);
    tp_error error{};
    error.struct_size = sizeof error;
    const tp_status status = negotiate(&args, &error);
    if (error.release) error.release(&error);
    benchmark::DoNotOptimize(args);
    if (status != TP_OK && ok) {
      ok = false;
      why = "tp_negotiate_version failed";
    }
  }
  ::dlclose(handle);
  return ok;
}

void BM_RawDlopen(benchmark::State& state) {
  std::string why;
  for (auto _ : state) {
    if (!raw_load_once(why)) {
      state.SkipWithError(why.c_str());
      break;
    }
  }
}

/// dlopen + dlclose only (what the 4 dlsym and the call add is the difference
/// with raw_dlopen).
void BM_RawDlopenDlclose(benchmark::State& state) {
  for (auto _ : state) {
    void* handle = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      state.SkipWithError("dlopen failed");
      break;
    }
    benchmark::DoNotOptimize(handle);
    ::dlclose(handle);
  }
}

// --------------------------------------------------------------------------
// tensorplug, end to end: name -> resolve -> validate -> load -> handshake ->
// context init -> (Backend destroyed) context shutdown -> unload.
// --------------------------------------------------------------------------

void BM_Load(benchmark::State& state) {
  const tensorplug::ResolveOptions resolve = resolve_options();
  const tensorplug::Settings settings =
      tensorplug::Settings::defaults(std::string(kModuleName));
  const tensorplug::LoadOptions options = load_options();
  try {
    for (auto _ : state) {
      const tensorplug::Resolution resolution =
          tensorplug::resolve_backend(kModuleName, resolve);
      tensorplug::Backend backend =
          tensorplug::load_backend_at(resolution, settings, options);
      benchmark::DoNotOptimize(backend);
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// --------------------------------------------------------------------------
// Components, for diagnosis.
// --------------------------------------------------------------------------

/// load_backend_at alone (resolution done once, outside the loop).
void BM_LoadBackendAt(benchmark::State& state) {
  const tensorplug::Settings settings =
      tensorplug::Settings::defaults(std::string(kModuleName));
  const tensorplug::LoadOptions options = load_options();
  try {
    const tensorplug::Resolution resolution =
        tensorplug::resolve_backend(kModuleName, resolve_options());
    for (auto _ : state) {
      tensorplug::Backend backend =
          tensorplug::load_backend_at(resolution, settings, options);
      benchmark::DoNotOptimize(backend);
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

void BM_ResolveBackend(benchmark::State& state) {
  const tensorplug::ResolveOptions resolve = resolve_options();
  try {
    for (auto _ : state) {
      tensorplug::Resolution resolution =
          tensorplug::resolve_backend(kModuleName, resolve);
      benchmark::DoNotOptimize(resolution);
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

/// The listing of the builtin directory resolve_backend does on every call
/// (its names serve the messages).
void BM_BuiltinBackendNames(benchmark::State& state) {
  const tensorplug::ResolveOptions resolve = resolve_options();
  for (auto _ : state) {
    std::vector<std::string> names = tensorplug::builtin_backend_names(resolve);
    benchmark::DoNotOptimize(names);
  }
}

void BM_InspectLibrary(benchmark::State& state) {
  const fs::path file(kLibrary);
  for (auto _ : state) {
    tensorplug::LibraryReport report = tensorplug::inspect_library(file);
    if (!report.valid()) {
      state.SkipWithError("inspect_library: the fixture is not valid");
      break;
    }
    benchmark::DoNotOptimize(report);
  }
}

/// The export-table read inspect_library delegates to Boost.DLL.
void BM_LibraryInfo(benchmark::State& state) {
  const fs::path file(kLibrary);
  try {
    for (auto _ : state) {
      boost::dll::library_info info(file);
      std::vector<std::string> symbols = info.symbols();
      benchmark::DoNotOptimize(symbols);
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

void BM_BoostDllLoadUnload(benchmark::State& state) {
  const fs::path file(kLibrary);
  try {
    for (auto _ : state) {
      boost::dll::shared_library library(
          file,
          boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
      benchmark::DoNotOptimize(library);
      library.unload();
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// --------------------------------------------------------------------------
// Reporting: the console table, plus medians collected for the summary.
// --------------------------------------------------------------------------

/// Forwards to a ConsoleReporter and keeps, for each benchmark, the real and
/// CPU times per iteration (µs) of every repetition, and the "median"
/// aggregates (used when the repetitions themselves are not reported).
class CollectingReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context& context) override {
    return console_.ReportContext(context);
  }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) {
        errors_.push_back(run.benchmark_name() + ": " + run.error_message);
        continue;
      }
      const std::string& name = run.run_name.function_name;
      if (run.run_type == Run::RT_Iteration) {
        real_[name].push_back(to_micros(run, run.GetAdjustedRealTime()));
        cpu_[name].push_back(to_micros(run, run.GetAdjustedCPUTime()));
      } else if (run.aggregate_name == "median") {
        aggregate_real_[name] = to_micros(run, run.GetAdjustedRealTime());
      }
    }
    console_.ReportRuns(runs);
  }
  void Finalize() override { console_.Finalize(); }

  /// The median real time per iteration in µs; negative when not measured.
  double median(const std::string& name) const {
    if (const double m = median_of(real_, name); m >= 0) return m;
    const auto it = aggregate_real_.find(name);
    return it == aggregate_real_.end() ? -1 : it->second;
  }
  /// The median CPU time per iteration in µs; negative when not measured.
  double cpu_median(const std::string& name) const {
    return median_of(cpu_, name);
  }
  std::size_t samples(const std::string& name) const {
    const auto it = real_.find(name);
    return it == real_.end() ? 0 : it->second.size();
  }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  using Samples = std::map<std::string, std::vector<double>>;

  static double median_of(const Samples& samples, const std::string& name) {
    const auto it = samples.find(name);
    if (it == samples.end() || it->second.empty()) return -1;
    std::vector<double> v = it->second;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
  static double to_micros(const Run& run, double t) {
    switch (run.time_unit) {
      case benchmark::kNanosecond:
        return t / 1e3;
      case benchmark::kMicrosecond:
        return t;
      case benchmark::kMillisecond:
        return t * 1e3;
      case benchmark::kSecond:
        return t * 1e6;
    }
    return t;
  }

  benchmark::ConsoleReporter console_;
  Samples real_;
  Samples cpu_;
  std::map<std::string, double> aggregate_real_;
  std::vector<std::string> errors_;
};

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(in >> one >> five >> fifteen)) return "unknown";
  return one + " " + five + " " + fifteen;
}

bool has_flag(int argc, char** argv, std::string_view flag) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg == flag || (arg.starts_with(flag) && arg.size() > flag.size() &&
                        arg[flag.size()] == '=')) {
      return true;
    }
  }
  return false;
}

/// One untimed pass through every path, so that a broken build fails here
/// with a clear message instead of as a skipped benchmark.
bool preflight() {
  std::string why;
  if (!raw_load_once(why)) {
    std::fprintf(stderr, "bench: raw dlopen of %s failed: %s\n", kLibrary,
                 why.c_str());
    return false;
  }
  try {
    const tensorplug::Resolution resolution =
        tensorplug::resolve_backend(kModuleName, resolve_options());
    std::error_code ec;
    if (!fs::equivalent(resolution.library, kLibrary, ec)) {
      std::fprintf(stderr,
                   "bench: `%s` resolved to %s, not to the baseline's %s\n",
                   std::string(kModuleName).c_str(), resolution.library.c_str(),
                   kLibrary);
      return false;
    }
    tensorplug::Backend backend = tensorplug::load_backend_at(
        resolution, tensorplug::Settings::defaults(std::string(kModuleName)),
        load_options());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench: tensorplug load failed: %s\n", e.what());
    return false;
  }
  return true;
}

/// True when the library is still mapped (something kept it loaded, which
/// would make later dlopens cheap refcount bumps and the numbers wrong).
bool still_loaded() {
  void* handle = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  ::dlclose(handle);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // Defaults that make the comparison robust to noise; any of them given on
  // the command line wins.
  std::vector<std::string> defaults;
  if (!has_flag(argc, argv, "--benchmark_repetitions")) {
    defaults.emplace_back("--benchmark_repetitions=15");
  }
  if (!has_flag(argc, argv, "--benchmark_enable_random_interleaving")) {
    defaults.emplace_back("--benchmark_enable_random_interleaving=true");
  }
  if (!has_flag(argc, argv, "--benchmark_min_time")) {
    defaults.emplace_back("--benchmark_min_time=0.1");
  }
  std::vector<char*> args(argv, argv + argc);
  args.reserve(args.size() + defaults.size() + 1);
  for (auto& d : defaults) args.insert(args.begin() + 1, d.data());
  int args_count = static_cast<int>(args.size());
  args.push_back(nullptr);

  tensorplug::set_log_level(tensorplug::LogLevel::kWarn);

  // Registered by hand so the names are the ones the summary uses.
  auto reg = [](const char* name, void (*fn)(benchmark::State&)) {
    benchmark::RegisterBenchmark(name, fn)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
  };
  reg("raw_dlopen", BM_RawDlopen);
  reg("load", BM_Load);
  reg("load_backend_at", BM_LoadBackendAt);
  reg("resolve_backend", BM_ResolveBackend);
  reg("builtin_backend_names", BM_BuiltinBackendNames);
  reg("inspect_library", BM_InspectLibrary);
  reg("library_info", BM_LibraryInfo);
  reg("boost_dll_load_unload", BM_BoostDllLoadUnload);
  reg("raw_dlopen_dlclose", BM_RawDlopenDlclose);

  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) {
    return 2;
  }
  std::printf("library: %s\nload average before: %s\n", kLibrary,
              load_average().c_str());
  if (!preflight()) return 1;

  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  int status = 0;
  for (const auto& e : reporter.errors()) {
    std::fprintf(stderr, "bench: error: %s\n", e.c_str());
    status = 1;
  }
  if (still_loaded()) {
    std::fprintf(stderr,
                 "bench: error: %s is still loaded after the benchmarks: "
                 "something did not unload it, the numbers are not "
                 "comparable\n",
                 kLibrary);
    status = 1;
  }

  std::printf("\nload average after: %s\n", load_average().c_str());
  std::printf(
      "medians per iteration over %zu interleaved repetitions (µs):\n"
      "  %-22s %9s %9s %9s\n",
      reporter.samples("raw_dlopen"), "benchmark", "real", "cpu", "real/raw");
  const double raw = reporter.median("raw_dlopen");
  for (const char* name :
       {"raw_dlopen", "raw_dlopen_dlclose", "boost_dll_load_unload", "load",
        "load_backend_at", "resolve_backend", "builtin_backend_names",
        "inspect_library", "library_info"}) {
    const double t = reporter.median(name);
    if (t < 0) continue;
    std::printf("  %-22s %9.2f %9.2f", name, t, reporter.cpu_median(name));
    if (raw > 0) std::printf(" %9.2f", t / raw);
    std::printf("\n");
  }
  const double load = reporter.median("load");
  if (raw > 0 && load > 0) {
    std::printf("ratio load/raw_dlopen = %.2f (target <= 1.20)\n", load / raw);
  } else {
    std::printf(
        "ratio load/raw_dlopen: not measured (both `load` and "
        "`raw_dlopen` must run)\n");
  }
  return status;
}
