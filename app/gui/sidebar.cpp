#include "app/gui/sidebar.hpp"

#include <imgui.h>

#include <cstdio>

#include "lessons/lesson.hpp"

namespace loopscope::gui {

namespace {

void draw_legend(const palette& p) {
  const struct {
    ImU32 c;
    const char* label;
  } spans[] = {{p.running, "running"},
               {p.running_blocking, "blocking / CPU"},
               {p.ready, "ready"},
               {p.wait_timer, "timer"},
               {p.wait_semaphore, "semaphore"},
               {p.wait_pool, "thread pool"},
               {p.wait_io, "I/O"},
               {p.wait_child, "child task"},
               {p.wait_lock, "lock"},
               {p.wait_event, "event"},
               {p.wait_queue, "queue"}};
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float h = ImGui::GetTextLineHeight();
  for (const auto& it : spans) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    dl->AddRectFilled(ImVec2(at.x, at.y + h * 0.2f), ImVec2(at.x + h, at.y + h * 0.9f), it.c);
    ImGui::Dummy(ImVec2(h * 1.2f, h));
    ImGui::SameLine();
    ImGui::TextUnformatted(it.label);
  }
  for (lane_state s : {lane_state::done, lane_state::failed, lane_state::cancelled}) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    draw_end_marker(dl, p, s, ImVec2(at.x + h * 0.5f, at.y + h * 0.55f), h * 0.3f);
    ImGui::Dummy(ImVec2(h * 1.2f, h));
    ImGui::SameLine();
    ImGui::TextUnformatted(state_label(s, 0));
  }
}

}  // namespace

sidebar_request sidebar::draw(settings& s, float width, const std::string& notice) {
  sidebar_request r;
  ImGui::BeginChild("##sidebar", ImVec2(width, 0), true);
  ImGui::TextUnformatted("Loopscope");
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  ImGui::TextWrapped("see what an event loop does");
  ImGui::PopStyleColor();
  ImGui::Separator();
  ImGui::TextDisabled("lessons");
  for (const auto& l : lessons::all()) {
    const bool done = s.done.count(l.id) > 0;
    char label[160];
    std::snprintf(label, sizeof label, "%s %d. %s", done ? "\u2713" : "  ", l.number, l.title.c_str());
    if (ImGui::Selectable(label, s.page == l.id)) r.page = l.id;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s%s", l.summary.c_str(), done ? "\n(seen to the end)" : "");
  }
  ImGui::Spacing();
  if (ImGui::Selectable("Sandbox", s.page == "sandbox")) r.page = "sandbox";
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Any workload, any strategy, side by side");
  ImGui::Separator();
  r.theme_changed = ImGui::Checkbox("dark theme", &s.dark);
  r.help = ImGui::Button("Help (F1)");
  ImGui::Spacing();
  ImGui::TextDisabled("legend");
  draw_legend(colors(s.dark));
  if (!notice.empty()) {
    ImGui::Spacing();
    ImGui::TextWrapped("%s", notice.c_str());
  }
  ImGui::EndChild();
  return r;
}

}  // namespace loopscope::gui
