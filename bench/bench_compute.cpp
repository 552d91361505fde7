// tensorplug_bench_compute: every requested backend against OpenBLAS,
// libtorch and TensorFlow's C API (tf_registration.hpp) on the same work, in
// the same process and the same run (see bench/README.md).
//
// For each thread count (--threads, default 1,2) the program sets
// TENSORPLUG_NUM_THREADS, loads the backends (--backends, default: every
// builtin), builds the workloads of workloads.hpp on each, checks one
// untimed result of each against the baseline, then runs every benchmark of
// that thread count with interleaved repetitions and prints the medians and
// the ratios with their targets. It exits non-zero only when something does
// not work (a wrong result, a benchmark error, a bad option), never because
// of a timing.
#include <cblas.h>
#include <sched.h>
#include <unistd.h>

#include <benchmark/benchmark.h>
#include <tensorplug/backend.hpp>
#include <tensorplug/errors.hpp>
#include <tensorplug/log.hpp>
#include <tensorplug/resolve.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "../examples/common/cli.hpp"
#include "machine.hpp"
#include "workloads.hpp"
#ifdef TP_BENCH_HAVE_TORCH
#include "torch_baselines.hpp"
#endif
#ifdef TP_BENCH_HAVE_TF
#include "tf_registration.hpp"
#endif

namespace {

namespace tb = tensorplug::bench;
using tensorplug::Array;
using tensorplug::Backend;
using tensorplug::Function;

#ifdef TP_BENCH_HAVE_TORCH
constexpr bool kHaveTorch = true;
namespace tt = tensorplug::bench::torch_baseline;
#else
constexpr bool kHaveTorch = false;
#endif
#ifdef TP_BENCH_HAVE_TF
namespace tfb = tensorplug::bench::tf_baseline;
#endif

constexpr const char* kUsage =
    R"(usage: tensorplug_bench_compute [options] [--benchmark_...]

Compares tensorplug backends with OpenBLAS, libtorch and TensorFlow's C API
(tf_direct, when built) on GEMM, an MLP training step and forward pass, a
small CNN training step and a tiny call.

  --backends A,B,...  backends by name (default: every builtin backend);
                      absent ones are skipped with a note
  --threads 1,2       thread counts, one phase each (default: 1,2); sets
                      TENSORPLUG_NUM_THREADS, OpenBLAS's and libtorch's pools
                      and the tf_direct sessions' pools
  --settle-ms N       pause before each benchmark that follows another one,
                      in phases of more than 1 thread, so that no spinning
                      thread pool of the previous one competes (default: 200;
                      0 with --smoke)
  --smoke             tiny sizes (for the ctest smoke run)
  --json FILE         also write the results as JSON
  -h, --help          this text

Google Benchmark options work too; defaults here: --benchmark_repetitions=9
--benchmark_enable_random_interleaving=true --benchmark_min_time=0.1
)";

// --------------------------------------------------------------------------
// Options
// --------------------------------------------------------------------------

struct Options {
  std::optional<std::vector<std::string>> backends;
  std::vector<int> threads = {1, 2};
  bool smoke = false;
  std::optional<std::string> json;
  std::optional<int> settle_ms;
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

/// Takes this program's own options out of argv (the rest goes to Google
/// Benchmark). Returns nullopt after printing a message on a usage error.
std::optional<Options> parse(int& argc, char** argv) {
  Options o;
  auto missing = [](const std::string& arg) -> std::optional<Options> {
    std::fprintf(stderr, "bench: %s: unknown option or missing value\n%s",
                 arg.c_str(), kUsage);
    return std::nullopt;
  };
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string_view flag) -> std::optional<std::string> {
      if (arg.size() > flag.size() && arg.starts_with(flag) &&
          arg[flag.size()] == '=') {
        return arg.substr(flag.size() + 1);
      }
      if (arg == flag && i + 1 < argc) return std::string(argv[++i]);
      return std::nullopt;
    };
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg == "--smoke") {
      o.smoke = true;
    } else if (arg.starts_with("--backends")) {
      const auto v = value("--backends");
      if (!v) return missing(arg);
      o.backends = split(*v);
    } else if (arg.starts_with("--threads")) {
      const auto v = value("--threads");
      if (!v) return missing(arg);
      o.threads.clear();
      for (const auto& t : split(*v)) {
        char* end = nullptr;
        const long n = std::strtol(t.c_str(), &end, 10);
        if (end == t.c_str() || *end != '\0' || n < 1 || n > 256) {
          std::fprintf(stderr, "bench: --threads expects integers >= 1: %s\n",
                       t.c_str());
          return std::nullopt;
        }
        o.threads.push_back(static_cast<int>(n));
      }
    } else if (arg.starts_with("--settle-ms")) {
      const auto v = value("--settle-ms");
      if (!v) return missing(arg);
      char* end = nullptr;
      const long n = std::strtol(v->c_str(), &end, 10);
      if (end == v->c_str() || *end != '\0' || n < 0 || n > 10000) {
        std::fprintf(stderr, "bench: --settle-ms expects 0..10000: %s\n",
                     v->c_str());
        return std::nullopt;
      }
      o.settle_ms = static_cast<int>(n);
    } else if (arg.starts_with("--json")) {
      const auto v = value("--json");
      if (!v) return missing(arg);
      o.json = *v;
    } else {
      argv[out++] = argv[i];
      continue;
    }
  }
  argc = out;
  argv[argc] = nullptr;
  if (o.threads.empty()) {
    std::fprintf(stderr, "bench: --threads is empty\n");
    return std::nullopt;
  }
  return o;
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

