#include "core/report.hpp"

#include <nlohmann/json.hpp>

namespace loopscope {

namespace {
double seconds(nanos t) { return static_cast<double>(t) / 1e9; }
nlohmann::json seconds_or_null(bool known, nanos t) { return known ? nlohmann::json(seconds(t)) : nlohmann::json(); }
}  // namespace

std::optional<std::string> speedup_withheld(const scenario_run& run, const run_metrics& m) {
  int never = 0, cut = 0;
  for (lane_id lane : run.task_lanes()) {
    const lane_stats& st = m.lanes[lane];
    if (!st.spawned) ++never;
    if (st.ended && st.final_state == lane_state::cancelled) ++cut;
  }
  auto tasks = [](int n) { return std::to_string(n) + (n == 1 ? " task" : " tasks"); };
  if (never > 0) return "no speedup: " + tasks(never) + " never started (the run stopped at the first error)";
  if (cut > 0) return "no speedup: " + tasks(cut) + " cancelled before their end (not all the work was done)";
  return std::nullopt;
}

std::string summary_json(const scenario_run& run, const run_metrics& m, std::optional<nanos> sequential_reference) {
  using nlohmann::json;
  json j;
  j["strategy"] = run.variant();
  j["clock"] = std::string(to_string(run.clock()));
  j["returned_s"] = seconds_or_null(run.returned() >= 0, run.returned());
  j["makespan_s"] = seconds(m.makespan);
  j["peak_concurrency"] = m.peak_concurrency;
  j["mean_concurrency"] = m.mean_concurrency;
  j["loop_busy_fraction"] = m.loop_busy_fraction;
  j["ready_total_s"] = seconds(m.ready_total);
  j["longest_slice_s"] = seconds(m.longest_slice);
  j["warnings"] = warnings_of(m);
  const std::string raised = run.error_text();
  j["error"] = raised.empty() ? json() : json(raised);
  const auto withheld = speedup_withheld(run, m);
  j["speedup"] = sequential_reference && m.makespan > 0 && !withheld
                     ? json(static_cast<double>(*sequential_reference) / static_cast<double>(m.makespan))
                     : json();
  if (sequential_reference && withheld) j["speedup_note"] = *withheld;
  j["latency_s"] = {{"p50", seconds(m.latency_p50)}, {"p95", seconds(m.latency_p95)}, {"p99", seconds(m.latency_p99)}};

  json tasks = json::array();
  const auto per_lane = run.trace().by_lane();
  for (std::size_t i = 0; i < run.task_lanes().size(); ++i) {
    const lane_stats& st = m.lanes[run.task_lanes()[i]];
    const bool spawned = st.spawned;
    json t;
    t["id"] = i + 1;
    t["name"] = st.name;
    t["state"] = spawned ? (st.ended ? std::string(to_string(st.final_state)) : std::string("unfinished"))
                         : std::string("not_started");
    t["start_s"] = seconds_or_null(st.started, st.start);
    t["end_s"] = seconds_or_null(st.ended, st.end);
    t["running_s"] = seconds(st.running);
    t["ready_s"] = seconds(st.ready);
    t["waiting_s"] = seconds(st.waiting);
    if (!st.message.empty()) t["message"] = st.message;
    // Each wait: why, from when to when, and on which line of the code the
    // learner is shown (null where there is none).
    json waits = json::array();
    const auto& events = per_lane[run.task_lanes()[i]];
    for (std::size_t k = 0; k < events.size(); ++k) {
      if (events[k].state != lane_state::waiting) continue;
      const nanos end = k + 1 < events.size() ? events[k + 1].t : run.now();
      const auto line = run.shown_line(events[k].site);
      waits.push_back({{"reason", std::string(to_string(static_cast<wait_reason>(events[k].detail)))},
                       {"start_s", seconds(events[k].t)},
                       {"end_s", seconds(end)},
                       {"line", line ? json(*line) : json()}});
    }
    t["waits"] = std::move(waits);
    tasks.push_back(std::move(t));
  }
  j["tasks"] = std::move(tasks);

  json order = json::array();
  // Task lanes are made in a row, so task i is lane front + i - 1.
  for (lane_id lane : m.completion_order) order.push_back(lane - run.task_lanes().front() + 1);
  j["completion_order"] = std::move(order);
  const auto figures = run.figures();
  if (!figures.empty()) {
    json f = json::object();
    for (const auto& fig : figures) f[fig.key] = fig.value;
    j["figures"] = std::move(f);
  }
  if (const std::string note = run.incident(); !note.empty()) j["note"] = note;
  if (const auto at = run.reachable_at()) j["address"] = at->url;
  if (run.trace().overflowed()) j["warnings"].push_back("the trace filled up; later events were not recorded");
  return j.dump(2);
}

}  // namespace loopscope
