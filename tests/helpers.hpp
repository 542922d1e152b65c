// What several test files share: running a sandbox workload to the end, and
// the invariants every trace keeps.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "core/loop.hpp"
#include "core/metrics.hpp"
#include "core/sandbox.hpp"

namespace loopscope::testing {

struct outcome {
  std::unique_ptr<sandbox_run> run;
  run_metrics m;

  const lane_stats& task(int i) const { return m.lanes[run->task_lanes()[static_cast<std::size_t>(i - 1)]]; }
};

inline outcome run_sandbox(strategy how, workload w, clock_kind clock = clock_kind::virtual_clock) {
  loop_options options;
  options.clock = clock;
  outcome o;
  o.run = make_sandbox(how, std::move(w), options);
  o.run->run_to_end();
  o.m = compute_metrics(o.run->trace(), o.run->now());
  return o;
}

inline bool allowed(lane_state from, lane_state to) {
  switch (from) {
    case lane_state::ready:
      return to == lane_state::running;
    case lane_state::running:
      return to == lane_state::running || to == lane_state::ready || to == lane_state::waiting ||
             to == lane_state::idle || is_terminal(to);  // idle: a worker that finished its job
    case lane_state::waiting:
      return to == lane_state::ready || to == lane_state::running;
    case lane_state::idle:
      return to == lane_state::running;
    default:
      return false;  // nothing follows an end
  }
}

inline void check_invariants(const trace& tr, const std::string& what) {
  INFO(what);
  const auto per_lane = tr.by_lane();
  for (lane_id id = 0; id < per_lane.size(); ++id) {
    const auto& ev = per_lane[id];
    const bool worker = tr.lane(id).kind == lane_kind::worker;
    if (ev.empty()) continue;  // a task a sequential run never reached
    INFO("lane " << tr.lane(id).name);
    CHECK(ev.front().state == (worker ? lane_state::idle : lane_state::ready));
    int terminals = 0;
    for (std::size_t i = 0; i < ev.size(); ++i) {
      if (is_terminal(ev[i].state)) ++terminals;
      if (i == 0) continue;
      CHECK(ev[i].t >= ev[i - 1].t);  // slices never overlap: one state at a time, in order
      CHECK_MESSAGE(allowed(ev[i - 1].state, ev[i].state), to_string(ev[i - 1].state)
                                                               << " -> " << to_string(ev[i].state));
    }
    if (worker) {
      CHECK(terminals == 0);
    } else {
      CHECK(terminals == 1);
      CHECK(is_terminal(ev.back().state));
    }
  }
}

constexpr nanos ms = 1'000'000;
constexpr nanos sec = 1'000'000'000;

}  // namespace loopscope::testing
