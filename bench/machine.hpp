// What a benchmark records about the machine and its conditions (the CPU,
// the cores it may use, the load average, the date), and the OpenBLAS
// kernel fix, shared by the benchmarks that compare against OpenBLAS or
// libtorch (tensorplug_bench_compute, tensorplug_bench_epoch).
#pragma once

#include <cblas.h>
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <string_view>

namespace tensorplug::bench {

inline std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(in >> one >> five >> fifteen)) return "unknown";
  return one + " " + five + " " + fifteen;
}

/// "model name (family F, model M)" of the first CPU in /proc/cpuinfo.
inline std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, name = "unknown", family, model;
  auto value = [&] {
    const auto colon = line.find(':');
    const auto start = line.find_first_not_of(' ', colon + 1);
    return colon == std::string::npos || start == std::string::npos
               ? std::string()
               : line.substr(start);
  };
  while (std::getline(in, line) &&
         line.find_first_not_of(" \t") != std::string::npos) {
    if (line.starts_with("model name")) {
      name = value();
    } else if (line.starts_with("cpu family")) {
      family = value();
    } else if (line.starts_with("model\t") || line.starts_with("model ")) {
      model = value();
    }
  }
  if (!family.empty()) name += " (family " + family + ", model " + model + ")";
  return name;
}

inline int available_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
  return 0;
}

inline std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

/// OpenBLAS's DYNAMIC_ARCH picks its kernels from the CPU model; a model it
/// does not know gets the generic `Prescott` (SSE3) kernels. Debian's 0.3.21
/// does that on Xeons newer than it (family 6 model 207 here): ~10 GFLOP/s
/// instead of ~150, which would make OpenBLAS, and libtorch that calls it, a
/// meaningless baseline. Unless OPENBLAS_CORETYPE is set already, re-executes
/// the program with the kernels the CPU supports (OpenBLAS reads the variable
/// once, when it is loaded). Returns a description of what was done, or "".
inline std::string fix_openblas_core(char** argv) {
  const std::string core = openblas_get_corename();
  const char* set = std::getenv("OPENBLAS_CORETYPE");
  if (std::getenv("TP_BENCH_OPENBLAS_REEXEC") != nullptr) {
    return std::string("OPENBLAS_CORETYPE=") + (set ? set : "") +
           " set by this program (OpenBLAS chose Prescott)";
  }
  if (set != nullptr) {
    return std::string("OPENBLAS_CORETYPE=") + set + " from the environment";
  }
  if (core != "Prescott") return "";
  __builtin_cpu_init();
  const char* better = __builtin_cpu_supports("avx512f") ? "SkylakeX"
                       : __builtin_cpu_supports("avx2")  ? "Haswell"
                                                         : nullptr;
  if (better == nullptr) return "";
  std::fprintf(stderr,
               "bench: OpenBLAS chose its generic Prescott kernels on a CPU "
               "with %s: re-running with OPENBLAS_CORETYPE=%s (set "
               "OPENBLAS_CORETYPE yourself to choose)\n",
               std::string_view(better) == "SkylakeX" ? "AVX-512" : "AVX2",
               better);
  ::setenv("OPENBLAS_CORETYPE", better, 1);
  ::setenv("TP_BENCH_OPENBLAS_REEXEC", "1", 1);
  ::execv("/proc/self/exe", argv);
  std::perror("bench: execv /proc/self/exe");
  return "Prescott (re-executing failed)";
}

}  // namespace tensorplug::bench
