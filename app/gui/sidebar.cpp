#include "app/gui/sidebar.hpp"

#include <imgui.h>

#include <cstdio>

#include "lessons/lesson.hpp"

namespace loopscope::gui {

sidebar_request sidebar::draw(settings& s, float width, const std::string& notice) {
  sidebar_request r;
  ImGui::BeginChild("##sidebar", ImVec2(width, 0), true);
  ImGui::TextUnformatted("Loopscope");
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  ImGui::TextWrapped("see what an event loop does");
  ImGui::PopStyleColor();
  if (s.done.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, colors(s.dark).note);
    ImGui::TextWrapped("New here? Start with lesson 1.");
    ImGui::PopStyleColor();
  }
  ImGui::Separator();
  ImGui::TextDisabled("lessons");
  // Titles wrap onto a second line rather than be cut.
  const float indent = ImGui::CalcTextSize("\u2713 10. ").x;
  const float wrap = ImGui::GetContentRegionAvail().x - indent;
  for (const auto& l : lessons::all()) {
    const bool done = s.done.count(l.id) > 0;
    const ImVec2 title = ImGui::CalcTextSize(l.title.c_str(), nullptr, false, wrap);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::PushID(l.id.c_str());
    if (ImGui::Selectable("##lesson", s.page == l.id, 0, ImVec2(0, title.y))) r.page = l.id;
    ImGui::PopID();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s%s", l.summary.c_str(), done ? "\n(seen to the end)" : "");
    char number[16];
    std::snprintf(number, sizeof number, "%s%d.", done ? "\u2713 " : "", l.number);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    dl->AddText(ImVec2(at.x + indent - ImGui::CalcTextSize(number).x - 4, at.y), text, number);
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(at.x + indent, at.y), text, l.title.c_str(), nullptr,
                wrap);
  }
  ImGui::Spacing();
  if (ImGui::Selectable("Sandbox", s.page == "sandbox")) r.page = "sandbox";
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Any workload, any strategy, side by side");
  if (ImGui::Selectable("Your code", s.page == "code")) r.page = "code";
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Your own asyncio script, run by CPython and drawn the same way");
  ImGui::Separator();
  r.theme_changed = ImGui::Checkbox("dark theme", &s.dark);
  r.help = ImGui::Button("Help (F1)");
  if (!notice.empty()) {
    ImGui::Spacing();
    ImGui::TextWrapped("%s", notice.c_str());
  }
  ImGui::EndChild();
  return r;
}

}  // namespace loopscope::gui
