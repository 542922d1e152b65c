// The run summary of `loopscope run --json`: the contract scripts rely on.
#pragma once

#include <optional>
#include <string>

#include "core/metrics.hpp"
#include "core/scenario.hpp"

namespace loopscope {

// One JSON object (pretty-printed). `sequential_reference` is the makespan
// of the same workload run sequentially, for the speedup.
std::string summary_json(const scenario_run& run, const run_metrics& m, std::optional<nanos> sequential_reference);

}  // namespace loopscope
