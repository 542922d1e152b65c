#include "app/gui/help_view.hpp"

#include <imgui.h>

namespace loopscope::gui {

namespace {
constexpr const char* title = "Keyboard and mouse";
constexpr const char* rows[][2] = {
    {"Space", "play / pause (virtual clock); run (a real-clock lesson)"},
    {"Right arrow", "run exactly one handler of the loop"},
    {"R", "restart every variant"},
    {"Mouse wheel", "zoom around the mouse"},
    {"Drag", "pan"},
    {"Shift + wheel", "scroll the lanes"},
    {"W / S", "zoom in / out"},
    {"A / D", "pan left / right"},
    {"F", "fit the whole run"},
    {"Hover", "what a task was doing, and for how long"},
    {"Click a task", "cancel it (while the run is live)"},
    {"Ctrl + click a slider", "type a value"},
    {"F1 or ?", "this help"},
};
}  // namespace

void help_view::draw() {
  if (open_ && !ImGui::IsPopupOpen(title)) ImGui::OpenPopup(title);
  const ImVec2 center = ImGui::GetMainViewport()->GetCenter();
  ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title, &open_, ImGuiWindowFlags_AlwaysAutoResize)) return;
  if (ImGui::BeginTable("##keys", 2, ImGuiTableFlags_RowBg)) {
    for (const auto& r : rows) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r[0]);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r[1]);
    }
    ImGui::EndTable();
  }
  if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
    open_ = false;
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

}  // namespace loopscope::gui
