// Workloads the benchmarks share: large, varied, deterministic.
#pragma once

#include <memory>

#include "core/scenario.hpp"

namespace loopscope {

// `tasks` clients, each talking to a service 32 times with pauses of 0.2 to
// 5.2 ms: about 100 trace events per task, on the virtual clock, not yet run.
std::unique_ptr<scenario_run> make_chatty_clients(int tasks);

}  // namespace loopscope
