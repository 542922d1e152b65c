// Whether two runs of one program agree task by task: a lesson's variant on
// the engine and its Python twin traced under CPython. The command line,
// the window's badge and the tests all ask it here.
#pragma once

#include <string>
#include <vector>

#include "core/metrics.hpp"
#include "core/scenario.hpp"

namespace loopscope {

struct agreement_options {
  // How far an end may be from the other run's: on two virtual clocks a
  // microsecond (Python's float seconds round a fraction like 15/7 s to a
  // neighbouring nanosecond), more where a run measured real work.
  nanos tolerance = exact_tolerance;
  static constexpr nanos exact_tolerance = 1'000;
  // The order tasks ended in; not where times are measured, not exact.
  bool check_order = true;
};

struct agreement {
  std::size_t tasks = 0;                 // tasks compared: those that started in the reference run
  std::vector<std::string> differences;  // one sentence each; none when they agree
  bool agrees() const { return differences.empty(); }
  // "CPython agrees: 8 tasks, same states, same ends, same order", or
  // "CPython differs: " and the first differences.
  std::string badge(const std::string& who = "CPython") const;
  agreement_options options;
};

// How exactly a traced twin can follow an engine run: to the microsecond,
// and in order, unless the run computes (CPU work on the loop), whose twin
// measures this machine: then within 2% of the makespan plus 20 ms.
agreement_options options_for(const scenario_run& reference, const run_metrics& reference_metrics);
// Whether a run does CPU work (cpu() slices): its twin's times are measured.
bool computes(const trace& tr);

// Compares `other` with `reference` (the engine's run): the same tasks, in
// the order they were made, end in the same states at the same times, in
// the same order. Ties CPython has no order for are compared as sets: tasks
// cancelled at one instant (a TaskGroup cancels in the order of a set) and
// tasks ending at one instant in a run with thread-pool workers (in the
// order the real threads happened to finish).
agreement compare_runs(const scenario_run& reference, const run_metrics& reference_metrics, const scenario_run& other,
                       const run_metrics& other_metrics, agreement_options options = {});

}  // namespace loopscope
