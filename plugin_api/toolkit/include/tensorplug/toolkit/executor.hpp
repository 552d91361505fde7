// A backend's own executor: for a backend that hands a whole compiled
// function to a framework with its own graph runtime (tensorflow), instead of
// running the toolkit's plan one kernel at a time. The toolkit still builds
// the graph, infers shapes, applies the VJP rules and plans the function
// (compile(), plan.hpp); the executor, made once per `function`, computes
// the plan's outputs and update values at each call.
//
//   std::unique_ptr<tptk::Executor> my_executor(const tptk::Plan& plan);
//   BackendInfo{..., .make_executor = &my_executor}
//
// Contract: `run` is given an Evaluation whose source slots (inputs,
// variable reads, folded constants: bind_sources) are set; it sets
// `ev.owned[s]` and `ev.slots[s] = &ev.owned[s]` for every step result `s`
// that is an output or an update value (plan.output_slots,
// plan.update_value_slots), each a complete Array of the node's dtype whose
// buffer is never written again. It throws tp::Error on failure and changes
// nothing else: the toolkit checks the update shapes, assigns the variables
// and hands out the outputs after it returns. It may be called from several
// threads at once (two calls of one callable, or of two callables).
#pragma once

#include "plan.hpp"

namespace tptk {

class Executor {
 public:
  virtual ~Executor() = default;
  /** Computes one call's outputs and update values into `ev` (above). */
  virtual void run(const Plan& plan, Evaluation& ev) = 0;
};

}  // namespace tptk
