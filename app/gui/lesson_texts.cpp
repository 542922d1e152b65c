#include "app/gui/lesson_texts.hpp"

#include <imgui.h>

#include "app/gui/markdown_view.hpp"

namespace loopscope::gui {

void lesson_texts::draw(float width, float height, const palette& p) {
  ImGui::BeginChild("##texts", ImVec2(width, height), true);
  if (ImGui::BeginTabBar("##tabs")) {
    if (ImGui::BeginTabItem("Lesson")) {
      ImGui::BeginChild("##prose");
      draw_markdown(prose_, p);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("C++ (the code that runs)")) {
      ImGui::BeginChild("##cpp", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
      ImGui::TextUnformatted(lesson_.code.data(), lesson_.code.data() + lesson_.code.size());
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Python (asyncio)")) {
      ImGui::BeginChild("##py", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
      ImGui::TextDisabled(
          lesson_.real_clock_only
              ? "The same measurement in Python. The test suite runs it and checks it shows the same contrast."
              : "The same program in asyncio. The test suite runs it and checks it agrees.");
      ImGui::TextUnformatted(lesson_.python.data(), lesson_.python.data() + lesson_.python.size());
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
}

}  // namespace loopscope::gui
