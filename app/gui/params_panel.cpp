#include "app/gui/params_panel.hpp"

#include <imgui.h>

#include <cmath>

namespace loopscope::gui {

bool params_panel::draw(const lessons::lesson& l, lessons::values& v, bool on_release, const palette& p) {
  bool commit = false;
  const float w = 200 * ImGui::GetFontSize() / 16;
  for (const auto& param : l.params) {
    int value = static_cast<int>(std::lround(v[param.name]));
    ImGui::SetNextItemWidth(w);
    const std::string format = "%d " + param.unit;
    const int lo = static_cast<int>(param.min), hi = static_cast<int>(param.max);
    const bool wide = hi - lo > 200;
    if (ImGui::SliderInt(param.label.c_str(), &value, lo, hi, format.c_str(),
                         wide ? ImGuiSliderFlags_Logarithmic : ImGuiSliderFlags_None)) {
      // Only a real change re-runs anything.
      const double before = v[param.name];
      v[param.name] = value;
      notes_ = lessons::clamp(l, v);
      if (v[param.name] != before) pending_ = true;
    }
    if (pending_ && (!on_release || ImGui::IsItemDeactivatedAfterEdit())) commit = true;
    if (ImGui::IsItemHovered() && !param.help.empty())
      ImGui::SetTooltip("%s (--set %s=...)", param.help.c_str(), param.name.c_str());
  }
  for (const auto& n : notes_) ImGui::TextColored(vec(p.note), "%s", n.c_str());
  if (commit) pending_ = false;
  return commit;
}

}  // namespace loopscope::gui
