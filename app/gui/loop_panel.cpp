#include "app/gui/loop_panel.hpp"

#include <imgui.h>

#include <string>

#include "app/gui/loop_state.hpp"
#include "app/gui/narration.hpp"
#include "app/gui/timeline_model.hpp"
#include "core/metrics.hpp"

namespace loopscope::gui {

namespace {

constexpr std::size_t listed = 12;  // entries a list shows before "and N more"

void swatch(ImU32 color) {
  const float h = ImGui::GetTextLineHeight();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(at.x, at.y + h * 0.2f), ImVec2(at.x + h * 0.6f, at.y + h * 0.8f),
                                            color | IM_COL32_A_MASK);
  ImGui::Dummy(ImVec2(h * 0.6f, h));
  ImGui::SameLine();
}

// One task's entry: a swatch, then its words, which can be picked.
void entry(ImU32 color, lane_id lane, const std::string& words, std::size_t i, loop_pick& pick,
           const std::optional<timeline_view::lane_ref>& selected) {
  const timeline_view::lane_ref ref{i, lane};
  swatch(color);
  ImGui::PushID(static_cast<int>(lane));
  if (ImGui::Selectable(words.c_str(), selected == ref)) pick.clicked = ref;
  ImGui::PopID();
  if (ImGui::IsItemHovered()) pick.hovered = ref;
}

void draw_one(const run_set& runs, std::size_t i, const palette& p, loop_pick& pick,
              const std::optional<timeline_view::lane_ref>& selected, bool conceal) {
  const lane_store& lanes = runs.lanes(i);
  const nanos t = runs.cursor();
  const loop_state s = loop_at(lanes, t, conceal ? nullptr : runs.whole_lanes(i));
  auto name = [&](lane_id lane) { return lanes.info(lane).name; };
  if (runs.ended_by_cursor(i)) {
    ImGui::TextDisabled("Every task has ended: the loop has nothing left to run.");
    return;
  }

  if (s.running) {
    const bool blocking = s.running->detail == static_cast<std::uint8_t>(run_kind::blocking) ||
                          s.running->detail == static_cast<std::uint8_t>(run_kind::cpu);
    entry(blocking ? p.running_blocking : p.running, s.running->lane,
          "Running: " + name(s.running->lane) + (blocking ? ", blocking," : "") + " since " +
              format_seconds(s.running->since),
          i, pick, selected);
  } else {
    ImGui::TextDisabled("Running: nobody%s", s.ready.empty() ? "" : " (the next ready task is about to)");
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("One task at a time runs on the loop, until its next await. Everyone else waits.");

  ImGui::Text("Ready queue: %zu", s.ready.size());
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "Woken and waiting for the loop, first in first out: the first runs next. Each has waited "
        "this long.");
  for (std::size_t k = 0; k < s.ready.size() && k < listed; ++k) {
    const loop_entry& e = s.ready[k];
    ImGui::Indent();
    entry(p.ready, e.lane, std::to_string(k + 1) + ". " + name(e.lane) + ", for " + format_duration(t - e.since), i,
          pick, selected);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Woken at %s", format_seconds(e.since).c_str());
    ImGui::Unindent();
  }
  if (s.ready.size() > listed) ImGui::TextDisabled("    and %zu more", s.ready.size() - listed);

  ImGui::Text("Timers: %zu", s.timers.size());
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "Tasks asleep in a sleep or a timeout, the soonest first, with when each fires (on the real "
        "clock, not known before it does)");
  for (std::size_t k = 0; k < s.timers.size() && k < listed; ++k) {
    const loop_entry& e = s.timers[k];
    ImGui::Indent();
    entry(p.wait_timer, e.lane,
          name(e.lane) + (e.due ? ", at " + format_seconds(*e.due) : ", since " + format_seconds(e.since)), i, pick,
          selected);
    ImGui::Unindent();
  }
  if (s.timers.size() > listed) ImGui::TextDisabled("    and %zu more", s.timers.size() - listed);

  std::string others;
  for (std::size_t r = 0; r < s.waiting.size(); ++r)
    if (s.waiting[r] > 0)
      others += (others.empty() ? "" : ", ") + std::to_string(s.waiting[r]) + " for " +
                waited_for(static_cast<wait_reason>(r));
  if (!others.empty()) ImGui::TextWrapped("Waiting: %s", others.c_str());
  if (s.done > 0 || s.not_started > 0) ImGui::TextDisabled("Ended: %d   not yet created: %d", s.done, s.not_started);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Tasks, main among them");
  if (s.last) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    entry(span_color(p, lane_state::running, s.last->detail), s.last->lane,
          "Last slice: " + name(s.last->lane) + ", " + format_duration(s.last_end - s.last->since), i, pick, selected);
    ImGui::PopStyleColor();
  }

  // What happened, up to the cursor: it follows the cursor, forward and back.
  const auto story = narrate(marked_run{&runs.run(i), &lanes}, t, 8);
  if (!story.empty()) {
    ImGui::Spacing();
    if (story.size() == 1)
      ImGui::TextUnformatted("What happened (the one change so far)");
    else
      ImGui::Text("What happened (the last %zu changes, newest first)", story.size());
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "The last changes up to the cursor, the newest at the top. Step (Right arrow) and go back "
          "(Left arrow) to read on.");
    for (auto it = story.rbegin(); it != story.rend(); ++it) {
      const narrated& n = *it;
      swatch(span_color(p, n.state, n.detail));
      ImGui::PushTextWrapPos(0);
      ImGui::TextUnformatted(n.text.c_str());
      ImGui::PopTextWrapPos();
      if (ImGui::IsItemHovered()) pick.hovered = timeline_view::lane_ref{i, n.lane};
    }
  }
}

}  // namespace

loop_pick draw_loop_panel(const run_set& runs, const palette& p, const std::optional<timeline_view::lane_ref>& selected,
                          bool conceal) {
  loop_pick pick;
  if (runs.size() == 0) {
    ImGui::TextDisabled("The loop's queues appear here once the runs are made.");
    return pick;
  }
  ImGui::TextWrapped("The loop at t = %s", format_seconds(runs.cursor()).c_str());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (!runs.started(i)) continue;
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::CollapsingHeader(runs.run(i).variant().c_str(), ImGuiTreeNodeFlags_DefaultOpen))
      draw_one(runs, i, p, pick, selected, conceal);
    ImGui::PopID();
  }
  return pick;
}

}  // namespace loopscope::gui
