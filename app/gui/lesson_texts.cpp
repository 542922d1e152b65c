#include "app/gui/lesson_texts.hpp"

#include <imgui.h>

#include <algorithm>
#include <utility>

#include "app/gui/code_view.hpp"
#include "app/gui/markdown_view.hpp"

namespace loopscope::gui {

lesson_texts::lesson_texts(const lessons::lesson& l)
    : lesson_(l),
      prose_(parse_markdown(l.prose)),
      cpp_tokens_(highlight(l.code, code_language::cpp)),
      python_tokens_(highlight(l.python, code_language::python)) {
  std::size_t n = prose_.size();
  for (std::size_t i = 1; i < prose_.size(); ++i)
    if (prose_[i].kind == md_block::heading) {
      n = i;
      break;
    }
  setup_.assign(prose_.begin(), prose_.begin() + static_cast<long>(n));
}

lesson_texts::hovered_line lesson_texts::draw(float width, float height, const palette& p, bool whole,
                                              const std::vector<line_note>& cpp_notes,
                                              const std::vector<line_note>& python_notes,
                                              const std::function<void()>& loop) {
  hovered_line hovered;
  ImGui::BeginChild("##texts", ImVec2(width, height), true);
  if (ImGui::BeginTabBar("##tabs")) {
    const std::string select = std::exchange(select_, {});
    auto opened = [&](const char* tab) { return select == tab ? ImGuiTabItemFlags_SetSelected : 0; };
    if (ImGui::BeginTabItem("Lesson", nullptr, opened("lesson"))) {
      ImGui::BeginChild("##prose");
      if (whole) {
        draw_markdown(prose_, p);
      } else {
        draw_markdown(setup_, p);
        ImGui::Spacing();
        ImGui::PushStyleColor(ImGuiCol_Text, p.note);
        ImGui::TextWrapped("The rest of the lesson opens once you have made your guess.");
        ImGui::PopStyleColor();
      }
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("C++", nullptr, opened("cpp"))) {
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("The code that runs, as it is in the lesson's folder");
      draw_notes_summary(cpp_notes);
      ImGui::BeginChild("##cpp", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
      hovered.line = draw_code(lesson_.code, cpp_tokens_, p, cpp_notes, notes_moved(cpp_notes, cpp_lines_));
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Python", nullptr, opened("python"))) {
      draw_notes_summary(python_notes, python_whose_);
      ImGui::BeginChild("##py", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
      ImGui::PushTextWrapPos(0);
      ImGui::TextDisabled(
          "%s", lesson_.real_clock_only
                    ? "The same measurement in Python. The test suite runs it and checks it shows the same contrast."
                    : "The same program in asyncio. The test suite runs it and checks it agrees.");
      ImGui::PopTextWrapPos();
      hovered = {draw_code(lesson_.python, python_tokens_, p, python_notes, notes_moved(python_notes, python_lines_)),
                 true};
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    loop_open_ = false;
    if (ImGui::BeginTabItem("Loop", nullptr, opened("loop"))) {
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("The loop at the cursor: who runs, who is next, who sleeps; and the code, where they are");
      loop_open_ = true;
      // Under the queues, the lines of the C++ where tasks are, alone.
      const float line_h = ImGui::GetTextLineHeightWithSpacing();
      const float code_h = std::clamp(line_h * (static_cast<float>(cpp_notes.size()) + 2.5f), line_h * 3.5f,
                                      ImGui::GetContentRegionAvail().y * 0.45f);
      ImGui::BeginChild("##loop", ImVec2(0, -code_h));
      loop();
      ImGui::EndChild();
      draw_notes_summary(cpp_notes);
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("The lines of the C++ where tasks are at the cursor; the C++ tab has all of it.");
      ImGui::BeginChild("##loopcode", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
      hovered.line = draw_code(lesson_.code, cpp_tokens_, p, cpp_notes, false, true);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
  return hovered;
}

}  // namespace loopscope::gui
