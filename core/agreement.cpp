#include "core/agreement.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace loopscope {

namespace {

// The tasks of a run that started, in the order they were made.
std::vector<lane_id> started_tasks(const scenario_run& run, const run_metrics& m) {
  std::vector<lane_id> out;
  for (lane_id lane : run.task_lanes())
    if (m.lanes[lane].spawned) out.push_back(lane);
  return out;
}

std::string state_of(const lane_stats& st) { return st.ended ? std::string(to_string(st.final_state)) : "unfinished"; }

// To the nanosecond: two ends a microsecond apart must read differently.
std::string ended(const lane_stats& st) {
  if (!st.ended) return "unfinished";
  char at[48];
  std::snprintf(at, sizeof at, " at %.9f s", static_cast<double>(st.end) / 1e9);
  return state_of(st) + at;
}

// The order tasks ended in, as positions among the started tasks.
std::vector<int> positions(const run_metrics& m, const std::vector<lane_id>& started) {
  std::vector<int> out;
  for (lane_id lane : m.completion_order) {
    const auto at = std::find(started.begin(), started.end(), lane);
    if (at != started.end()) out.push_back(static_cast<int>(at - started.begin()) + 1);
  }
  return out;
}

std::string listed(const std::vector<int>& order) {
  std::string s;
  for (int id : order) {
    if (!s.empty()) s.push_back(',');
    s.append(std::to_string(id));
  }
  return s;
}

}  // namespace

bool computes(const trace& tr) {
  for (const auto& lane : tr.by_lane())
    for (const auto& e : lane)
      if (e.state == lane_state::running && e.detail == static_cast<std::uint8_t>(run_kind::cpu)) return true;
  return false;
}

agreement_options options_for(const scenario_run& reference, const run_metrics& m) {
  if (!computes(reference.trace())) return {};
  return {m.makespan / 50 + 20'000'000, false};
}

std::string agreement::badge(const std::string& who) const {
  const std::string count = std::to_string(tasks) + (tasks == 1 ? " task" : " tasks");
  if (agrees()) {
    std::string ends = options.tolerance > agreement_options::exact_tolerance
                           ? "same ends (within " + format_duration(options.tolerance) + ")"
                           : std::string("same ends");
    return who + " agrees: " + count + ", same states, " + ends +
           (options.check_order ? ", same order" : ", order not compared (times measured)");
  }
  std::string s = who + " differs (" + count + "): ";
  constexpr std::size_t shown = 3;
  for (std::size_t i = 0; i < differences.size() && i < shown; ++i) s += (i ? "; " : "") + differences[i];
  if (differences.size() > shown) s += "; and " + std::to_string(differences.size() - shown) + " more";
  return s;
}

agreement compare_runs(const scenario_run& reference, const run_metrics& rm, const scenario_run& other,
                       const run_metrics& om, agreement_options options) {
  agreement a;
  a.options = options;
  const auto ref = started_tasks(reference, rm), oth = started_tasks(other, om);
  a.tasks = ref.size();
  if (ref.size() != oth.size()) {
    a.differences.push_back(std::to_string(oth.size()) + " tasks started, not " + std::to_string(ref.size()));
    return a;
  }
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const lane_stats &r = rm.lanes[ref[i]], &o = om.lanes[oth[i]];
    const bool same_state = state_of(r) == state_of(o);
    const bool same_end = r.ended == o.ended && (!r.ended || std::llabs(r.end - o.end) <= options.tolerance);
    if (!same_state || !same_end)
      a.differences.push_back("task " + std::to_string(i + 1) + " " + ended(o) + ", not " + ended(r));
  }
  if (!options.check_order || !a.differences.empty()) return a;

  bool threads = false;
  for (const auto& st : rm.lanes) threads = threads || st.kind == lane_kind::worker;
  // Tied ends CPython gives no order for become sorted groups, decided on
  // the reference's ends for both orders.
  auto in_groups = [&](const std::vector<int>& order) {
    std::vector<std::vector<int>> groups;
    for (int id : order) {
      const lane_stats& st = rm.lanes[ref[static_cast<std::size_t>(id - 1)]];
      const bool tie =
          !groups.empty() && rm.lanes[ref[static_cast<std::size_t>(groups.back().front() - 1)]].end == st.end;
      bool unordered = threads;
      if (tie && !unordered) {
        unordered = st.final_state == lane_state::cancelled;
        for (int g : groups.back())
          unordered = unordered || rm.lanes[ref[static_cast<std::size_t>(g - 1)]].final_state == lane_state::cancelled;
      }
      if (tie && unordered)
        groups.back().push_back(id);
      else
        groups.push_back({id});
    }
    for (auto& g : groups) std::sort(g.begin(), g.end());
    return groups;
  };
  const auto ref_order = positions(rm, ref), oth_order = positions(om, oth);
  if (in_groups(ref_order) != in_groups(oth_order))
    a.differences.push_back("the tasks ended in the order " + listed(oth_order) + ", not " + listed(ref_order));
  return a;
}

}  // namespace loopscope
