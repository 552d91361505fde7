// `tensorplug bench`: the standard workloads (bench/workloads.hpp, shared
// with tensorplug_bench_compute) on each chosen backend, interleaved so that
// noise hits every backend alike, reported as medians and ratios to the
// fastest backend per workload.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "commands.hpp"
#include "output.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/discover.hpp"
#include "tensorplug/threads.hpp"
#include "workloads.hpp"

namespace tensorplug::cli {
namespace {

struct BenchOptions {
  std::vector<std::string> backends;
  std::vector<std::string> workloads;
  unsigned threads = 0;
  unsigned repetitions = 5;
  double min_time = 0.1;
  bool smoke = false;
  bool json = false;
};

/// One workload made ready on one backend: a call to time, or why not.
struct Prepared {
  std::function<void()> call;
  bool provided = false;
  std::string missing;  ///< the NotProvidedError's message
};

/// A workload definition: its name, its flops per call (0: not meaningful)
/// and how it is built on a backend.
struct Workload {
  std::string name;
  double flops = 0;
  std::function<std::function<void()>(const Backend&)> build;
};

std::vector<Workload> all_workloads(const bench::Sizes& sizes) {
  std::vector<Workload> out;
  for (const std::int64_t n : sizes.gemm) {
    auto data = std::make_shared<bench::GemmData>(bench::make_gemm_data(n));
    out.push_back({fmt::format("gemm_{}", n), data->flops(),
                   [data](const Backend& b) -> std::function<void()> {
                     auto f = bench::build_gemm(b, data->n);
                     auto in = std::make_shared<std::vector<Array>>(
                         std::vector<Array>{data->a_array(), data->b_array()});
                     return [f, in] { f(*in); };
                   }});
  }
  auto mlp = std::make_shared<bench::MlpData>(bench::make_mlp_data(sizes));
  out.push_back({"mlp_step", 3 * mlp->forward_flops(),
                 [mlp](const Backend& b) -> std::function<void()> {
                   auto m = std::make_shared<bench::MlpModel>(
                       bench::build_mlp(b, *mlp));
                   auto in = std::make_shared<std::vector<Array>>(
                       std::vector<Array>{mlp->x_array(), mlp->y_array()});
                   return [m, in] { m->step(*in); };
                 }});
  auto cnn = std::make_shared<bench::CnnData>(bench::make_cnn_data(sizes));
  out.push_back(
      {"cnn_step", 0, [cnn](const Backend& b) -> std::function<void()> {
         auto m = std::make_shared<bench::CnnModel>(bench::build_cnn(b, *cnn));
         auto in = std::make_shared<std::vector<Array>>(
             std::vector<Array>{cnn->x_array(m->format), cnn->y_array()});
         return [m, in] { m->step(*in); };
       }});
  out.push_back({"mlp_forward", mlp->forward_flops(),
                 [mlp](const Backend& b) -> std::function<void()> {
                   auto m = std::make_shared<bench::MlpModel>(
                       bench::build_mlp(b, *mlp));
                   auto in = std::make_shared<std::vector<Array>>(
                       std::vector<Array>{mlp->x_array()});
                   return [m, in] { m->forward(*in); };
                 }});
  out.push_back({"tiny", 0, [](const Backend& b) -> std::function<void()> {
                   auto f = bench::build_tiny(b);
                   auto in = std::make_shared<std::vector<Array>>(
                       std::vector<Array>{Array::of<float>({1}, {1.0f})});
                   return [f, in] { f(*in); };
                 }});
  return out;
}

/// `filter` entries match a workload by name, or by prefix before `_`
/// (`gemm` selects every GEMM size).
std::vector<Workload> select_workloads(std::vector<Workload> all,
                                       const std::vector<std::string>& filter) {
  if (filter.empty()) return all;
  std::vector<Workload> out;
  for (const auto& name : filter) {
    bool found = false;
    for (const auto& w : all) {
      if (w.name == name || w.name.rfind(name + "_", 0) == 0) {
        if (std::none_of(out.begin(), out.end(),
                         [&](const Workload& o) { return o.name == w.name; })) {
          out.push_back(w);
        }
        found = true;
      }
    }
    if (!found) {
      std::vector<std::string> names;
      for (const auto& w : all) names.push_back(w.name);
      throw ConfigError(fmt::format("unknown workload '{}' (known: {})", name,
                                    join_or(names)));
    }
  }
  return out;
}

/// The valid backends `list` shows (not shadowed), in resolution order.
std::vector<std::string> valid_backends() {
  ResolveOptions resolve;
  try {
    resolve.config_dir = config_dir();
  } catch (...) {
    // Without a configuration directory its root is simply not searched.
  }
  std::vector<std::string> out;
  for (const auto& b : discover_backends(resolve)) {
    if (b.status == InstalledBackend::Status::kValid && !b.shadowed) {
      out.push_back(b.name);
    }
  }
  return out;
}

struct Cell {
  bool provided = false;
  std::string missing;
  std::vector<double> samples;  ///< seconds per call, one per repetition
  double median = 0;
};

struct BackendRun {
  std::string name;
  std::optional<Backend> backend;
  std::vector<Prepared> prepared;
  std::vector<Cell> cells;  ///< one per workload
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/// Seconds per call: calls until `min_time` has passed (at least one).
double measure(const std::function<void()>& call, double min_time) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::size_t calls = 0;
  double elapsed = 0;
  do {
    call();
    ++calls;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < min_time);
  return elapsed / static_cast<double>(calls);
}

[[noreturn]] void fail_in(const std::string& backend,
                          const std::string& workload) {
  try {
    throw;
  } catch (const Error& e) {
    const std::string where =
        workload.empty()
            ? fmt::format("backend '{}'", backend)
            : fmt::format("backend '{}', workload '{}'", backend, workload);
    throw Error(e.code(), fmt::format("{}: {}", where, e.what()));
  }
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        return value;
      }
    }
  }
  return {};
}

