#include "app/gui/workload_editor.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace loopscope::gui {

namespace {
constexpr nanos ms = 1'000'000;

void help_marker(const char* text) {
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text);
}
}  // namespace

workload_edit workload_editor::draw(workload_form& form, std::vector<strategy>& strategies, const palette& p) {
  workload_edit edit;
  if (!ImGui::CollapsingHeader("Workload", ImGuiTreeNodeFlags_DefaultOpen)) return edit;
  workload& work = form.work;
  bool& changed = edit.changed;
  bool& shape = edit.shape;

  // Strategies, one per panel.
  const auto& all = all_strategies();
  for (int i = 0; i < max_panels; ++i) {
    ImGui::PushID(i);
    if (i > 0) ImGui::SameLine();
    ImGui::SetNextItemWidth(190 * ImGui::GetFontSize() / 16);
    const bool present = i < static_cast<int>(strategies.size());
    const char* current = present ? to_string(strategies[static_cast<std::size_t>(i)]).data() : "(none)";
    if (ImGui::BeginCombo("##strategy", current)) {
      if (i > 0 && ImGui::Selectable("(none)", !present) && present) {
        strategies.erase(strategies.begin() + i);
        changed = shape = true;
      }
      for (strategy s : all) {
        if (ImGui::Selectable(to_string(s).data(), present && strategies[static_cast<std::size_t>(i)] == s)) {
          if (present)
            strategies[static_cast<std::size_t>(i)] = s;
          else
            strategies.push_back(s);
          changed = shape = true;
        }
      }
      ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Strategy of panel %d", i + 1);
    ImGui::PopID();
  }

  // The workload.
  const float w = 220 * ImGui::GetFontSize() / 16;
  ImGui::SetNextItemWidth(w);
  // A number applies when it is done: on release, Enter or leaving the
  // field, not on every keystroke (typing 20 would pass through 2 and
  // reshape the work for 2 tasks on the way).
  ImGui::SliderInt("tasks", &work.tasks, 1, 100'000, "%d", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  if (ImGui::IsItemDeactivatedAfterEdit()) changed = shape = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Up to 100,000 (Ctrl + click to type a number, Enter to apply)");
  ImGui::SameLine();
  float dur_ms = static_cast<float>(work.duration) / 1e6f;
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderFloat("duration", &dur_ms, 1.0f, 10'000.0f, "%.0f ms",
                         ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp)) {
    work.duration = static_cast<nanos>(dur_ms * 1e6f);
    changed = shape = true;
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 0.6f);
  if (ImGui::SliderInt("spread", &form.spread_percent, 0, 100, "%d %%", ImGuiSliderFlags_AlwaysClamp))
    changed = shape = true;
  help_marker("Durations vary evenly by up to this much around the duration.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 0.6f);
  if (ImGui::SliderInt("limit", &work.limit, 1, std::max(1, work.tasks), "%d", ImGuiSliderFlags_AlwaysClamp))
    changed = shape = true;
  help_marker("Permits of the bounded strategy's semaphore: at most this many tasks in flight.");

  // An explicit duration per task, as --durations takes them.
  char list[1024];
  std::snprintf(list, sizeof list, "%s", form.durations_text.c_str());
  ImGui::SetNextItemWidth(w * 1.6f);
  // Applied once typed (Enter, or leaving the field).
  if (ImGui::InputTextWithHint("durations", "one per task, e.g. 1s,250ms,2s (overrides duration and spread)", list,
                               sizeof list))
    durations_typed_ = list;
  if (ImGui::IsItemDeactivatedAfterEdit()) {
    form.set_durations_text(durations_typed_);
    changed = shape = true;
  }
  if (!form.durations_note.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(vec(p.note), "%s", form.durations_note.c_str());
  }

  // Tasks that misbehave: one row per kind, each with its task and duration.
  auto task_list = [&](const char* label, std::map<int, nanos>& m, const char* tip) {
    ImGui::PushID(label);
    ImGui::TextUnformatted(label);
    help_marker(tip);
    // "+" before the rows: it stays under the mouse as rows are added.
    ImGui::SameLine();
    const bool add = ImGui::SmallButton("+");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("One more task that does this");
    for (auto it = m.begin(); it != m.end();) {
      ImGui::PushID(it->first);
      ImGui::SameLine();
      int task = it->first;
      float d = static_cast<float>(it->second) / 1e6f;
      ImGui::SetNextItemWidth(60 * ImGui::GetFontSize() / 16);
      // The task number applies once typed (Enter, or leaving the field).
      const bool edited = ImGui::InputInt("##task", &task, 0);
      if (ImGui::IsItemActivated()) typing_ = {label, it->first, it->first};
      const bool mine = typing_.row == label && typing_.task == it->first;
      if (edited && mine) typing_.typed = task;
      const bool moved = ImGui::IsItemDeactivatedAfterEdit() && mine && typing_.typed != it->first;
      if (moved) task = typing_.typed;
      ImGui::SameLine();
      ImGui::SetNextItemWidth(110 * ImGui::GetFontSize() / 16);
      if (ImGui::SliderFloat("##d", &d, 1.0f, 5000.0f, "%.0f ms",
                             ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp)) {
        it->second = static_cast<nanos>(d * 1e6f);
        changed = shape = true;
      }
      ImGui::SameLine();
      const bool remove = ImGui::SmallButton("x");
      ImGui::PopID();
      if (remove || moved) {
        const nanos keep = it->second;
        it = m.erase(it);
        if (moved) m[std::clamp(task, 1, work.tasks)] = keep;
        changed = shape = true;
        break;  // the map changed under the iterator
      }
      ++it;
    }
    if (add) {
      int next = 1;
      while (m.count(next) && next < work.tasks) ++next;
      m.try_emplace(next, 500 * ms);
      changed = shape = true;
    }
    ImGui::PopID();
  };
  task_list("block", work.block, "A blocking call (time.sleep) at the start of the task: it holds the loop.");
  ImGui::SameLine(0, 24);
  task_list("cpu", work.cpu, "CPU work at the start of the task: it holds the loop as well.");

  ImGui::TextUnformatted("fail");
  help_marker("These tasks raise an exception after their sleep.");
  ImGui::SameLine();
  const bool add_fail = ImGui::SmallButton("+##fail");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("One more task that fails");
  for (auto it = work.fail.begin(); it != work.fail.end();) {
    ImGui::PushID(*it);
    ImGui::SameLine();
    const bool remove = ImGui::SmallButton(("task " + std::to_string(*it) + " x").c_str());
    ImGui::PopID();
    if (remove) {
      it = work.fail.erase(it);
      changed = shape = true;
      break;
    }
    ++it;
  }
  if (add_fail) {
    int next = 1;
    while (work.fail.count(next) && next < work.tasks) ++next;
    work.fail.insert(next);
    changed = shape = true;
  }
  ImGui::SameLine(0, 24);
  bool timeout_on = work.timeout.has_value();
  if (ImGui::Checkbox("timeout", &timeout_on)) {
    work.timeout = timeout_on ? std::optional<nanos>(work.duration / 2 + 1) : std::nullopt;
    changed = shape = true;
  }
  help_marker("asyncio.wait_for around every task's body, counted from when the body starts.");
  if (work.timeout) {
    ImGui::SameLine();
    float t_ms = static_cast<float>(*work.timeout) / 1e6f;
    ImGui::SetNextItemWidth(w * 0.7f);
    if (ImGui::SliderFloat("##timeout", &t_ms, 1.0f, 10'000.0f, "%.0f ms",
                           ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp)) {
      work.timeout = static_cast<nanos>(t_ms * 1e6f);
      changed = shape = true;
    }
  }

  // Tasks named by a knob must exist: fewer tasks drop them, with a note.
  if (changed) form.fit_to_tasks();
  if (!form.fit_note.empty()) ImGui::TextColored(vec(p.note), "%s", form.fit_note.c_str());
  return edit;
}

}  // namespace loopscope::gui
