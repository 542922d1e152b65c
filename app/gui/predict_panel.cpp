#include "app/gui/predict_panel.hpp"

#include <imgui.h>

#include <string>

namespace loopscope::gui {

predict_request predict_panel::draw(const lessons::question& q, prediction& state, bool answered,
                                    std::optional<double> truth, const palette& p) {
  predict_request r;
  ImGui::Separator();
  ImGui::TextColored(vec(p.note), "Predict first");
  ImGui::TextWrapped("%s", q.text.c_str());
  const bool has_choices = !q.choices.empty();
  if (state.asking()) {
    if (has_choices) {
      for (std::size_t i = 0; i < q.choices.size(); ++i)
        ImGui::RadioButton(q.choices[i].c_str(), &state.choice, static_cast<int>(i));
    } else {
      ImGui::SetNextItemWidth(120 * ImGui::GetFontSize() / 16);
      ImGui::InputFloat(("##guess " + q.unit).c_str(), &state.guess, 0, 0, "%.2f");
      ImGui::SameLine();
      ImGui::TextUnformatted(q.unit.c_str());
    }
    r.lock = ImGui::Button("Lock in and run");
    ImGui::SameLine();
    r.skip = ImGui::SmallButton("skip, just run it");
    return r;
  }
  if (!answered) {
    ImGui::TextDisabled(state.locked() ? "Your guess is in. Watch the run..." : "Watch the run...");
    return r;
  }
  if (!truth) {
    ImGui::TextWrapped("From the run: %s.", q.none.c_str());
  } else if (has_choices) {
    const int right = static_cast<int>(*truth);
    ImGui::Text("From the run: %s", q.choices[static_cast<std::size_t>(right)].c_str());
    if (state.locked()) {
      const grading g = grade_choice(state.choice, right);
      ImGui::TextColored(vec(g.how == verdict::right ? p.ok : p.warn), "%s", g.text.c_str());
    }
  } else {
    ImGui::Text("From the run: %.3g %s", *truth, q.unit.c_str());
    if (state.locked()) {
      const grading g = grade_number(state.guess, *truth);
      ImGui::TextColored(vec(g.how == verdict::right ? p.ok : p.warn), "You said %.3g: %s", state.guess,
                         g.text.c_str());
    }
  }
  r.again = ImGui::SmallButton("predict again");
  return r;
}

}  // namespace loopscope::gui
