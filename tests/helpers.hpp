// What several test files share: running a sandbox workload to the end.
#pragma once

#include <memory>

#include "core/metrics.hpp"
#include "core/runtime.hpp"
#include "core/sandbox.hpp"

namespace loopscope::testing {

struct outcome {
  std::unique_ptr<sandbox_run> run;
  run_metrics m;

  const lane_stats& task(int i) const { return m.lanes[run->task_lanes[static_cast<std::size_t>(i - 1)]]; }
};

inline outcome run_sandbox(strategy how, workload w, clock_kind clock = clock_kind::virtual_clock) {
  loop_options options;
  options.clock = clock;
  outcome o;
  o.run = make_sandbox(how, std::move(w), options);
  o.run->loop->run();
  o.m = compute_metrics(o.run->loop->trace(), o.run->loop->now());
  return o;
}

constexpr nanos ms = 1'000'000;
constexpr nanos sec = 1'000'000'000;

}  // namespace loopscope::testing
