#include "app/gui/metrics_table.hpp"

#include <imgui.h>

#include "core/report.hpp"

namespace loopscope::gui {

void metrics_table::draw(const run_set& runs, const palette& p) {
  const ImGuiTableFlags flags =
      ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("##metrics", 8, flags)) return;
  for (const char* h : {"variant", "makespan", "speedup", "peak / mean in flight", "loop busy", "ready total",
                        "longest slice", "warnings"})
    ImGui::TableSetupColumn(h);
  ImGui::TableHeadersRow();
  const auto reference = runs.reference();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const run_metrics& m = runs.metrics(i);
    const bool done = runs.run(i).finished();
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(runs.run(i).variant().c_str());
    ImGui::TableNextColumn();
    if (done)
      ImGui::TextUnformatted(format_seconds(m.makespan).c_str());
    else
      ImGui::TextDisabled("running, %s so far", format_seconds(runs.cursor()).c_str());
    ImGui::TableNextColumn();
    const auto withheld = done ? speedup_withheld(runs.run(i), m) : std::nullopt;
    if (done && reference && m.makespan > 0 && !withheld)
      ImGui::Text("%.2fx", static_cast<double>(*reference) / static_cast<double>(m.makespan));
    else
      ImGui::TextDisabled("-");
    if (ImGui::IsItemHovered() && withheld)
      ImGui::SetTooltip("%s", withheld->c_str());
    else if (ImGui::IsItemHovered() && reference)
      ImGui::SetTooltip("Against the same tasks run one after another: %s", format_seconds(*reference).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%d / %.2f", m.peak_concurrency, m.mean_concurrency);
    ImGui::TableNextColumn();
    ImGui::Text("%.1f %%", m.loop_busy_fraction * 100);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(format_seconds(m.ready_total).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(format_seconds(m.longest_slice).c_str());
    ImGui::TableNextColumn();
    const auto warnings = warnings_of(m);
    if (warnings.empty()) {
      ImGui::TextDisabled("none");
    } else {
      ImGui::TextColored(vec(p.warn), "%zu slow slice%s", warnings.size(), warnings.size() == 1 ? "" : "s");
      if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        for (std::size_t w = 0; w < warnings.size() && w < 12; ++w) ImGui::TextUnformatted(warnings[w].c_str());
        if (warnings.size() > 12) ImGui::Text("... and %zu more", warnings.size() - 12);
        ImGui::EndTooltip();
      }
    }
  }
  ImGui::EndTable();
}

}  // namespace loopscope::gui
