#include "app/gui/markdown_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <string>

namespace loopscope::gui {

namespace {

ImVec4 style_colour(md_style s, const palette& p) {
  switch (s) {
    case md_style::emphasis:
      return vec(p.emphasis);
    case md_style::strong:
      return vec(p.strong);
    case md_style::code:
      return vec(p.code);
    default:
      return ImGui::GetStyle().Colors[ImGuiCol_Text];
  }
}

// Lays styled runs out word by word, wrapping at the window's edge.
void draw_runs(const std::vector<md_run>& runs, const palette& p, float indent) {
  const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  const float left = ImGui::GetCursorScreenPos().x + indent;
  const float space = ImGui::CalcTextSize(" ").x;
  ImGui::SetCursorScreenPos(ImVec2(left, ImGui::GetCursorScreenPos().y));
  float x = left;
  bool first = true;
  for (const md_run& run : runs) {
    std::size_t i = 0;
    while (i < run.text.size()) {
      if (run.text[i] == ' ') {  // a space that follows another run's last word
        if (!first) {
          ImGui::SameLine(0, 0);
          ImGui::TextUnformatted(" ");
          x += space;
        }
        ++i;
        continue;
      }
      const bool newline = run.text[i] == '\n';
      const std::size_t end = newline ? i + 1 : std::min(run.text.find_first_of(" \n", i), run.text.size());
      const std::string word = newline ? std::string() : run.text.substr(i, end - i);
      const bool space_after = end < run.text.size() && run.text[end] == ' ';
      i = end + (space_after ? 1 : 0);
      if (newline) {
        x = right + 1;  // force a break
        continue;
      }
      if (word.empty()) continue;
      const float w = ImGui::CalcTextSize(word.c_str()).x;
      if (!first && x + w > right) {
        ImGui::SetCursorScreenPos(ImVec2(left, ImGui::GetCursorScreenPos().y));
        x = left;
      } else if (!first) {
        ImGui::SameLine(0, 0);
      }
      const ImVec2 at = ImGui::GetCursorScreenPos();
      if (run.style == md_style::code)
        ImGui::GetWindowDrawList()->AddRectFilled(
            ImVec2(at.x - 2, at.y), ImVec2(at.x + w + 2, at.y + ImGui::GetTextLineHeight()), p.code_bg, 3);
      ImGui::PushStyleColor(ImGuiCol_Text, style_colour(run.style, p));
      ImGui::TextUnformatted(word.c_str());
      ImGui::PopStyleColor();
      x += w;
      if (space_after) {
        ImGui::SameLine(0, 0);
        ImGui::TextUnformatted(" ");
        x += space;
      }
      first = false;
    }
  }
}

}  // namespace

void draw_markdown(const std::vector<md_block>& blocks, const palette& p) {
  const float em = ImGui::GetFontSize();
  for (const md_block& b : blocks) {
    switch (b.kind) {
      case md_block::heading:
        ImGui::Spacing();
        ImGui::PushStyleColor(ImGuiCol_Text, style_colour(md_style::emphasis, p));
        for (const auto& r : b.runs) ImGui::TextWrapped("%s", r.text.c_str());
        ImGui::PopStyleColor();
        if (b.level <= 1) ImGui::Separator();
        break;
      case md_block::bullet: {
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float indent = em * 0.9f * static_cast<float>(b.level);
        ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(at.x + indent - em * 0.45f, at.y + em * 0.55f), em * 0.15f,
                                                    ImGui::GetColorU32(ImGuiCol_Text));
        draw_runs(b.runs, p, indent);
        break;
      }
      case md_block::code:
        for (const auto& r : b.runs) ImGui::TextUnformatted(r.text.c_str());
        break;
      default:
        draw_runs(b.runs, p, 0);
        ImGui::Spacing();
        break;
    }
  }
}

}  // namespace loopscope::gui
