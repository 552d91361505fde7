// tensorplug_bench_compute's side of the TensorFlow baselines
// (tf_baselines.hpp): the environment TensorFlow needs before it starts,
// the baselines of one phase and their benchmarks, the untimed correctness
// check, and the ratio lines `tensorflow` / `tf_direct`. Compiled into the
// driver only when CMake finds TensorFlow (TP_BENCH_HAVE_TF); the driver
// (bench_compute.cpp) only calls these, so that the TF code stays out of it.
#pragma once

#include <tensorplug/backend.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tf_baselines.hpp"
#include "workloads.hpp"

namespace tensorplug::bench::tf_baseline {

/// First thing in main: set_quiet_environment(). Returns true when it set a
/// variable; then call `reexec` once the program's other start-up
/// re-execution (fix_openblas_core) has had its chance.
bool quiet_environment();
/// Re-executes the program (/proc/self/exe) with the environment as it is
/// now, so that TensorFlow's static initialisation sees it. Returns only
/// if execv fails.
void reexec(char** argv);
/// "TensorFlow 2.21.0 (C API), TF_CPP_MIN_LOG_LEVEL=1 ..." for the header.
std::string description();

/// The benchmark implementation name at `threads`: "tf_direct@N".
std::string impl_name(int threads);

/// The baselines of one phase, every workload built at its thread count.
struct Phase {
  std::vector<std::unique_ptr<Gemm>> gemm;  // per size
  std::unique_ptr<Mlp> mlp;
  std::unique_ptr<Cnn> cnn;
  std::unique_ptr<Tiny> tiny;
};

/// One benchmark to register: the workload, one iteration, its flops.
struct Timed {
  std::string workload;
  std::function<void()> body;
  double flops = 0;
};

/// Builds `phase` at `threads` and returns its benchmarks (named by the
/// driver bench_name(threads, workload, impl_name(threads))).
std::vector<Timed> build(Phase& phase, int threads,
                         const std::vector<GemmData>& gemm, const MlpData& mlp,
                         const CnnData& cnn);

/// One comparison of the correctness check: `got` from the TF baseline,
/// `want` from the reference named in `what`; `error` if it threw.
struct Comparison {
  std::string what;
  std::vector<float> got, want;
  std::string error;
  double tolerance = 1e-3;
};

/// The untimed check, on fresh baselines at `threads`: each GEMM against
/// cblas_sgemm, the MLP's two-step losses and forward probabilities and the
/// CNN's two-step losses against libtorch's (without libtorch: against
/// `first`, the first backend loaded, when there is one), the tiny call's
/// 1 + 1.
std::vector<Comparison> check(int threads, const std::vector<GemmData>& gemm,
                              const MlpData& mlp, const CnnData& cnn,
                              const Backend* first);

/// The ratio lines of a phase: `measured` / `baseline` (impl names).
struct RatioSpec {
  std::string workload, measured, baseline;
  std::optional<double> target;
};
/// `tensorflow` / `tf_direct@N` on every GEMM size (target 1.20 on the
/// largest), mlp_step, mlp_forward, cnn_step (target 1.20) and tiny (no
/// target).
std::vector<RatioSpec> ratio_specs(int threads, const Sizes& sizes);

}  // namespace tensorplug::bench::tf_baseline
