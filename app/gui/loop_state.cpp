#include "app/gui/loop_state.hpp"

#include <algorithm>

namespace loopscope::gui {

loop_state loop_at(const lane_store& lanes, nanos t, const lane_store* whole) {
  loop_state s;
  for (lane_id lane = 0; lane < lanes.lane_count(); ++lane) {
    if (!is_task_lane(lanes.info(lane).kind)) continue;
    const auto& events = lanes.events(lane);
    auto after = first_after(events, t);
    // The last slice that ended by t, on any lane: its end is the next
    // event after a running one.
    for (auto e = events.begin(); e != after; ++e)
      if (e->state == lane_state::running) {
        const auto next = e + 1;
        if (next != events.end() && next->t <= t && next->t > e->t && (!s.last || next->t >= s.last_end)) {
          s.last = loop_entry{lane, e->t, std::nullopt, e->detail};
          s.last_end = next->t;
        }
      }
    if (after == events.begin()) {
      ++s.not_started;
      continue;
    }
    const trace_event& now = *(after - 1);
    // Since when: the first of the events in a row in this state.
    auto first = after - 1;
    while (first != events.begin() && (first - 1)->state == now.state && (first - 1)->detail == now.detail) --first;
    loop_entry entry{lane, first->t, std::nullopt, now.detail};
    switch (now.state) {
      case lane_state::running:
        s.running = entry;
        break;
      case lane_state::ready:
        s.ready.push_back(entry);
        break;
      case lane_state::waiting:
        if (static_cast<wait_reason>(now.detail) == wait_reason::timer) {
          if (whole != nullptr && lane < whole->lane_count()) {
            const auto& all = whole->events(lane);
            if (const auto next = first_after(all, t); next != all.end()) entry.due = next->t;
          }
          s.timers.push_back(entry);
        } else if (now.detail < s.waiting.size()) {
          ++s.waiting[now.detail];
        }
        break;
      case lane_state::idle:
        break;
      default:
        ++s.done;
    }
  }
  std::stable_sort(s.ready.begin(), s.ready.end(),
                   [](const loop_entry& a, const loop_entry& b) { return a.since < b.since; });
  std::stable_sort(s.timers.begin(), s.timers.end(), [](const loop_entry& a, const loop_entry& b) {
    if (a.due.has_value() != b.due.has_value()) return a.due.has_value();
    return a.due ? *a.due < *b.due : a.since < b.since;
  });
  return s;
}

}  // namespace loopscope::gui
