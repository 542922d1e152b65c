#include "app/gui/export_bar.hpp"

#include <imgui.h>

#include <cstdio>

namespace loopscope::gui {

export_request export_bar::draw(const notice& last, const palette& p) {
  export_request r;
  char trace_buf[512], png_buf[512];
  std::snprintf(trace_buf, sizeof trace_buf, "%s", trace_path_.c_str());
  std::snprintf(png_buf, sizeof png_buf, "%s", png_path_.c_str());
  const float w = 170 * ImGui::GetFontSize() / 16;
  ImGui::SetNextItemWidth(w);
  if (ImGui::InputText("##trace", trace_buf, sizeof trace_buf)) trace_path_ = trace_buf;
  ImGui::SameLine();
  if (ImGui::Button("Export trace")) r.trace = trace_path_;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Chrome trace event JSON: opens in Perfetto and chrome://tracing");
  ImGui::SameLine(0, 16);
  ImGui::SetNextItemWidth(w);
  if (ImGui::InputText("##png", png_buf, sizeof png_buf)) png_path_ = png_buf;
  ImGui::SameLine();
  if (ImGui::Button("Save PNG")) r.png = png_path_;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("A picture of the timeline as shown, in the same colours");
  if (!last.text.empty()) {
    ImGui::SameLine(0, 16);
    if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(last.text.c_str()).x) ImGui::NewLine();
    ImGui::TextColored(vec(last.ok ? p.ok : p.warn), "%s", last.text.c_str());
  }
  return r;
}

}  // namespace loopscope::gui
