// The torch backend's threads: one setting for libtorch's pools and the
// BLAS beneath them.
//
// The setting is the one the native backend honours: TENSORPLUG_NUM_THREADS
// (a whole number from 1 to 1024), else one thread per core this process may
// run on. It is read and applied in one function so that it can move to a
// shared toolkit setting later.
#pragma once

#include <string>

namespace tptorch {

/** The thread count the setting asks for, or 0 with `error` set. */
int requested_threads(std::string& error);

/**
 * Applies `threads` to libtorch: ATen's intra-op pool gets `threads`, its
 * inter-op pool one thread (set once per process: libtorch refuses a second
 * call), and OpenBLAS (which ATen's matrix products call) one thread, so
 * that two pools never spin on the same cores; see README.md. Returns a
 * description for the log.
 */
std::string apply_threads(int threads);

}  // namespace tptorch
