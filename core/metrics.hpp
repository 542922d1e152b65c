// Metrics of one variant, computed from its trace.
#pragma once

#include <deque>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace.hpp"

namespace loopscope {

constexpr nanos slow_slice_threshold = 100'000'000;  // asyncio's slow_callback_duration

// A stretch of one state on one lane: [t0, t1).
struct span {
  nanos t0;
  nanos t1;
  lane_state state;
  std::uint8_t detail;
};

// Spans of one lane's events; a lane still alive is cut at `now`. Terminal
// states are instants, not spans.
std::vector<span> lane_spans(std::span<const trace_event> events, nanos now);

struct lane_stats {
  lane_id lane = no_lane;
  lane_kind kind = lane_kind::task;
  std::string name;
  bool spawned = false;  // has a task at all (a sequential run may never get there)
  bool started = false;  // ran at least once
  bool ended = false;
  lane_state final_state = lane_state::ready;
  nanos created = -1;  // spawned (queued to run)
  nanos start = -1;    // first running
  nanos end = -1;      // terminal
  nanos running = 0;
  nanos ready = 0;
  nanos waiting = 0;
  std::string message;  // failure or cancellation
};

struct slow_slice {
  lane_id lane;
  nanos start;
  nanos duration;
};

struct run_metrics {
  nanos makespan = 0;        // when the last task ended
  nanos window = 0;          // when the last loop lane ended (or now)
  int peak_concurrency = 0;  // tasks in flight: started, not ended, not queued on a semaphore
  double mean_concurrency = 0;
  double loop_busy_fraction = 0;
  nanos ready_total = 0;  // time tasks spent woken but waiting for the loop
  nanos longest_slice = 0;
  lane_id longest_slice_lane = no_lane;
  std::vector<slow_slice> slow_slices;                      // every slice at or over the threshold
  nanos latency_p50 = 0, latency_p95 = 0, latency_p99 = 0;  // task end - creation
  std::deque<lane_stats> lanes;                    // by lane id (in blocks: a million of them is no single huge block)
  std::vector<lane_id> completion_order;           // task lanes in the order they ended
  std::vector<std::pair<nanos, int>> concurrency;  // steps: from t, this many in flight
};

// The run's figures at `now`: events after it are left out.
run_metrics compute_metrics(const trace& tr, nanos now, nanos slow_threshold = slow_slice_threshold);
// The same from lanes a reader holds grouped already (the window's):
// `lanes` of them, each one's events in the order the trace has them.
run_metrics compute_metrics(const trace& tr, nanos now, lane_id lanes,
                            const std::function<std::span<const trace_event>(lane_id)>& events_of,
                            nanos slow_threshold = slow_slice_threshold);

// Human sentences for the slow slices, as the CLI and the app show them.
std::vector<std::string> warnings_of(const run_metrics& m);

// Nearest-rank percentile of sorted values; 0 for none.
nanos percentile(const std::vector<nanos>& sorted, double q);

// "1.5 s", "250 ms", "40 µs", "32 min 40 s", "26 h 5 min": a duration for people.
std::string format_duration(nanos d);
// "1.500 s": a time in seconds to the millisecond, for tables and summaries.
std::string format_seconds(nanos t);
// A scenario's own figure in its unit: "15.1 KiB", "152 µs", "1,000", "3,210 requests/s".
std::string format_figure(double value, std::string_view unit);

}  // namespace loopscope
