#include "app/gui/predict_panel.hpp"

#include <imgui.h>

#include <string>

namespace loopscope::gui {

predict_request predict_panel::draw(const lessons::question& q, prediction& state, bool answered,
                                    std::optional<double> truth, const std::string& why, const palette& p) {
  predict_request r;
  ImGui::TextColored(vec(p.note), state.asking() ? "Predict first" : "Your prediction");
  ImGui::TextWrapped("%s", q.text.c_str());
  const bool has_choices = !q.choices.empty();
  if (state.asking()) {
    if (has_choices) {
      for (std::size_t i = 0; i < q.choices.size(); ++i)
        ImGui::RadioButton(q.choices[i].c_str(), &state.choice, static_cast<int>(i));
    } else {
      ImGui::SetNextItemWidth(110 * ImGui::GetFontSize() / 16);
      ImGui::InputFloat(("##guess " + q.unit).c_str(), &state.guess, 0, 0, "%.2f");
      ImGui::SameLine();
      ImGui::TextUnformatted(q.unit.c_str());
    }
    ImGui::BeginDisabled(!state.can_lock(has_choices));
    r.lock = ImGui::Button("Lock in and run");
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled) && !state.can_lock(has_choices))
      ImGui::SetTooltip("Pick an answer first");
    ImGui::SameLine();
    r.skip = ImGui::SmallButton("skip, just run it");
    return r;
  }
  if (!answered) {
    ImGui::TextDisabled(state.locked() ? "Your guess is in. Watch the run..." : "Watch the run...");
    return r;
  }
  const feedback f = judge(state, q.unit, q.choices, truth, q.none, why);
  const ImU32 colour = !f.how ? p.text : *f.how == verdict::right ? p.ok : *f.how == verdict::close ? p.note : p.warn;
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::TextWrapped("%s", f.headline.c_str());
  ImGui::PopStyleColor();
  if (!f.why.empty()) ImGui::TextWrapped("%s", f.why.c_str());
  r.again = ImGui::SmallButton("predict again");
  return r;
}

}  // namespace loopscope::gui
