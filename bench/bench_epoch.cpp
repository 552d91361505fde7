// tensorplug_bench_epoch: one epoch of the Fashion-MNIST CNN of the main
// job (examples/fashion/: the same model, graphs, Adam, batch size and data)
// on each backend, against the same model written directly in libtorch
// (torch_fashion.hpp), in the same process and the same run (see
// bench/README.md).
//
// Each repetition runs one epoch per runner, in an order rotated from one
// repetition to the next, so that noise hits every runner alike; the report
// gives the medians and each backend's ratio to the libtorch baseline at its
// best thread count. Before timing, every backend's inference loss on one
// batch, from the same initial weights, is checked against libtorch's. The
// program exits non-zero only when something does not work (a backend that
// fails, a wrong result, a bad option), never because of a timing.
#include <cblas.h>

#include <tensorplug/backend.hpp>
#include <tensorplug/errors.hpp>
#include <tensorplug/resolve.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../examples/common/batches.hpp"
#include "../examples/common/cli.hpp"
#include "../examples/fashion/idx.hpp"
#include "../examples/fashion/session.hpp"
#include "machine.hpp"
#include "torch_baselines.hpp"
#include "torch_fashion.hpp"

namespace {

namespace tb = tensorplug::bench;
namespace tt = tensorplug::bench::torch_baseline;
using tensorplug::Backend;
using tpex::json_string;
using tpex::UsageError;

constexpr const char* kUsage = R"(usage: tensorplug_bench_epoch [options]

Times one epoch of the Fashion-MNIST CNN (tensorplug-fashion --model cnn) on
each backend against the same model written directly in libtorch, side by
side in one process, with interleaved repetitions.

