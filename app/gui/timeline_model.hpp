// What the timeline draws, computed without ImGui: the time axis, the lanes
// read incrementally from a trace, and per frame the culled and folded items
// of each visible lane (Tracy's two phases: preprocess here, draw in the view).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics.hpp"
#include "core/scenario.hpp"
#include "core/trace.hpp"

namespace loopscope::gui {

// The first of a lane's `events` (in time order) after t: every event
// before it had happened by t.
inline std::vector<trace_event>::const_iterator first_after(const std::vector<trace_event>& events, nanos t) {
  return std::upper_bound(events.begin(), events.end(), t, [](nanos at, const trace_event& e) { return at < e.t; });
}

// A lane of a task on the loop: the main one or one the run spawned (not a
// worker, not a helper).
constexpr bool is_task_lane(lane_kind k) { return k == lane_kind::main || k == lane_kind::task; }

// What a wait is for, in a few words: "a timer", "a semaphore permit".
const char* waited_for(wait_reason r);

// Visible time range [t0, t1] mapped onto [x0, x0 + width] pixels.
struct time_axis {
  nanos t0 = 0;
  nanos t1 = 1'000'000'000;
  float x0 = 0;
  float width = 1;

  double ns_per_px() const { return static_cast<double>(t1 - t0) / std::max(width, 1.0f); }
  float to_x(nanos t) const { return x0 + static_cast<float>(static_cast<double>(t - t0) / ns_per_px()); }
  nanos to_t(float x) const { return t0 + static_cast<nanos>(static_cast<double>(x - x0) * ns_per_px()); }

  // factor > 1 zooms in, keeping the time under pixel x where it is.
  void zoom_around(float x, double factor);
  void pan_px(float dx);
  // Shows [0, end] with a small margin on the right.
  void fit(nanos end);
};

// The lanes of one trace, copied out incrementally: each frame reads only
// what was appended since the last one, so a live run costs what it adds.
class lane_store {
 public:
  // Reads new lanes and events; returns true when anything changed.
  bool sync(const trace& tr);
  std::size_t lane_count() const { return lanes_.size(); }
  const std::vector<trace_event>& events(lane_id lane) const { return lanes_[lane]; }
  // Each event's place in the order the trace recorded them, across lanes:
  // which of two changes at the same moment came first.
  const std::vector<std::uint32_t>& order(lane_id lane) const { return order_[lane]; }
  const lane_info& info(lane_id lane) const { return infos_[lane]; }
  const std::string& message(lane_id lane) const { return messages_[lane]; }
  std::size_t event_count() const { return events_; }
  nanos last_time() const { return last_t_; }

 private:
  std::vector<std::size_t> read_;  // per trace writer
  std::size_t notes_read_ = 0;
  std::vector<std::vector<trace_event>> lanes_;
  std::vector<std::vector<std::uint32_t>> order_;
  std::vector<lane_info> infos_;
  std::vector<std::string> messages_;
  std::size_t events_ = 0;
  nanos last_t_ = 0;
};

// One thing to draw on a lane: a span, a fold of several narrow spans, or
// an end marker (x0 == x1).
struct lane_item {
  float x0, x1;
  nanos t0, t1;
  lane_state state;
  std::uint8_t detail;
  std::uint32_t folded;  // spans in this item; 1 for a plain span
  bool marker;
};

// Spans under ~3 px are folded together, as Tracy does.
constexpr float fold_px = 3.0f;

// The items of one lane in the visible range, cut at `cursor` (nothing that
// has not happened yet is drawn). Appends to `out`.
void build_lane_items(const std::vector<trace_event>& events, const time_axis& axis, nanos cursor,
                      std::vector<lane_item>& out, float min_px = fold_px);

// The item under pixel x (markers win within a few pixels), or nullptr.
const lane_item* hit_test(const std::vector<lane_item>& items, float x, float marker_slop = 4.0f);

struct ruler_tick {
  nanos t;
  float x;
  std::string label;
};

// Ticks every 1, 2 or 5 × 10^k ns, at least `min_spacing` px apart, labelled
// in the unit that suits the step (ns, µs, ms, s).
std::vector<ruler_tick> ruler_ticks(const time_axis& axis, float min_spacing);
std::string format_tick(nanos t, nanos step);

// How many lanes are in each kind of state over time: the density view that
// replaces thousands of lanes.
struct density_steps {
  std::vector<nanos> t;  // step starts
  std::vector<int> running, ready, waiting;
  int peak = 0;
  // Counts at time t (the step in force).
  std::size_t index_at(nanos at) const;
};
density_steps compute_density(const lane_store& lanes, nanos cursor);

// The run's figures from the lanes the window holds: the trace is not
// grouped by lane a second time.
run_metrics metrics_of(const trace& tr, const lane_store& lanes, nanos now);

// Where the wait starting at `t0` on a lane (its `events`) was awaited:
// "at line 12:  co_await sleep(latency);" in the code a learner reads
// (`code`, the run's shown code), or the file and line the run recorded (a
// traced script); empty where nothing says.
std::string where_awaited(const scenario_run* run, std::string_view code, const std::vector<trace_event>& events,
                          nanos t0);

}  // namespace loopscope::gui