boost::json::object machine_info() {
  boost::json::object m;
  m["cpu_model"] = json_string_or_null(cpu_model());
  m["cores"] = std::thread::hardware_concurrency();
  const std::time_t now = std::time(nullptr);
  char date[32] = {};
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  m["date"] = date;
  double load[3] = {0, 0, 0};
  boost::json::array loads;
  if (getloadavg(load, 3) == 3) {
    for (double l : load) loads.push_back(l);
  }
  m["load_average"] = std::move(loads);
  return m;
}

/// The fastest median of workload `w` over the backends providing it.
std::optional<double> fastest(const std::vector<BackendRun>& runs,
                              std::size_t w) {
  std::optional<double> best;
  for (const auto& r : runs) {
    const Cell& c = r.cells[w];
    if (c.provided && (!best || c.median < *best)) best = c.median;
  }
  return best;
}

std::string human_time(double s) {
  if (s < 1e-3) return fmt::format("{:.2f} us", s * 1e6);
  if (s < 1) return fmt::format("{:.3f} ms", s * 1e3);
  return fmt::format("{:.3f} s", s);
}

std::string render_human(const std::vector<BackendRun>& runs,
                         const std::vector<Workload>& workloads,
                         const BenchOptions& o, const Style& style) {
  std::string out = style.bold(
      fmt::format("Medians of {} repetitions (ratio to the fastest backend)",
                  o.repetitions));
  out += '\n';
  std::size_t width = 8;
  for (const auto& w : workloads) width = std::max(width, w.name.size());
  out += fmt::format("  {:<{}}", "workload", width);
  for (const auto& r : runs) out += fmt::format("  {:>24}", r.name);
  out += '\n';
  for (std::size_t w = 0; w < workloads.size(); ++w) {
    out += fmt::format("  {:<{}}", workloads[w].name, width);
    const auto best = fastest(runs, w);
    for (const auto& r : runs) {
      const Cell& c = r.cells[w];
      const std::string text =
          c.provided ? fmt::format("{} (x{:.2f})", human_time(c.median),
                                   c.median / *best)
                     : std::string("not provided");
      out += fmt::format("  {:>24}", text);
    }
    out += '\n';
  }
  return out;
}

boost::json::value render_json(const std::vector<BackendRun>& runs,
                               const std::vector<Workload>& workloads,
                               const BenchOptions& o) {
  boost::json::object out;
  out["machine"] = machine_info();
  out["repetitions"] = o.repetitions;
  out["min_time"] = o.min_time;
  out["smoke"] = o.smoke;
  boost::json::array backends;
  for (const auto& r : runs) {
    boost::json::object b;
    b["name"] = r.name;
    b["library"] = r.backend->library_path().string();
    b["threads"] = r.backend->threads().value;
    boost::json::array results;
    for (std::size_t w = 0; w < workloads.size(); ++w) {
      const Cell& c = r.cells[w];
      boost::json::object x;
      x["workload"] = workloads[w].name;
      x["provided"] = c.provided;
      if (c.provided) {
        x["median_seconds"] = c.median;
        x["gflops"] =
            workloads[w].flops > 0
                ? boost::json::value(workloads[w].flops / c.median / 1e9)
                : boost::json::value(nullptr);
        x["ratio_to_fastest"] = c.median / *fastest(runs, w);
        x["repetitions"] = c.samples.size();
        x["problem"] = nullptr;
      } else {
        x["median_seconds"] = nullptr;
        x["gflops"] = nullptr;
        x["ratio_to_fastest"] = nullptr;
        x["repetitions"] = 0;
        x["problem"] = c.missing;
      }
      results.push_back(std::move(x));
    }
    b["results"] = std::move(results);
    backends.push_back(std::move(b));
  }
  out["backends"] = std::move(backends);
  out["error"] = nullptr;
  return out;
}