// --------------------------------------------------------------------------
// Machine and conditions (machine.hpp)
// --------------------------------------------------------------------------

using tb::available_cores;
using tb::cpu_model;
using tb::fix_openblas_core;
using tb::load_average;
using tb::utc_now;
using tpex::json_string;

/// The process-wide pools the measured code may use: OpenBLAS's (also the
/// BLAS libtorch calls: Debian's libblas.so.3 is OpenBLAS) and libtorch's
/// intra-op pool (also what a libtorch-based backend uses).
struct Pools {
  int blas = 1;
  int aten = 1;
};

/// The pools as they are now (right after a backend's context_init: as
/// that backend chose them).
Pools current_pools() {
  Pools p;
  p.blas = openblas_get_num_threads();
#ifdef TP_BENCH_HAVE_TORCH
  p.aten = tt::threads();
#endif
  return p;
}

/// Every benchmark sets the pools before its loop, so that no benchmark
/// inherits another's setting: a baseline at its thread count, a backend as
/// its own context_init set them when it was loaded (native and torch keep
/// OpenBLAS at one thread and split work themselves).
void set_pools(const Pools& p) {
  openblas_set_num_threads(p.blas);
#ifdef TP_BENCH_HAVE_TORCH
  tt::set_threads(p.aten);
#endif
}
void set_pools(int threads) { set_pools(Pools{threads, threads}); }

// --------------------------------------------------------------------------
// Reporting: console output, plus every repetition kept for the medians.
// --------------------------------------------------------------------------

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
      if (run.run_type != Run::RT_Iteration) continue;
      const std::string& name = run.run_name.function_name;
      real_[name].push_back(to_micros(run, run.GetAdjustedRealTime()));
      cpu_[name].push_back(to_micros(run, run.GetAdjustedCPUTime()));
    }
    console_.ReportRuns(runs);
  }
  void Finalize() override { console_.Finalize(); }

  /// Median real time per iteration (µs); negative when not measured.
  double median(const std::string& name) const {
    return median_of(real_, name);
  }
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
  std::vector<std::string> errors_;
};

// --------------------------------------------------------------------------
// Correctness checks (untimed, before the benchmarks)
// --------------------------------------------------------------------------

struct Check {
  std::string what;
  bool ok = true;
  std::string detail;
};

/// Largest |got - want| relative to max(1, largest |want|): loose on purpose
/// (float32 sums in another order, Keras's clipped cross-entropy vs
/// libtorch's log-softmax), tight enough to catch wrong work.
Check compare(std::string what, const std::vector<float>& got,
              const std::vector<float>& want, double tolerance = 1e-3) {
  Check c{std::move(what), true, {}};
  if (got.size() != want.size()) {
    c.ok = false;
    c.detail = std::to_string(got.size()) + " values, expected " +
               std::to_string(want.size());
    return c;
  }
  double scale = 1, worst = 0;
  for (float w : want) scale = std::max(scale, std::abs(double{w}));
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double d = std::abs(double{got[i]} - double{want[i]});
    if (!(d <= worst)) worst = d;  // NaN sticks
  }
  char buf[128];
  std::snprintf(buf, sizeof buf, "max difference %.3g (tolerance %.1g)",
                worst / scale, tolerance);
  c.detail = buf;
  c.ok = worst / scale <= tolerance;
  if (!want.empty() && want.size() <= 4) {
    c.detail += ": got";
    for (float v : got) c.detail += " " + std::to_string(v);
    c.detail += ", expected";
    for (float v : want) c.detail += " " + std::to_string(v);
  }
  return c;
}

// --------------------------------------------------------------------------
// One phase: one thread count, its backends, workloads and benchmarks.
// --------------------------------------------------------------------------

/// A workload built on one backend, ready to call.
struct BackendWorkloads {
  std::string name;
  Backend backend;
  std::vector<std::optional<Function>> gemm;  // per size; empty if broken
  std::optional<tb::MlpModel> mlp;
  std::optional<tb::CnnModel> cnn;
  std::optional<Function> tiny;
  /// The pools as this backend's context_init left them.
  Pools pools;
};

/// One ratio line of the summary.
struct Ratio {
  int threads = 0;
  std::string workload;
  std::string measured;         // benchmark impl name
  std::string baseline;         // impl name, or "libtorch(best)"
  std::string baseline_detail;  // e.g. "libtorch@1"
  double value = -1;
  std::optional<double> target;
};

struct BenchContext {
  Options options;
  tb::Sizes sizes;
  std::vector<tb::GemmData> gemm_data;
  tb::MlpData mlp_data;
  tb::CnnData cnn_data;
  std::vector<Check> checks;
  std::vector<std::string> notes;
  std::vector<std::pair<std::string, std::string>> backend_info;  // name, desc
  std::map<int, std::vector<std::string>> phase_backends;  // loaded, by threads
  std::string image_data_format;
};

