// The run summary of `loopscope run --json`: the contract scripts rely on.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "core/metrics.hpp"
#include "core/scenario.hpp"

namespace loopscope {

// Why the run's speedup against the sequential reference would mean
// nothing, or nothing when it means something: a run that did not do all
// the work (a sequential run stopped by a failure, siblings cancelled by a
// TaskGroup) is not faster, only shorter.
std::optional<std::string> speedup_withheld(const scenario_run& run, const run_metrics& m);

// One JSON object (pretty-printed). `sequential_reference` is the makespan
// of the same workload run sequentially, for the speedup.
std::string summary_json(const scenario_run& run, const run_metrics& m, std::optional<nanos> sequential_reference);
// The same, written to `out` as it is made: a million tasks' summary is
// never held whole.
void write_summary_json(std::ostream& out, const scenario_run& run, const run_metrics& m,
                        std::optional<nanos> sequential_reference);

}  // namespace loopscope
