#include "app/gui/code_marks.hpp"

#include <algorithm>
#include <iterator>
#include <map>

namespace loopscope::gui {

namespace {

int rank(lane_state s) { return s == lane_state::running ? 0 : s == lane_state::ready ? 1 : 2; }

std::string state_words(const parked_task& t) {
  if (t.state == lane_state::running) {
    switch (static_cast<run_kind>(t.detail)) {
      case run_kind::blocking:
        return "blocking the loop in this call";
      case run_kind::cpu:
        return "computing in this call: the loop is held";
      case run_kind::cancelled:
        return "running, with a CancelledError raised here";
      default:
        return t.after_call ? "running on, past this call" : "running, resumed from here";
    }
  }
  if (t.state == lane_state::ready) return "ready: woken, about to resume here";
  return std::string("waiting for ") + waited_for(static_cast<wait_reason>(t.detail));
}

}  // namespace

const parked_task& code_mark::lead() const {
  return *std::min_element(tasks.begin(), tasks.end(),
                           [](const parked_task& a, const parked_task& b) { return rank(a.state) < rank(b.state); });
}

std::vector<code_mark> marks_at(const std::vector<marked_run>& runs, nanos t) {
  std::map<int, code_mark> by_line;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const scenario_run& run = *runs[r].run;
    const lane_store& store = *runs[r].lanes;
    for (lane_id lane = 0; lane < store.lane_count(); ++lane) {
      if (!is_task_lane(store.info(lane).kind)) continue;
      const auto& events = store.events(lane);
      // The event in force at t, and the last wait at or before it.
      auto in_force = first_after(events, t);
      if (in_force == events.begin()) continue;  // not started yet
      --in_force;
      const trace_event& now = *in_force;
      site_id site = no_site;
      if (now.state == lane_state::waiting || now.state == lane_state::running) {
        site = now.site;
      } else if (now.state == lane_state::ready) {
        for (auto e = in_force; e != events.begin();) {
          --e;
          if (e->state == lane_state::waiting) {
            site = e->site;
            break;
          }
        }
      } else {
        continue;  // done, failed, cancelled: nowhere in the code any more
      }
      const auto line = run.shown_line(site);
      if (!line) continue;
      code_mark& m = by_line[*line];
      m.line = *line;
      const bool after_call = now.state == lane_state::running && in_force != events.begin() &&
                              std::prev(in_force)->state == lane_state::running;
      m.tasks.push_back(
          {r, lane, now.state, now.state == lane_state::ready ? std::uint8_t{0} : now.detail, after_call});
    }
  }
  std::vector<code_mark> marks;
  for (auto& [line, m] : by_line) marks.push_back(std::move(m));
  return marks;
}

std::string mark_tooltip(const code_mark& m, const std::vector<marked_run>& runs) {
  constexpr std::size_t shown = 20;
  std::string out;
  for (std::size_t i = 0; i < m.tasks.size() && i < shown; ++i) {
    const parked_task& t = m.tasks[i];
    if (!out.empty()) out += '\n';
    if (runs.size() > 1) out += runs[t.run].run->variant() + ": ";
    out += runs[t.run].lanes->info(t.lane).name + " \u00b7 " + state_words(t);
  }
  if (m.tasks.size() > shown) out += "\nand " + std::to_string(m.tasks.size() - shown) + " more";
  return out;
}

std::string mark_label(const code_mark& m, const std::vector<marked_run>& runs) {
  std::string out;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    std::vector<lane_id> lanes;
    bool running = false;
    for (const parked_task& t : m.tasks)
      if (t.run == r) {
        lanes.push_back(t.lane);
        running = running || t.state == lane_state::running;
      }
    if (lanes.empty()) continue;
    if (!out.empty()) out += " · ";
    if (runs.size() > 1) out += runs[r].run->variant() + ": ";
    if (lanes.size() > 2) {
      out += std::to_string(lanes.size()) + " tasks";
    } else {
      for (std::size_t i = 0; i < lanes.size(); ++i) out += (i ? ", " : "") + runs[r].lanes->info(lanes[i]).name;
    }
    if (running) out += lanes.size() == 1 ? " (running)" : " (one running)";
  }
  return out;
}

}  // namespace loopscope::gui