template <class Body>
void run_loop(benchmark::State& state, const Pools& pools, Body&& body) {
  set_pools(pools);
  try {
    for (auto _ : state) body();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

std::string bench_name(int threads, const std::string& workload,
                       const std::string& impl) {
  return "t" + std::to_string(threads) + "/" + workload + "/" + impl;
}

/// Quiet time before a benchmark runs after another one (ms), and the last
/// one run. Thread pools spin after their work (OpenBLAS's workers for
/// ~0.1-0.2 s here, OpenMP's shorter): without a pause the benchmark after a
/// multi-threaded one would share its cores with spinning threads.
int g_settle_ms = 0;
std::string g_last_run;

void reg(const std::string& name, std::function<void(benchmark::State&)> fn,
         double flops = 0) {
  auto* b = benchmark::RegisterBenchmark(
      name.c_str(), [fn = std::move(fn), flops, name](benchmark::State& state) {
        if (g_settle_ms > 0 && g_last_run != name) {
          std::this_thread::sleep_for(std::chrono::milliseconds(g_settle_ms));
        }
        g_last_run = name;
        fn(state);
        if (flops > 0) {
          state.counters["GFLOP/s"] = benchmark::Counter(
              flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
        }
      });
  b->Unit(benchmark::kMicrosecond)->UseRealTime();
}

std::string gemm_workload(std::int64_t n) {
  return "gemm_" + std::to_string(n);
}

/// Prints a note once and keeps it for the summary.
void note(BenchContext& ctx, const std::string& text) {
  if (std::find(ctx.notes.begin(), ctx.notes.end(), text) != ctx.notes.end()) {
    return;
  }
  std::fprintf(stderr, "bench: note: %s\n", text.c_str());
  ctx.notes.push_back(text);
}

/// Loads one backend at the phase's thread count; nullopt (with a note)
/// when it is absent or fails to load.
std::optional<Backend> load(const std::string& name, BenchContext& ctx,
                            int threads) {
  tensorplug::LoadOptions options;
  options.announce = false;
  options.config.write_default_file = false;
  try {
    return tensorplug::load_backend(name, options);
  } catch (const tensorplug::BackendNotFoundError&) {
    note(ctx, "backend `" + name + "` is not installed: skipped");
  } catch (const std::exception& e) {
    note(ctx, "backend `" + name + "` (threads " + std::to_string(threads) +
                  ") failed to load: skipped: " + e.what());
  }
  return std::nullopt;
}

/// Builds the workloads on `b` and checks one result of each against the
/// baselines (the first backend serves as baseline without libtorch).
BackendWorkloads build_and_check(
    const std::string& name, Backend b, BenchContext& ctx, int threads,
    [[maybe_unused]] const BackendWorkloads* first) {
  BackendWorkloads w{name, b, {}, {}, {}, {}, {}};
  const std::string tag = name + " (threads " + std::to_string(threads) + ")";
  auto add = [&](Check c) {
    c.what = tag + ": " + c.what;
    if (!c.ok) {
      std::fprintf(stderr,
                   "\n*** WARNING: %s DISAGREES with the baseline: %s ***\n"
                   "*** its timings below measure wrong work ***\n\n",
                   c.what.c_str(), c.detail.c_str());
    }
    ctx.checks.push_back(std::move(c));
  };
  auto guarded = [&](const std::string& what, auto&& fn) {
    try {
      fn();
    } catch (const std::exception& e) {
      add({what, false, std::string("threw: ") + e.what()});
    }
  };
  set_pools(threads);
  for (const auto& g : ctx.gemm_data) {
    std::optional<Function> f;
    guarded(gemm_workload(g.n), [&] {
      f = tb::build_gemm(b, g.n);
      const auto out = (*f)({g.a_array(), g.b_array()});
      std::vector<float> want(g.a.size());
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                  static_cast<int>(g.n), static_cast<int>(g.n),
                  static_cast<int>(g.n), 1.0f, g.a.data(),
                  static_cast<int>(g.n), g.b.data(), static_cast<int>(g.n),
                  0.0f, want.data(), static_cast<int>(g.n));
      add(compare(gemm_workload(g.n) + " vs cblas_sgemm",
                  out.at(0).to_vector<float>(), want));
    });
    w.gemm.push_back(f);
  }

  // MLP: two steps from the same initial weights (the second loss shows
  // that the gradients and updates agree too), and the forward pass.
  guarded("mlp", [&] {
    w.mlp = tb::build_mlp(b, ctx.mlp_data);
    const tb::MlpModel fresh = tb::build_mlp(b, ctx.mlp_data);
    const auto x = ctx.mlp_data.x_array(), y = ctx.mlp_data.y_array();
    const auto probs = fresh.forward({x}).at(0).to_vector<float>();
    std::vector<float> losses;
    for (int i = 0; i < 2; ++i) {
      losses.push_back(fresh.step({x, y}).at(0).to_vector<float>().at(0));
    }
    std::vector<float> want_losses, want_probs;
    std::string against;
#ifdef TP_BENCH_HAVE_TORCH
    tt::Mlp torch(ctx.mlp_data);
    want_probs = torch.probabilities();
    want_losses = torch.losses(2);
    against = "libtorch";
#else
    if (first != nullptr) {
      const tb::MlpModel other = tb::build_mlp(first->backend, ctx.mlp_data);
      want_probs = other.forward({x}).at(0).to_vector<float>();
      for (int i = 0; i < 2; ++i) {
        want_losses.push_back(
            other.step({x, y}).at(0).to_vector<float>().at(0));
      }
      against = first->name;
    }
#endif
    if (against.empty()) {
      note(ctx, tag + ": mlp and cnn results not checked (no libtorch)");
      return;
    }
    add(compare("mlp_step losses of 2 steps vs " + against, losses,
                want_losses));
    add(compare("mlp_forward probabilities vs " + against, probs, want_probs));
  });

  guarded("cnn", [&] {
    w.cnn = tb::build_cnn(b, ctx.cnn_data);
    ctx.image_data_format = w.cnn->format;
    const tb::CnnModel fresh = tb::build_cnn(b, ctx.cnn_data);
    const auto x = ctx.cnn_data.x_array(fresh.format);
    const auto y = ctx.cnn_data.y_array();
    std::vector<float> losses;
    for (int i = 0; i < 2; ++i) {
      losses.push_back(fresh.step({x, y}).at(0).to_vector<float>().at(0));
    }
    std::vector<float> want;
    std::string against;
#ifdef TP_BENCH_HAVE_TORCH
    tt::Cnn torch(ctx.cnn_data);
    want = torch.losses(2);
    against = "libtorch";
#else
    if (first != nullptr) {
      const tb::CnnModel other = tb::build_cnn(first->backend, ctx.cnn_data);
      const auto xo = ctx.cnn_data.x_array(other.format);
      for (int i = 0; i < 2; ++i) {
        want.push_back(other.step({xo, y}).at(0).to_vector<float>().at(0));
      }
      against = first->name;
    }
#endif
    if (!against.empty()) {
      add(compare("cnn_step losses of 2 steps vs " + against, losses, want));
    }
  });

  guarded("tiny", [&] {
    w.tiny = tb::build_tiny(b);
    const auto out = (*w.tiny)({Array::of<float>({1}, {1.0f})});
    add(compare("tiny x + 1.0 at x = 1", out.at(0).to_vector<float>(), {2.0f},
                0));
  });
  return w;
}

/// Every backend, every workload, and the baselines at `threads`: checked,
/// registered, run. Appends the ratios.
struct Phase {
  int threads = 0;
  std::vector<BackendWorkloads> backends;
  std::vector<int> torch_threads;  // libtorch baselines' thread counts
#ifdef TP_BENCH_HAVE_TORCH
  std::vector<std::unique_ptr<tt::Gemm>> torch_gemm;
  std::unique_ptr<tt::Mlp> torch_mlp;
  std::unique_ptr<tt::Cnn> torch_cnn;
  std::unique_ptr<tt::Tiny> torch_tiny;
#endif
#ifdef TP_BENCH_HAVE_TF
  tfb::Phase tf;  // TensorFlow's C API used directly (tf_registration.hpp)
#endif
  std::vector<std::vector<float>> gemm_c;  // cblas outputs
};

void register_phase(Phase& p, BenchContext& ctx) {
  const int t = p.threads;
  // Backends.
  for (auto& w : p.backends) {
    for (std::size_t i = 0; i < ctx.gemm_data.size(); ++i) {
      if (!w.gemm[i]) continue;
      const auto& g = ctx.gemm_data[i];
      auto inputs = std::make_shared<std::vector<Array>>(
          std::vector<Array>{g.a_array(), g.b_array()});
      Function f = *w.gemm[i];
      reg(
          bench_name(t, gemm_workload(g.n), w.name),
          [f, inputs, pools = w.pools](benchmark::State& s) {
            run_loop(s, pools, [&] {
              auto out = f(*inputs);
              benchmark::DoNotOptimize(out);
            });
          },
          g.flops());
    }
    if (w.mlp) {
      auto xy = std::make_shared<std::vector<Array>>(
          std::vector<Array>{ctx.mlp_data.x_array(), ctx.mlp_data.y_array()});
      auto x = std::make_shared<std::vector<Array>>(
          std::vector<Array>{ctx.mlp_data.x_array()});
      Function step = w.mlp->step, forward = w.mlp->forward;
      reg(bench_name(t, "mlp_step", w.name),
          [step, xy, pools = w.pools](benchmark::State& s) {
            run_loop(s, pools, [&] {
              auto out = step(*xy);
              benchmark::DoNotOptimize(out);
            });
          });
      reg(bench_name(t, "mlp_forward", w.name),
          [forward, x, pools = w.pools](benchmark::State& s) {
            run_loop(s, pools, [&] {
              auto out = forward(*x);
              benchmark::DoNotOptimize(out);
            });
          });
    }
    if (w.cnn) {
      auto xy = std::make_shared<std::vector<Array>>(std::vector<Array>{
          ctx.cnn_data.x_array(w.cnn->format), ctx.cnn_data.y_array()});
      Function step = w.cnn->step;
      reg(bench_name(t, "cnn_step", w.name),
          [step, xy, pools = w.pools](benchmark::State& s) {
            run_loop(s, pools, [&] {
              auto out = step(*xy);
              benchmark::DoNotOptimize(out);
            });
          });
    }
    if (w.tiny) {
      auto x = std::make_shared<std::vector<Array>>(
          std::vector<Array>{Array::of<float>({1}, {1.0f})});
      Function tiny = *w.tiny;
      reg(bench_name(t, "tiny", w.name),
          [tiny, x, pools = w.pools](benchmark::State& s) {
            run_loop(s, pools, [&] {
              auto out = tiny(*x);
              benchmark::DoNotOptimize(out);
            });
          });
    }
  }

  // OpenBLAS.
  p.gemm_c.resize(ctx.gemm_data.size());
  for (std::size_t i = 0; i < ctx.gemm_data.size(); ++i) {
    const auto& g = ctx.gemm_data[i];
    p.gemm_c[i].assign(g.a.size(), 0.0f);
    float* c = p.gemm_c[i].data();
    reg(
        bench_name(t, gemm_workload(g.n), "openblas"),
        [&g, c, t](benchmark::State& s) {
          const int n = static_cast<int>(g.n);
          run_loop(s, Pools{t, t}, [&] {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n,
                        1.0f, g.a.data(), n, g.b.data(), n, 0.0f, c, n);
            benchmark::ClobberMemory();
          });
        },
        g.flops());
  }

#ifdef TP_BENCH_HAVE_TF
  // TensorFlow's C API directly, one session at t threads, as the tensorflow
  // backend's; TF uses neither OpenBLAS's nor libtorch's pool (kept at 1).
  for (auto& b :
       tfb::build(p.tf, t, ctx.gemm_data, ctx.mlp_data, ctx.cnn_data)) {
    reg(
        bench_name(t, b.workload, tfb::impl_name(t)),
        [body = std::move(b.body)](benchmark::State& s) {
          run_loop(s, Pools{1, 1}, body);
        },
        b.flops);
  }
#endif

#ifdef TP_BENCH_HAVE_TORCH
  // libtorch, at each of its thread counts (1 and t: the best is compared).
  p.torch_threads = {1};
  if (t != 1) p.torch_threads.push_back(t);
  for (const auto& g : ctx.gemm_data) {
    p.torch_gemm.push_back(std::make_unique<tt::Gemm>(g));
  }
  p.torch_mlp = std::make_unique<tt::Mlp>(ctx.mlp_data);
  p.torch_cnn = std::make_unique<tt::Cnn>(ctx.cnn_data);
  p.torch_tiny = std::make_unique<tt::Tiny>();
  for (int lt : p.torch_threads) {
    const std::string impl = "libtorch@" + std::to_string(lt);
    for (std::size_t i = 0; i < ctx.gemm_data.size(); ++i) {
      tt::Gemm* g = p.torch_gemm[i].get();
      reg(
          bench_name(t, gemm_workload(ctx.gemm_data[i].n), impl),
          [g, lt](benchmark::State& s) {
            run_loop(s, Pools{lt, lt}, [&] { g->run(); });
          },
          ctx.gemm_data[i].flops());
    }
    tt::Mlp* mlp = p.torch_mlp.get();
    reg(bench_name(t, "mlp_step", impl), [mlp, lt](benchmark::State& s) {
      run_loop(s, Pools{lt, lt}, [&] { mlp->step(); });
    });
    reg(bench_name(t, "mlp_forward", impl), [mlp, lt](benchmark::State& s) {
      run_loop(s, Pools{lt, lt}, [&] { mlp->forward(); });
    });
    tt::Cnn* cnn = p.torch_cnn.get();
    reg(bench_name(t, "cnn_step", impl), [cnn, lt](benchmark::State& s) {
      run_loop(s, Pools{lt, lt}, [&] { cnn->step(); });
    });
    tt::Tiny* tiny = p.torch_tiny.get();
    reg(bench_name(t, "tiny", impl), [tiny, lt](benchmark::State& s) {
      run_loop(s, Pools{lt, lt}, [&] { tiny->add_tensor(); });
    });
    reg(bench_name(t, "tiny", "libtorch_scalar@" + std::to_string(lt)),
        [tiny, lt](benchmark::State& s) {
          run_loop(s, Pools{lt, lt}, [&] { tiny->add_scalar(); });
        });
  }
#endif
}

/// The target of `backend` on `workload` against `baseline`, if any.
std::optional<double> target_of(const std::string& workload,
                                const std::string& backend,
                                const std::string& baseline,
                                std::int64_t largest_gemm) {
  const bool gemm = workload.starts_with("gemm_");
  if (backend == "native") {
    if (gemm && baseline == "openblas") return 1.1;
    if (baseline != "libtorch") return std::nullopt;
    if (workload == "mlp_step" || workload == "mlp_forward") return 1.0;
    if (workload == "cnn_step") return 0.8;
    if (workload == "tiny") return 0.5;
  } else if (backend == "torch") {
    if (baseline != "libtorch") return std::nullopt;
    if (workload == "mlp_step" || workload == "mlp_forward" ||
        workload == "cnn_step") {
      return 1.05;
    }
    if (gemm && workload == gemm_workload(largest_gemm)) return 1.05;
  } else if (backend == "reference") {
    if (workload == "tiny" && baseline == "libtorch") return 2.0;
  }
  return std::nullopt;
}

/// The median of the libtorch baseline at its best thread count.
std::pair<double, std::string> best_torch(
    const CollectingReporter& r, const Phase& p, const std::string& workload,
    const std::string& prefix = "libtorch@") {
  double best = -1;
  std::string which;
  for (int lt : p.torch_threads) {
    const std::string impl = prefix + std::to_string(lt);
    const double m = r.median(bench_name(p.threads, workload, impl));
    if (m > 0 && (best < 0 || m < best)) {
      best = m;
      which = impl;
    }
  }
  return {best, which};
}

void collect_ratios(const CollectingReporter& r, const Phase& p,
                    const BenchContext& ctx, std::vector<Ratio>& ratios) {
  const int t = p.threads;
  const std::int64_t largest =
      ctx.sizes.gemm.empty() ? 0 : ctx.sizes.gemm.back();
  std::vector<std::string> workloads;
  for (auto n : ctx.sizes.gemm) workloads.push_back(gemm_workload(n));
  for (const char* w : {"mlp_step", "mlp_forward", "cnn_step", "tiny"}) {
    workloads.emplace_back(w);
  }
  for (const auto& wl : workloads) {
    const bool gemm = wl.starts_with("gemm_");
    std::vector<std::pair<std::string, std::pair<double, std::string>>> bases;
    if (gemm) {
      bases.push_back(
          {"openblas", {r.median(bench_name(t, wl, "openblas")), "openblas"}});
    }
    if (kHaveTorch) bases.push_back({"libtorch", best_torch(r, p, wl)});
    auto add = [&](const std::string& measured, double m) {
      for (const auto& [base, value] : bases) {
        if (m <= 0 || value.first <= 0 || measured == value.second) continue;
        ratios.push_back({t, wl, measured, base, value.second, m / value.first,
                          target_of(wl, measured, base, largest)});
      }
    };
    for (const auto& w : p.backends)
      add(w.name, r.median(bench_name(t, wl, w.name)));
    if (gemm && kHaveTorch) {
      const auto [m, which] = best_torch(r, p, wl);
      if (m > 0) {
        const double ob = r.median(bench_name(t, wl, "openblas"));
        if (ob > 0)
          ratios.push_back(
              {t, wl, which, "openblas", "openblas", m / ob, std::nullopt});
      }
    }
    if (wl == "tiny" && kHaveTorch) {
      const auto [m, which] = best_torch(r, p, wl, "libtorch_scalar@");
      const auto [base, bwhich] = best_torch(r, p, wl);
      if (m > 0 && base > 0) {
        ratios.push_back(
            {t, wl, which, "libtorch", bwhich, m / base, std::nullopt});
      }
    }
  }
#ifdef TP_BENCH_HAVE_TF
  for (const auto& s : tfb::ratio_specs(t, ctx.sizes)) {
    const double m = r.median(bench_name(t, s.workload, s.measured));
    const double b = r.median(bench_name(t, s.workload, s.baseline));
    if (m > 0 && b > 0) {
      ratios.push_back({t, s.workload, s.measured, "tf_direct", s.baseline,
                        m / b, s.target});
    }
  }
#endif
}

}  // namespace