  --backends a,b,...  backends to time (default: every builtin backend but
                      the reference oracle, which takes minutes per epoch)
  --threads N         TENSORPLUG_NUM_THREADS for the backends (default: the
                      cores available)
  --libtorch LIST     the libtorch baselines, FORMAT/ATEN/BLAS[/FLAG...] each
                      (memory format nchw or nhwc, at::set_num_threads,
                      openblas_set_num_threads; flags: nomkldnn turns
                      libtorch's oneDNN off, ftz flushes denormals),
                      comma-separated; default
                      nchw/1/1,nchw/N/1,nhwc/1/1,nhwc/N/1 with N = --threads.
                      The fastest is the baseline
  --repetitions N     epochs per runner (default 3); medians are reported
  --train-size N      images per epoch (default 60000, the whole set)
  --batch-size N      default 128, as the main job
  --data DIR          default /usr/share/datasets/fashion-mnist
  --seed N            initial weights and shuffling (default 1)
  --json FILE         also write the results as JSON
  --smoke             a tiny run proving the program works (256 images,
                      2 repetitions); its timings mean nothing
)";

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (begin <= s.size()) {
    const std::size_t end = std::min(s.find(',', begin), s.size());
    if (end > begin) out.push_back(s.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

/// How the libtorch baseline runs: memory format and the two pools.
struct TorchConfig {
  bool nhwc = false;
  int aten = 1;        // at::set_num_threads
  int blas = 1;        // openblas_set_num_threads
  bool mkldnn = true;  // libtorch's oneDNN kernels enabled
  bool ftz = false;    // at::set_flush_denormal(true) on the calling thread
  std::string str() const {
    return std::string(nhwc ? "NHWC" : "NCHW") + (mkldnn ? "" : " no-mkldnn") +
           (ftz ? " ftz" : "") + " (ATen " + std::to_string(aten) +
           ", OpenBLAS " + std::to_string(blas) + ")";
  }
};

/// "nchw/2/1,nhwc/1/1/nomkldnn/ftz":
/// FORMAT/ATEN_THREADS/BLAS_THREADS[/nomkldnn][/ftz],
/// comma-separated.
std::vector<TorchConfig> parse_libtorch(const std::string& text) {
  std::vector<TorchConfig> out;
  for (const auto& item : split(text)) {
    const auto a = item.find('/');
    const auto b = a == std::string::npos ? a : item.find('/', a + 1);
    const auto e = b == std::string::npos ? b : item.find('/', b + 1);
    const std::string format = item.substr(0, a);
    bool flags_ok = true;
    TorchConfig c;
    for (auto f = e; f != std::string::npos;) {
      const auto next = item.find('/', f + 1);
      const std::string flag =
          item.substr(f + 1, next == std::string::npos ? next : next - f - 1);
      if (flag == "nomkldnn") {
        c.mkldnn = false;
      } else if (flag == "ftz") {
        c.ftz = true;
      } else {
        flags_ok = false;
      }
      f = next;
    }
    if (b == std::string::npos || (format != "nchw" && format != "nhwc") ||
        !flags_ok) {
      throw UsageError("--libtorch: `" + item +
                       "` is not FORMAT/ATEN/BLAS[/nomkldnn][/ftz] (FORMAT "
                       "nchw or nhwc, thread counts >= 1), e.g. nchw/2/1");
    }
    c.nhwc = format == "nhwc";
    c.aten = static_cast<int>(
        tpex::to_integer("--libtorch", item.substr(a + 1, b - a - 1), 1));
    c.blas = static_cast<int>(tpex::to_integer(
        "--libtorch",
        item.substr(b + 1, e == std::string::npos ? e : e - b - 1), 1));
    out.push_back(c);
  }
  if (out.empty()) throw UsageError("--libtorch: no configuration given");
  return out;
}

/// The libtorch configurations timed by default; a thread count above 1
/// becomes --threads.
constexpr const char* kDefaultLibtorch = "nchw/1/1,nchw/2/1,nhwc/1/1,nhwc/2/1";

struct Options {
  std::vector<std::string> backends;
  int threads = 0;
  int repetitions = 3;
  std::size_t train_size = 60000;
  std::size_t batch_size = 128;
  std::string data = fashion::kDefaultDir;
  unsigned seed = 1;
  std::string json;
  bool smoke = false;
  std::vector<TorchConfig> libtorch;  // empty: the defaults (see parse)
};

Options parse(int argc, char** argv) {
  Options o;
  bool sized = false, repeated = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg == "--smoke") {
      o.smoke = true;
      continue;
    }
    if (i + 1 >= argc) throw UsageError(arg + " needs a value");
    const std::string v = argv[++i];
    if (arg == "--backends") {
      o.backends = split(v);
      if (o.backends.empty()) throw UsageError("--backends: no backend named");
    } else if (arg == "--threads") {
      o.threads = static_cast<int>(tpex::to_integer(arg, v, 1));
    } else if (arg == "--repetitions") {
      o.repetitions = static_cast<int>(tpex::to_integer(arg, v, 1));
      repeated = true;
    } else if (arg == "--train-size") {
      o.train_size = static_cast<std::size_t>(tpex::to_integer(arg, v, 1));
      sized = true;
    } else if (arg == "--batch-size") {
      o.batch_size = static_cast<std::size_t>(tpex::to_integer(arg, v, 1));
    } else if (arg == "--data") {
      o.data = v;
    } else if (arg == "--seed") {
      o.seed = static_cast<unsigned>(tpex::to_integer(arg, v, 0));
    } else if (arg == "--libtorch") {
      o.libtorch = parse_libtorch(v);
    } else if (arg == "--json") {
      o.json = v;
    } else {
      throw UsageError("unknown option " + arg);
    }
  }
  if (o.smoke) {
    if (!sized) o.train_size = 256;
    if (!repeated) o.repetitions = 2;
  }
  if (o.threads == 0) o.threads = std::max(1, tb::available_cores());
  if (o.libtorch.empty()) {
    o.libtorch = parse_libtorch(kDefaultLibtorch);
    if (o.threads > 1) {
      for (auto& c : o.libtorch) {
        if (c.aten > 1) c.aten = o.threads;
      }
    }
  }
  return o;
}

/// The process-wide pools: OpenBLAS's (also what libtorch's BLAS calls are)
/// and libtorch's intra-op pool (also what the torch backend uses). Set
/// before each runner's epoch so that none inherits another's setting.
struct Pools {
  int blas = 1;
  int aten = 1;
};
Pools current_pools() { return {openblas_get_num_threads(), tt::threads()}; }
void set_pools(const Pools& p) {
  openblas_set_num_threads(p.blas);
  tt::set_threads(p.aten);
}

/// One thing timed: a backend's epoch or libtorch's at a thread count.
struct Runner {
  std::string name;
  bool baseline = false;
  Pools pools;
  std::function<double(const fashion::Dataset&,
                       const std::vector<std::size_t>&)>
      epoch;  // one epoch over the data in that order -> mean loss
  std::vector<double> seconds;
  std::vector<double> losses;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/// The epoch loop of tensorplug-fashion: batches in `order`, one training
/// step each, the mean loss returned.
template <class Step>
double run_epoch(const fashion::Dataset& train, std::size_t batch_size,
                 const std::vector<std::size_t>& order, Step&& step) {
  double loss = 0;
  for (std::size_t begin = 0; begin < train.size(); begin += batch_size) {
    const std::size_t end = std::min(begin + batch_size, train.size());
    const auto batch =
        tpex::gather_batch(train.pixels, train.labels, fashion::kPixels,
                           fashion::kClasses, order, begin, end);
    loss += step(batch) * static_cast<double>(batch.rows);
  }
  return loss / static_cast<double>(train.size());
}

struct Check {
  std::string what;
  bool ok = false;
  std::string detail;
};

int run(int argc, char** argv) {
  const std::string openblas_fix = tb::fix_openblas_core(argv);
  const Options o = parse(argc, argv);
  ::setenv("TENSORPLUG_NUM_THREADS", std::to_string(o.threads).c_str(), 1);

  const std::string date = tb::utc_now();
  const std::string load_before = tb::load_average();
  const fashion::Dataset train =
      fashion::load_idx(o.data, "train", o.train_size);
  std::printf(
      "tensorplug_bench_epoch%s\ndate: %s\ncpu: %s, %d cores available\n"
      "load average before: %s\nOpenBLAS: %s, core %s%s%s\nlibtorch: %s\n"
      "work: one epoch of the Fashion-MNIST CNN, %zu images, batch %zu, "
      "Adam; backends at %d thread(s), libtorch at 1%s\n\n",
      o.smoke ? " (smoke: timings mean nothing)" : "", date.c_str(),
      tb::cpu_model().c_str(), tb::available_cores(), load_before.c_str(),
      openblas_get_config(), openblas_get_corename(),
      openblas_fix.empty() ? "" : "; ", openblas_fix.c_str(),
      tt::version().c_str(), train.size(), o.batch_size, o.threads,
      o.threads > 1 ? (" and " + std::to_string(o.threads)).c_str() : "");

  std::vector<std::string> names = o.backends;
  if (names.empty()) {
    for (const auto& n : tensorplug::builtin_backend_names()) {
      if (n != "reference") names.push_back(n);
    }
  }

  // The initial weights, as the main job draws them (glorot_uniform from
  // the seed, in the model's order), read from the first backend's model.
  std::vector<std::vector<float>> initial;
  std::vector<Backend> backends;
  std::vector<std::unique_ptr<fashion::Session>> sessions;
  std::vector<Runner> runners;
  std::vector<Check> checks;
  std::vector<std::string> failures;
  const auto first_order = [&] {
    std::vector<std::size_t> idx(train.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    return idx;
  }();
  const auto check_batch = tpex::gather_batch(
      train.pixels, train.labels, fashion::kPixels, fashion::kClasses,
      first_order, 0, std::min(o.batch_size, train.size()));
  std::vector<std::pair<std::string, float>> check_losses;

  for (const auto& name : names) {
    try {
      tensorplug::LoadOptions lo;
      lo.announce = false;
      lo.config.write_default_file = false;
      Backend b = tensorplug::load_backend(name, lo);
      const Pools pools = current_pools();
      std::mt19937 rng(o.seed);
      auto s = std::make_unique<fashion::Session>("cnn", 0.002, b, rng);
      if (initial.empty()) {
        for (const auto& v : s->model.parameters().variables) {
          initial.push_back(b.get_value(v).to_vector<float>());
        }
      }
      set_pools(pools);
      const auto out =
          s->evaluate({s->inputs(check_batch.pixels, check_batch.rows),
                       fashion::Session::targets(check_batch)});
      check_losses.emplace_back(name, out[0].to_vector<float>().at(0));
      std::printf("backend %s: %s (%s)\n", name.c_str(),
                  b.description().c_str(), b.library_path().c_str());
      const fashion::Session* sp = s.get();
      Runner r;
      r.name = name;
      r.pools = pools;
      r.epoch = [sp, &o](const fashion::Dataset& data,
                         const std::vector<std::size_t>& order) {
        return run_epoch(
            data, o.batch_size, order, [sp](const tpex::Batch& batch) {
              const auto out =
                  sp->train_step({sp->inputs(batch.pixels, batch.rows),
                                  fashion::Session::targets(batch)});
              // What the main job reads back each step.
              static_cast<void>(tpex::count_correct(
                  out[1].to_vector<float>(), batch.labels, fashion::kClasses));
              return static_cast<double>(out[0].to_vector<float>().at(0));
            });
      };
      backends.push_back(std::move(b));
      sessions.push_back(std::move(s));
      runners.push_back(std::move(r));
    } catch (const tensorplug::BackendNotFoundError& e) {
      std::printf("backend %s: not installed, skipped\n", name.c_str());
      if (!o.backends.empty()) failures.push_back(name + ": " + e.what());
    } catch (const std::exception& e) {
      failures.push_back(name + ": " + e.what());
      std::fprintf(stderr, "backend %s FAILED: %s\n", name.c_str(), e.what());
    }
  }
  if (initial.empty()) {
    std::fprintf(stderr, "tensorplug_bench_epoch: no backend could be built\n");
    return 1;
  }

  // The libtorch baselines, from the same initial weights; Keras's epsilon
  // (1e-7) for Adam.
  std::vector<std::unique_ptr<tt::FashionCnn>> models;
  // The first configuration is the reference of the correctness checks.
  float base_loss = 0;
  std::string base_config;
  for (const TorchConfig& c : o.libtorch) {
    models.push_back(std::make_unique<tt::FashionCnn>(initial, 0.002, 1e-7,
                                                      c.nhwc, c.mkldnn, c.ftz));
    tt::FashionCnn* m = models.back().get();
    Runner r;
    r.name = "libtorch " + c.str();
    r.baseline = true;
    r.pools = {c.blas, c.aten};
    set_pools(r.pools);
    const float loss = m->evaluate(check_batch.pixels, check_batch.labels,
                                   static_cast<std::int64_t>(check_batch.rows));
    const bool first = base_config.empty();
    if (first) {
      base_loss = loss;
      base_config = r.name;
    }
    const auto subjects =
        first ? check_losses
              : std::vector<std::pair<std::string, float>>{{r.name, loss}};
    for (const auto& [name, l] : subjects) {
      const double diff = std::fabs(static_cast<double>(l) - base_loss);
      const bool ok =
          diff <=
          1e-4 * std::max(1.0, std::fabs(static_cast<double>(base_loss)));
      char detail[200];
      std::snprintf(detail, sizeof detail,
                    "inference loss on batch 1: %.7f, %s %.7f", l,
                    base_config.c_str(), base_loss);
      checks.push_back({name, ok, detail});
      std::printf("check %s: %s: %s\n", name.c_str(), ok ? "ok" : "WRONG",
                  detail);
    }
    r.epoch = [m, &o](const fashion::Dataset& data,
                      const std::vector<std::size_t>& order) {
      return run_epoch(
          data, o.batch_size, order, [m](const tpex::Batch& batch) {
            return static_cast<double>(
                m->train_step(batch.pixels, batch.labels,
                              static_cast<std::int64_t>(batch.rows)));
          });
    };
    runners.push_back(std::move(r));
  }
  std::printf("\n");
  std::fflush(stdout);

  // Warm-up, untimed: a few steps each (first-call allocations, libtorch's
  // lazy initialisation, the thread pools' start).
  {
    const fashion::Dataset warm =
        fashion::slice(train, 0, std::min(train.size(), 3 * o.batch_size));
    for (auto& r : runners) {
      set_pools(r.pools);
      if (!r.epoch) continue;
      try {
        std::vector<std::size_t> order(warm.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        static_cast<void>(r.epoch(warm, order));
      } catch (const std::exception& e) {
        failures.push_back(r.name + ": " + e.what());
        r.epoch = nullptr;
      }
    }
  }

  // Interleaved repetitions: each repetition shuffles once (the same order
  // for every runner) and rotates the order in which the runners go.
  std::mt19937 shuffle(o.seed + 1);
  for (int rep = 0; rep < o.repetitions; ++rep) {
    const auto order = tpex::shuffled_indices(train.size(), shuffle);
    for (std::size_t k = 0; k < runners.size(); ++k) {
      Runner& r = runners[(k + static_cast<std::size_t>(rep)) % runners.size()];
      if (!r.epoch) continue;
      set_pools(r.pools);
      // Let the previous runner's spinning pool threads stop.
      std::this_thread::sleep_for(std::chrono::milliseconds(o.smoke ? 0 : 300));
      const auto start = std::chrono::steady_clock::now();
      double loss = NAN;
      try {
        loss = r.epoch(train, order);
      } catch (const std::exception& e) {
        failures.push_back(r.name + ": " + e.what());
        std::fprintf(stderr, "%s FAILED: %s\n", r.name.c_str(), e.what());
        r.epoch = nullptr;
      }
      const double s = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - start)
                           .count();
      if (!r.epoch) continue;
      r.seconds.push_back(s);
      r.losses.push_back(loss);
      std::printf("repetition %d: %-22s %8.3f s  (mean loss %.4f)\n", rep + 1,
                  r.name.c_str(), s, loss);
      std::fflush(stdout);
    }
  }
  std::erase_if(runners, [](const Runner& r) { return r.seconds.empty(); });

  // The baseline: libtorch at its best thread count.
  const Runner* base = nullptr;
  for (const auto& r : runners) {
    if (r.baseline &&
        (base == nullptr || median(r.seconds) < median(base->seconds))) {
      base = &r;
    }
  }
  const std::string load_after = tb::load_average();
  std::printf(
      "\nmedians over %d repetitions (load average after: %s); baseline: "
      "%s\n\n| runner | median s | min s | max s | ratio | target |\n"
      "|---|---:|---:|---:|---:|---|\n",
      o.repetitions, load_after.c_str(), base ? base->name.c_str() : "none");
  auto target = [](const std::string& name) -> std::string {
    if (name == "native") return "<= 1.00";
    if (name == "torch") return "<= 1.05";
    return "";
  };
  for (const auto& r : runners) {
    const double m = median(r.seconds);
    const double ratio = base ? m / median(base->seconds) : NAN;
    std::printf(
        "| %s | %.3f | %.3f | %.3f | %.2f | %s |\n", r.name.c_str(), m,
        *std::min_element(r.seconds.begin(), r.seconds.end()),
        *std::max_element(r.seconds.begin(), r.seconds.end()), ratio,
        r.baseline ? (&r == base ? "baseline" : "") : target(r.name).c_str());
  }

  if (!o.json.empty()) {
    std::ofstream out(o.json, std::ios::trunc);
    out << "{\n  \"date\": " << json_string(date)
        << ",\n  \"cpu\": " << json_string(tb::cpu_model())
        << ",\n  \"cores\": " << tb::available_cores()
        << ",\n  \"load_average_before\": " << json_string(load_before)
        << ",\n  \"load_average_after\": " << json_string(load_after)
        << ",\n  \"libtorch\": " << json_string(tt::version())
        << ",\n  \"images\": " << train.size()
        << ",\n  \"batch_size\": " << o.batch_size
        << ",\n  \"threads\": " << o.threads
        << ",\n  \"smoke\": " << (o.smoke ? "true" : "false")
        << ",\n  \"baseline\": " << json_string(base ? base->name : "")
        << ",\n  \"runners\": [";
    for (std::size_t i = 0; i < runners.size(); ++i) {
      const Runner& r = runners[i];
      out << (i ? "," : "") << "\n    {\"name\": " << json_string(r.name)
          << ", \"baseline\": " << (r.baseline ? "true" : "false")
          << ", \"median_seconds\": " << median(r.seconds) << ", \"ratio\": "
          << (base ? median(r.seconds) / median(base->seconds) : 0.0)
          << ", \"seconds\": [";
      for (std::size_t k = 0; k < r.seconds.size(); ++k) {
        out << (k ? ", " : "") << r.seconds[k];
      }
      out << "]}";
    }
    out << "\n  ],\n  \"checks\": [";
    for (std::size_t i = 0; i < checks.size(); ++i) {
      out << (i ? "," : "")
          << "\n    {\"backend\": " << json_string(checks[i].what)
          << ", \"ok\": " << (checks[i].ok ? "true" : "false")
          << ", \"detail\": " << json_string(checks[i].detail) << "}";
    }
    out << "\n  ]\n}\n";
    if (!out) failures.push_back("cannot write " + o.json);
  }

  bool ok = failures.empty();
  for (const auto& c : checks) ok = ok && c.ok;
  for (const auto& f : failures)
    std::fprintf(stderr, "FAILED: %s\n", f.c_str());
  for (const auto& c : checks) {
    if (!c.ok) {
      std::fprintf(stderr, "WRONG: %s: %s\n", c.what.c_str(), c.detail.c_str());
    }
  }
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "tensorplug_bench_epoch: %s\n\n%s", e.what(), kUsage);
    return 64;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tensorplug_bench_epoch: %s\n", e.what());
    return 1;
  }
}
