// A compiled function as one TensorFlow graph and session: the toolkit's plan
// (graph, shapes, VJPs, constant folding: plan.hpp) translated op by op
// (translate.hpp) into a TF_Graph whose placeholders are the function's
// inputs and the variables it reads, run by one TF_SessionRun per call.
#pragma once

#include <tensorplug/toolkit/executor.hpp>

#include <memory>

namespace tftf {

/** The thread setting new sessions use (0: TensorFlow's default). */
void set_session_threads(int threads) noexcept;

/** BackendInfo::make_executor of this backend. */
std::unique_ptr<tptk::Executor> make_executor(const tptk::Plan& plan);

}  // namespace tftf