int main(int argc, char** argv) {
#ifdef TP_BENCH_HAVE_TF
  const bool tf_env_set = tfb::quiet_environment();  // before any re-exec
#endif
  const std::string openblas_core = fix_openblas_core(argv);
#ifdef TP_BENCH_HAVE_TF
  if (tf_env_set) tfb::reexec(argv);  // TF read its environment before main
#endif
  auto parsed = parse(argc, argv);
  if (!parsed) return 2;
  BenchContext ctx;
  ctx.options = *parsed;
  ctx.sizes = ctx.options.smoke ? tb::Sizes::smoke() : tb::Sizes::full();

  std::vector<std::string> defaults;
  if (!has_flag(argc, argv, "--benchmark_repetitions")) {
    defaults.emplace_back("--benchmark_repetitions=9");
  }
  if (!has_flag(argc, argv, "--benchmark_enable_random_interleaving")) {
    defaults.emplace_back("--benchmark_enable_random_interleaving=true");
  }
  if (!has_flag(argc, argv, "--benchmark_min_time")) {
    defaults.emplace_back("--benchmark_min_time=0.1");
  }
  std::vector<char*> args(argv, argv + argc);
  for (auto& d : defaults) args.insert(args.begin() + 1, d.data());
  int args_count = static_cast<int>(args.size());
  args.push_back(nullptr);
  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  tensorplug::set_log_level(tensorplug::LogLevel::kWarn);

  const std::vector<std::string> names =
      ctx.options.backends ? *ctx.options.backends
                           : tensorplug::builtin_backend_names();
  for (auto n : ctx.sizes.gemm) ctx.gemm_data.push_back(tb::make_gemm_data(n));
  ctx.mlp_data = tb::make_mlp_data(ctx.sizes);
  ctx.cnn_data = tb::make_cnn_data(ctx.sizes);

  const std::string date = utc_now();
  const std::string load_before = load_average();
  const std::string cpu = cpu_model();
  const int cores = available_cores();
  std::string openblas = openblas_get_config();
  openblas += std::string(", core ") + openblas_get_corename();
  if (!openblas_core.empty()) openblas += "; " + openblas_core;
#ifdef TP_BENCH_HAVE_TORCH
  const std::string torch = tt::version();
#else
  const std::string torch = "not built (Torch not found by CMake)";
#endif
#ifdef TP_BENCH_HAVE_TF
  const std::string tf_direct = tfb::description();
#else
  const std::string tf_direct = "not built (TensorFlowC not found by CMake)";
#endif
  std::printf(
      "tensorplug_bench_compute%s\n"
      "date: %s\ncpu: %s, %d cores available\n"
      "load average before: %s\n"
      "OpenBLAS: %s\nlibtorch: %s\ntf_direct: %s\n"
      "tensorplug host API: %s\nbackends requested: ",
      ctx.options.smoke ? " (smoke sizes)" : "", date.c_str(), cpu.c_str(),
      cores, load_before.c_str(), openblas.c_str(), torch.c_str(),
      tf_direct.c_str(), tensorplug::host_api_version().str().c_str());
  for (const auto& n : names) std::printf("%s ", n.c_str());
  std::printf("\n\n");

  CollectingReporter reporter;
  std::vector<Ratio> ratios;
  for (int t : ctx.options.threads) {
    ::setenv("TENSORPLUG_NUM_THREADS", std::to_string(t).c_str(), 1);
    g_settle_ms =
        t > 1 ? ctx.options.settle_ms.value_or(ctx.options.smoke ? 0 : 200) : 0;
    std::printf(
        "== threads %d: TENSORPLUG_NUM_THREADS=%d, OpenBLAS %d, "
        "libtorch %s, settle %d ms ==\n",
        t, t, t,
        kHaveTorch
            ? (t == 1 ? "1"
                      : ("1 and " + std::to_string(t) + " (best compared)")
                            .c_str())
            : "-",
        g_settle_ms);
    Phase p;
    p.threads = t;
    for (const auto& name : names) {
      std::optional<Backend> b = load(name, ctx, t);
      if (!b) continue;
      if (std::none_of(ctx.backend_info.begin(), ctx.backend_info.end(),
                       [&](const auto& i) { return i.first == name; })) {
        ctx.backend_info.emplace_back(
            name, b->description() + " (API " + b->api_version().str() + ", " +
                      b->library_path().string() + ")");
        std::printf("backend %s: %s\n", name.c_str(),
                    ctx.backend_info.back().second.c_str());
      }
      const Pools chosen = current_pools();
      const BackendWorkloads* first =
          p.backends.empty() ? nullptr : &p.backends.front();
      BackendWorkloads w = build_and_check(name, *b, ctx, t, first);
      w.pools = chosen;
      p.backends.push_back(std::move(w));
      ctx.phase_backends[t].push_back(name);
    }
#ifdef TP_BENCH_HAVE_TF
    set_pools(1);
    for (const auto& c : tfb::check(
             t, ctx.gemm_data, ctx.mlp_data, ctx.cnn_data,
             p.backends.empty() ? nullptr : &p.backends.front().backend)) {
      const std::string what = tfb::impl_name(t) + ": " + c.what;
      ctx.checks.push_back(c.error.empty()
                               ? compare(what, c.got, c.want, c.tolerance)
                               : Check{what, false, "threw: " + c.error});
      if (!ctx.checks.back().ok) {
        std::fprintf(stderr, "\n*** WARNING: %s: %s ***\n\n", what.c_str(),
                     ctx.checks.back().detail.c_str());
      }
    }
#endif
    if (!ctx.image_data_format.empty()) {
      std::printf("image_data_format (tensorplug CNN): %s; libtorch: NCHW\n",
                  ctx.image_data_format.c_str());
    }
    std::fflush(stdout);
    register_phase(p, ctx);
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::ClearRegisteredBenchmarks();
    collect_ratios(reporter, p, ctx, ratios);
    std::printf("load average after threads %d: %s\n\n", t,
                load_average().c_str());
  }
  benchmark::Shutdown();
  const std::string load_after = load_average();

  int status = 0;
  for (const auto& e : reporter.errors()) {
    std::fprintf(stderr, "bench: error: %s\n", e.c_str());
    status = 1;
  }
  std::size_t failed_checks = 0;
  for (const auto& c : ctx.checks) failed_checks += c.ok ? 0 : 1;
  if (failed_checks > 0) status = 1;

  // ----- summary ----------------------------------------------------------
  std::printf("\nload average after: %s\n", load_after.c_str());
  std::printf("checks: %zu passed, %zu FAILED\n",
              ctx.checks.size() - failed_checks, failed_checks);
  for (const auto& c : ctx.checks) {
    if (!c.ok)
      std::printf("  FAILED %s: %s\n", c.what.c_str(), c.detail.c_str());
  }
  for (const auto& n : ctx.notes) std::printf("note: %s\n", n.c_str());
  std::printf(
      "\nratios of median real times per iteration (lower is faster for the "
      "first):\n  %-3s %-12s %-18s %-18s %8s %8s  %s\n",
      "thr", "workload", "measured", "baseline", "ratio", "target", "");
  for (const auto& r : ratios) {
    char target[16] = "-";
    const char* verdict = "";
    if (r.target) {
      std::snprintf(target, sizeof target, "<= %.2f", *r.target);
      verdict = r.value <= *r.target ? "met" : "NOT MET";
    }
    std::printf("  %-3d %-12s %-18s %-18s %8.2f %8s  %s\n", r.threads,
                r.workload.c_str(), r.measured.c_str(),
                r.baseline_detail.c_str(), r.value, target, verdict);
  }
  std::printf(
      "\nmedians (µs per iteration, real and CPU; GEMM also in GFLOP/s):\n");
  // Every name measured, by thread count, workload, implementation.
  std::vector<std::tuple<std::string, double, double, double>> rows;
  for (int t : ctx.options.threads) {
    std::vector<std::string> impls = ctx.phase_backends[t];
    impls.push_back("openblas");
#ifdef TP_BENCH_HAVE_TF
    impls.push_back(tfb::impl_name(t));
#endif
    for (int lt : {1, t}) {
      impls.push_back("libtorch@" + std::to_string(lt));
      impls.push_back("libtorch_scalar@" + std::to_string(lt));
    }
    std::vector<std::pair<std::string, double>> wls;
    for (const auto& g : ctx.gemm_data)
      wls.push_back({gemm_workload(g.n), g.flops()});
    for (const char* w : {"mlp_step", "mlp_forward", "cnn_step", "tiny"}) {
      wls.push_back({w, 0});
    }
    for (const auto& [wl, flops] : wls) {
      for (std::size_t i = 0; i < impls.size(); ++i) {
        if (std::find(impls.begin(), impls.begin() + i, impls[i]) !=
            impls.begin() + i) {
          continue;  // t == 1: libtorch@1 twice
        }
        const std::string n = bench_name(t, wl, impls[i]);
        const double m = reporter.median(n);
        if (m <= 0) continue;
        rows.emplace_back(n, m, reporter.cpu_median(n),
                          flops > 0 ? flops / (m * 1e3) : 0);
      }
    }
  }
  for (const auto& [n, real, cpu_time, gflops] : rows) {
    std::printf("  %-34s %12.2f %12.2f", n.c_str(), real, cpu_time);
    if (gflops > 0) std::printf(" %8.2f GFLOP/s", gflops);
    std::printf("  (%zu reps)\n", reporter.samples(n));
  }

  if (ctx.options.json) {
    std::ofstream out(*ctx.options.json);
    out << "{\n  \"date\": " << json_string(date)
        << ",\n  \"cpu\": " << json_string(cpu) << ",\n  \"cores\": " << cores
        << ",\n  \"load_average_before\": " << json_string(load_before)
        << ",\n  \"load_average_after\": " << json_string(load_after)
        << ",\n  \"openblas\": " << json_string(openblas)
        << ",\n  \"libtorch\": " << json_string(torch)
        << ",\n  \"tf_direct\": " << json_string(tf_direct)
        << ",\n  \"smoke\": " << (ctx.options.smoke ? "true" : "false")
        << ",\n  \"image_data_format\": " << json_string(ctx.image_data_format)
        << ",\n  \"threads\": [";
    for (std::size_t i = 0; i < ctx.options.threads.size(); ++i) {
      out << (i ? ", " : "") << ctx.options.threads[i];
    }
    out << "],\n  \"backends\": {";
    for (std::size_t i = 0; i < ctx.backend_info.size(); ++i) {
      out << (i ? ", " : "") << json_string(ctx.backend_info[i].first) << ": "
          << json_string(ctx.backend_info[i].second);
    }
    out << "},\n  \"medians_us\": [";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& [n, real, cpu_time, gflops] = rows[i];
      out << (i ? "," : "") << "\n    {\"name\": " << json_string(n)
          << ", \"real\": " << real << ", \"cpu\": " << cpu_time;
      if (gflops > 0) out << ", \"gflops\": " << gflops;
      out << "}";
    }
    out << "\n  ],\n  \"ratios\": [";
    for (std::size_t i = 0; i < ratios.size(); ++i) {
      const auto& r = ratios[i];
      out << (i ? "," : "") << "\n    {\"threads\": " << r.threads
          << ", \"workload\": " << json_string(r.workload)
          << ", \"measured\": " << json_string(r.measured)
          << ", \"baseline\": " << json_string(r.baseline_detail)
          << ", \"ratio\": " << r.value;
      if (r.target) {
        out << ", \"target\": " << *r.target
            << ", \"met\": " << (r.value <= *r.target ? "true" : "false");
      }
      out << "}";
    }
    out << "\n  ],\n  \"checks\": [";
    for (std::size_t i = 0; i < ctx.checks.size(); ++i) {
      const auto& c = ctx.checks[i];
      out << (i ? "," : "") << "\n    {\"what\": " << json_string(c.what)
          << ", \"ok\": " << (c.ok ? "true" : "false")
          << ", \"detail\": " << json_string(c.detail) << "}";
    }
    out << "\n  ],\n  \"notes\": [";
    for (std::size_t i = 0; i < ctx.notes.size(); ++i) {
      out << (i ? ", " : "") << json_string(ctx.notes[i]);
    }
    out << "]\n}\n";
    if (!out) {
      std::fprintf(stderr, "bench: cannot write %s\n",
                   ctx.options.json->c_str());
      status = 1;
    }
  }
  return status;
}
