// The torch backend's threads: one setting for libtorch's pools and the
// BLAS beneath them.
//
// The setting is the one every backend honours, tp_context.num_threads
// (tptk::thread_count: the application's LoadOptions::num_threads or
// TENSORPLUG_NUM_THREADS, read by the host), else one thread per core this
// process may run on; applied here in one function.
#pragma once

#include <string>

namespace tptorch {

/**
 * Applies `threads` to libtorch: ATen's intra-op pool gets `threads`, its
 * inter-op pool one thread (set once per process: libtorch refuses a second
 * call), and OpenBLAS (which ATen's matrix products call) one thread, so
 * that two pools never spin on the same cores; see README.md. Returns a
 * description for the log.
 */
std::string apply_threads(int threads);

}  // namespace tptorch
