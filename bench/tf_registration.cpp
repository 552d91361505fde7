#include "tf_registration.hpp"

#include <cblas.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <utility>

#ifdef TP_BENCH_HAVE_TORCH
#include "torch_baselines.hpp"
#endif

namespace tensorplug::bench::tf_baseline {

namespace {

/// Set (to 1) when this program set TensorFlow's variables, so that the
/// re-executed program can say so.
constexpr const char* kMarker = "TP_BENCH_TF_ENV_SET";

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "(unset)";
}

std::vector<float> sgemm(const GemmData& g) {
  const int n = static_cast<int>(g.n);
  std::vector<float> c(g.a.size());
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f,
              g.a.data(), n, g.b.data(), n, 0.0f, c.data(), n);
  return c;
}

}  // namespace

bool quiet_environment() {
  if (!set_quiet_environment()) return false;
  ::setenv(kMarker, "1", 1);
  return true;
}

void reexec(char** argv) {
  ::execv("/proc/self/exe", argv);
  std::perror("bench: execv /proc/self/exe (for TensorFlow's environment)");
}

std::string description() {
  return "TensorFlow " + version() +
         " (C API), TF_CPP_MIN_LOG_LEVEL=" + env("TF_CPP_MIN_LOG_LEVEL") +
         " TF_ENABLE_ONEDNN_OPTS=" + env("TF_ENABLE_ONEDNN_OPTS") +
         (std::getenv(kMarker) != nullptr
              ? " (set by this program, which re-executed itself)"
              : " (from the environment)");
}

std::string impl_name(int threads) {
  return "tf_direct@" + std::to_string(threads);
}

std::vector<Timed> build(Phase& p, int threads,
                         const std::vector<GemmData>& gemm, const MlpData& mlp,
                         const CnnData& cnn) {
  std::vector<Timed> out;
  for (const GemmData& g : gemm) {
    p.gemm.push_back(std::make_unique<Gemm>(g, threads));
    Gemm* b = p.gemm.back().get();
    out.push_back(
        {"gemm_" + std::to_string(g.n), [b] { b->run(); }, g.flops()});
  }
  p.mlp = std::make_unique<Mlp>(mlp, threads);
  p.cnn = std::make_unique<Cnn>(cnn, threads);
  p.tiny = std::make_unique<Tiny>(threads);
  Mlp* m = p.mlp.get();
  Cnn* c = p.cnn.get();
  Tiny* t = p.tiny.get();
  out.push_back({"mlp_step", [m] { m->step(); }, 0});
  out.push_back({"mlp_forward", [m] { m->forward(); }, 0});
  out.push_back({"cnn_step", [c] { c->step(); }, 0});
  out.push_back({"tiny", [t] { t->run(); }, 0});
  // One untimed call each: TensorFlow builds (and optimises) the executor
  // of a feeds/fetches/targets signature at its first TF_SessionRun, which
  // costs milliseconds; a TF program pays it once, not per step.
  for (const Timed& b : out) b.body();
  return out;
}

std::vector<Comparison> check(int threads, const std::vector<GemmData>& gemm,
                              const MlpData& mlp, const CnnData& cnn,
                              [[maybe_unused]] const Backend* first) {
  std::vector<Comparison> out;
  auto guarded = [&](const std::string& what, auto&& fn) {
    try {
      fn();
    } catch (const std::exception& e) {
      out.push_back({what, {}, {}, e.what()});
    }
  };
  for (const GemmData& g : gemm) {
    const std::string what = "gemm_" + std::to_string(g.n) + " vs cblas_sgemm";
    guarded(what, [&] {
      Gemm tf(g, threads);
      out.push_back({what, tf.result(), sgemm(g), {}});
    });
  }

  // Two steps from the same initial weights (the second loss depends on
  // the gradients and updates), and the forward pass before them.
  guarded("mlp", [&] {
    Mlp tf(mlp, threads);
    const std::vector<float> probs = tf.probabilities();
    const std::vector<float> losses = tf.losses(2);
    std::vector<float> want_probs, want_losses;
    std::string against;
#ifdef TP_BENCH_HAVE_TORCH
    torch_baseline::Mlp torch(mlp);
    want_probs = torch.probabilities();
    want_losses = torch.losses(2);
    against = "libtorch";
#else
    if (first != nullptr) {
      const MlpModel other = build_mlp(*first, mlp);
      const Array x = mlp.x_array(), y = mlp.y_array();
      want_probs = other.forward({x}).at(0).to_vector<float>();
      for (int i = 0; i < 2; ++i) {
        want_losses.push_back(
            other.step({x, y}).at(0).to_vector<float>().at(0));
      }
      against = first->name();
    }
#endif
    if (against.empty()) return;
    out.push_back(
        {"mlp_step losses of 2 steps vs " + against, losses, want_losses, {}});
    out.push_back(
        {"mlp_forward probabilities vs " + against, probs, want_probs, {}});
  });

  guarded("cnn", [&] {
    Cnn tf(cnn, threads);
    const std::vector<float> losses = tf.losses(2);
    std::vector<float> want;
    std::string against;
#ifdef TP_BENCH_HAVE_TORCH
    torch_baseline::Cnn torch(cnn);
    want = torch.losses(2);
    against = "libtorch";
#else
    if (first != nullptr) {
      const CnnModel other = build_cnn(*first, cnn);
      const Array x = cnn.x_array(other.format), y = cnn.y_array();
      for (int i = 0; i < 2; ++i) {
        want.push_back(other.step({x, y}).at(0).to_vector<float>().at(0));
      }
      against = first->name();
    }
#endif
    if (against.empty()) return;
    out.push_back(
        {"cnn_step losses of 2 steps vs " + against, losses, want, {}});
  });

  guarded("tiny", [&] {
    Tiny tf(threads);
    out.push_back({"tiny x + 1.0 at x = 1", {tf.value()}, {2.0f}, {}, 0});
  });
  return out;
}

std::vector<RatioSpec> ratio_specs(int threads, const Sizes& sizes) {
  const std::string base = impl_name(threads);
  std::vector<RatioSpec> out;
  for (std::size_t i = 0; i < sizes.gemm.size(); ++i) {
    const bool largest = i + 1 == sizes.gemm.size();
    out.push_back({"gemm_" + std::to_string(sizes.gemm[i]), "tensorflow", base,
                   largest ? std::optional<double>(1.2) : std::nullopt});
  }
  for (const char* w : {"mlp_step", "mlp_forward", "cnn_step"}) {
    out.push_back({w, "tensorflow", base, 1.2});
  }
  out.push_back({"tiny", "tensorflow", base, std::nullopt});
  return out;
}

}  // namespace tensorplug::bench::tf_baseline
