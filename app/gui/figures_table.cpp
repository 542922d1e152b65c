#include "app/gui/figures_table.hpp"

#include <imgui.h>

namespace loopscope::gui {

namespace {
const figure* find(const std::vector<figure>& figures, const std::string& key) {
  for (const auto& f : figures)
    if (f.key == key) return &f;
  return nullptr;
}
}  // namespace

void figures_table::draw(const run_set& runs, const palette& p) {
  const std::vector<figure>* rows = nullptr;  // the run with the most figures names the rows
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (rows == nullptr || runs.figures(i).size() > rows->size()) rows = &runs.figures(i);
  const ImGuiTableFlags flags =
      ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("##measured", 1 + static_cast<int>(runs.size()), flags)) return;
  ImGui::TableSetupColumn("measured", ImGuiTableColumnFlags_WidthStretch, 1.6f);
  for (std::size_t i = 0; i < runs.size(); ++i)
    ImGui::TableSetupColumn(runs.run(i).variant().c_str(), ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableHeadersRow();
  if (runs.size() == 0) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(vec(p.warn), "%s", runs.failure().empty() ? "preparing..." : runs.failure().c_str());
    ImGui::PopTextWrapPos();
  } else if (rows == nullptr || rows->empty()) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled(runs.waiting_to_start() ? "press Run to measure" : "measuring...");
  } else {
    for (const auto& row : *rows) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(row.label.c_str());
      if (ImGui::IsItemHovered() && !row.help.empty()) ImGui::SetTooltip("%s", row.help.c_str());
      for (std::size_t i = 0; i < runs.size(); ++i) {
        ImGui::TableNextColumn();
        if (const figure* f = find(runs.figures(i), row.key)) {
          ImGui::TextUnformatted(format_figure(f->value, f->unit).c_str());
          if (ImGui::IsItemHovered() && !f->help.empty()) ImGui::SetTooltip("%s", f->help.c_str());
        } else {
          ImGui::TextDisabled(runs.started(i) ? "-" : "waits its turn");
        }
      }
    }
  }
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted("loop busy");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The share of the time the loop's thread was running a handler");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    ImGui::TableNextColumn();
    ImGui::Text("%.1f %%", runs.metrics(i).loop_busy_fraction * 100);
  }
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted("longest slice");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("The longest time one handler held the loop (asyncio warns past 100 ms)");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    ImGui::TableNextColumn();
    const run_metrics& m = runs.metrics(i);
    if (!m.slow_slices.empty())
      ImGui::TextColored(vec(p.warn), "%s", format_duration(m.longest_slice).c_str());
    else
      ImGui::TextUnformatted(format_duration(m.longest_slice).c_str());
  }
  ImGui::EndTable();
}

}  // namespace loopscope::gui