int run(const BenchOptions& o) {
  if (o.threads > 0) thread_setting(o.threads, false);  // range check
  const bench::Sizes sizes =
      o.smoke ? bench::Sizes::smoke() : bench::Sizes::full();
  const auto workloads = select_workloads(all_workloads(sizes), o.workloads);
  const auto names = o.backends.empty() ? valid_backends() : o.backends;
  if (names.empty())
    throw BackendNotFoundError("no valid backend is installed");

  std::vector<BackendRun> runs;
  for (const auto& name : names) {
    BackendRun r;
    r.name = name;
    try {
      LoadOptions options;
      options.announce = false;
      options.num_threads = o.threads;
      r.backend = load_backend(name, options);
    } catch (...) {
      fail_in(name, "");
    }
    for (const auto& w : workloads) {
      Prepared p;
      Cell c;
      try {
        p.call = w.build(*r.backend);
        p.call();  // warm-up; also reports a missing op
        p.provided = c.provided = true;
      } catch (const NotProvidedError& e) {
        c.missing = e.what();
      } catch (...) {
        fail_in(name, w.name);
      }
      r.prepared.push_back(std::move(p));
      r.cells.push_back(std::move(c));
    }
    runs.push_back(std::move(r));
  }

  // Repetition r runs every (backend, workload) pair, starting one pair
  // further along each time, before repetition r + 1.
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t w = 0; w < workloads.size(); ++w) {
    for (std::size_t b = 0; b < runs.size(); ++b) pairs.emplace_back(b, w);
  }
  for (unsigned rep = 0; rep < o.repetitions; ++rep) {
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const auto [b, w] = pairs[(i + rep) % pairs.size()];
      if (!runs[b].prepared[w].provided) continue;
      try {
        runs[b].cells[w].samples.push_back(
            measure(runs[b].prepared[w].call, o.min_time));
      } catch (...) {
        fail_in(runs[b].name, workloads[w].name);
      }
    }
  }
  for (auto& r : runs) {
    for (auto& c : r.cells) c.median = median(c.samples);
  }
  return emit_report(
      o.json, std::nullopt, [&] { return render_json(runs, workloads, o); },
      [&](const Style& style) {
        return render_human(runs, workloads, o, style);
      });
}

}  // namespace

Command add_bench_command(CLI::App& app) {
  auto options = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Time the standard workloads on each backend, side by side");
  cmd->footer(
      "Runs GEMM at three sizes, the MLP and CNN training steps, the MLP\n"
      "forward pass and a tiny call (bench/workloads.hpp) on every valid\n"
      "backend `tensorplug list` shows, or those of --backends. Repetition\n"
      "r runs every (backend, workload) pair before repetition r + 1; the\n"
      "table shows medians and ratios to the fastest backend. A workload\n"
      "needing an op a backend lacks is `not provided`; a backend failing\n"
      "to load or to run is an error. Exit codes: see docs/cli.md.");
  cmd->add_option("--backends", options->backends,
                  "Backends to run (names or paths), comma-separated")
      ->delimiter(',');
  cmd->add_option("--workloads", options->workloads,
                  "Workloads to run (gemm selects every GEMM size), "
                  "comma-separated")
      ->delimiter(',');
  cmd->add_option("--threads", options->threads,
                  "Thread count for every backend (0: the default)");
  cmd->add_option("--repetitions", options->repetitions,
                  "Repetitions of every measurement (the median is shown)")
      ->check(CLI::Range(1u, 1000u));
  cmd->add_option("--min-time", options->min_time,
                  "Minimum seconds of calls per measurement")
      ->check(CLI::Range(0.0, 60.0));
  cmd->add_flag("--smoke", options->smoke,
                "Tiny sizes, for a quick check that everything runs");
  cmd->add_flag("--json", options->json,
                "Print one JSON object on stdout (see docs/cli.md)");
  return {cmd, [options] {
            try {
              return run(*options);
            } catch (const Error&) {
              print_error(capture_failure(std::current_exception()));
              return capture_failure(std::current_exception()).status;
            }
          }};
}

}  // namespace tensorplug::cli
