#include "app/gui/workload_form.hpp"

#include <algorithm>

#include "core/duration.hpp"

namespace loopscope::gui {

void workload_form::load(workload w) {
  durations_text.clear();
  for (nanos d : w.durations) {
    if (!durations_text.empty()) durations_text += ',';
    durations_text += duration_text(d);
  }
  work = std::move(w);
}

workload workload_form::effective() const {
  workload w = work;
  if (w.durations.size() == static_cast<std::size_t>(w.tasks)) return w;  // an explicit list wins
  w.durations.clear();
  if (spread_percent > 0) {
    const double s = spread_percent / 100.0;
    for (int i = 1; i <= w.tasks; ++i) {
      const double f = w.tasks == 1 ? 0.0 : -1.0 + 2.0 * ((i * 37) % w.tasks) / std::max(1, w.tasks - 1);
      w.durations.push_back(std::max<nanos>(0, static_cast<nanos>(static_cast<double>(w.duration) * (1.0 + s * f))));
    }
  }
  return w;
}

void workload_form::set_durations_text(std::string text) {
  durations_text = std::move(text);
  durations_note.clear();
  std::string bad;
  if (auto parsed = parse_duration_list(durations_text, bad)) {
    work.durations = std::move(*parsed);
    if (!work.durations.empty() && work.durations.size() != static_cast<std::size_t>(work.tasks))
      durations_note = std::to_string(work.durations.size()) + " durations for " + std::to_string(work.tasks) +
                       " tasks: the list is used when the counts match";
  } else {
    work.durations.clear();
    durations_note = duration_hint(bad);
  }
}

void workload_form::fit_to_tasks() {
  fit_note.clear();
  auto prune = [&](std::map<int, nanos>& m, const char* what) {
    for (auto it = m.begin(); it != m.end();)
      if (it->first > work.tasks) {
        fit_note += std::string(what) + " of task " + std::to_string(it->first) + " dropped; ";
        it = m.erase(it);
      } else {
        ++it;
      }
  };
  prune(work.block, "the blocking call");
  prune(work.cpu, "the CPU work");
  for (auto it = work.fail.begin(); it != work.fail.end();)
    if (*it > work.tasks) {
      fit_note += "the failure of task " + std::to_string(*it) + " dropped; ";
      it = work.fail.erase(it);
    } else {
      ++it;
    }
  work.limit = std::clamp(work.limit, 1, std::max(1, work.tasks));
  if (!fit_note.empty()) fit_note = "Only " + std::to_string(work.tasks) + " tasks now: " + fit_note;
}

}  // namespace loopscope::gui
