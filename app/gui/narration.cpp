#include "app/gui/narration.hpp"

#include <algorithm>

#include "core/metrics.hpp"

namespace loopscope::gui {

namespace {

// Why a waiting task became ready, from what it waited for.
std::string woken_by(wait_reason r) {
  switch (r) {
    case wait_reason::timer:
      return "'s timer fired: ready";
    case wait_reason::semaphore:
      return " got a permit: ready";
    case wait_reason::thread_pool:
      return "'s thread finished its job: ready";
    case wait_reason::child:
      return "'s awaited task ended: ready";
    case wait_reason::lock:
      return " got the lock: ready";
    case wait_reason::event:
      return "'s event was set: ready";
    case wait_reason::queue:
      return "'s queue moved: ready";
    case wait_reason::io:
      return "'s I/O completed: ready";
    case wait_reason::none:
      break;
  }
  return " was woken: ready";
}

std::string at_line(const scenario_run& run, site_id site) {
  const auto line = run.shown_line(site);
  return line ? " at line " + std::to_string(*line) : std::string();
}

// `first_run`: the lane has not run before this event.
std::string sentence(const marked_run& r, lane_id lane, const trace_event* prev, const trace_event& e, bool first_run) {
  const std::string& name = r.lanes->info(lane).name;
  switch (e.state) {
    case lane_state::running: {
      const auto kind = static_cast<run_kind>(e.detail);
      if (kind == run_kind::blocking)
        return name + " makes a blocking call" + at_line(*r.run, e.site) + ": the loop is held";
      if (kind == run_kind::cpu) return name + " computes" + at_line(*r.run, e.site) + ": the loop is held";
      std::string s = name;
      if (first_run)
        s += " starts";
      else if (prev != nullptr && prev->state == lane_state::running)
        s += static_cast<run_kind>(prev->detail) == run_kind::code ? " runs on" : "'s call returned; it runs on";
      else if (e.site == no_site)
        s += " runs";
      else
        s += " resumed" + at_line(*r.run, e.site);
      if (kind == run_kind::cancelled) s += ", with a CancelledError raised at its await";
      return s;
    }
    case lane_state::ready:
      if (prev != nullptr && prev->state == lane_state::waiting)
        return name + woken_by(static_cast<wait_reason>(prev->detail));
      return name + (prev == nullptr ? " was created: ready" : " is ready");
    case lane_state::waiting: {
      std::string s = name + " waits for " + waited_for(static_cast<wait_reason>(e.detail)) + at_line(*r.run, e.site);
      if (prev != nullptr && prev->state == lane_state::running && e.t > prev->t)
        s += ", after running " + format_duration(e.t - prev->t);
      return s;
    }
    case lane_state::done:
      return name + " finished";
    case lane_state::failed: {
      const std::string& m = r.lanes->message(lane);
      return name + " raised" + (m.empty() ? std::string(" an exception") : " " + m);
    }
    case lane_state::cancelled:
      return name + " was cancelled";
    case lane_state::idle:
      break;
  }
  return name;
}

}  // namespace

std::vector<narrated> narrate(const marked_run& r, nanos t, std::size_t count) {
  // The last `count` events of each lane by t, then the last `count` of all.
  struct pick {
    nanos t;
    std::uint32_t order;
    lane_id lane;
    std::size_t index;
  };
  std::vector<pick> picks;
  const lane_store& lanes = *r.lanes;
  for (lane_id lane = 0; lane < lanes.lane_count(); ++lane) {
    if (!is_task_lane(lanes.info(lane).kind)) continue;
    const auto& events = lanes.events(lane);
    const auto end = static_cast<std::size_t>(first_after(events, t) - events.begin());
    for (std::size_t i = end > count ? end - count : 0; i < end; ++i)
      picks.push_back({events[i].t, lanes.order(lane)[i], lane, i});
  }
  // In time order; at one moment, in the order the trace recorded them.
  std::sort(picks.begin(), picks.end(),
            [](const pick& a, const pick& b) { return a.t != b.t ? a.t < b.t : a.order < b.order; });
  if (picks.size() > count) picks.erase(picks.begin(), picks.end() - static_cast<long>(count));
  std::vector<narrated> out;
  out.reserve(picks.size());
  for (const pick& p : picks) {
    const auto& events = lanes.events(p.lane);
    const trace_event& e = events[p.index];
    const trace_event* prev = p.index > 0 ? &events[p.index - 1] : nullptr;
    const bool first_run = std::none_of(events.begin(), events.begin() + static_cast<long>(p.index),
                                        [](const trace_event& b) { return b.state == lane_state::running; });
    out.push_back(
        {e.t, p.lane, e.state, e.detail, format_seconds(e.t) + " \u00b7 " + sentence(r, p.lane, prev, e, first_run)});
  }
  return out;
}

}  // namespace loopscope::gui
