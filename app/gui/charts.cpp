#include "app/gui/charts.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace loopscope::gui {

namespace {
// A legend entry: a square of the colour, then its name. Returns where the
// next entry goes.
float legend_entry(ImDrawList* dl, float x, float y, ImU32 colour, const char* name) {
  const float em = ImGui::GetFontSize();
  dl->AddRectFilled(ImVec2(x, y + 2), ImVec2(x + em * 0.8f, y + 2 + em * 0.8f), colour);
  dl->AddText(ImVec2(x + em, y), ImGui::GetColorU32(ImGuiCol_Text), name);
  return x + em * 1.6f + ImGui::CalcTextSize(name).x;
}
}  // namespace

void growth_chart_view::note(const run_set& runs, double x, const std::string& y_figure) {
  for (std::size_t i = 0; i < runs.size() && i < points_.size(); ++i)
    points_[i][x] = lessons::figure_of(runs.figures(i), y_figure);
}

// x logarithmic over the parameter's range, y from 0 to the largest point,
// a line and dots per variant.
void growth_chart_view::draw(const lessons::growth_chart& spec, const lessons::param& xp,
                             const std::vector<std::string>& names, float width, float height, const palette& p) {
  ImGui::TextUnformatted(spec.title.c_str());
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float em = ImGui::GetFontSize();
  const float left = origin.x + 4.5f * em, right = origin.x + width - 2.2f * em;
  const float top = origin.y + 0.4f * em, bottom = origin.y + height - ImGui::GetTextLineHeightWithSpacing() * 2.6f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 axis = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  double y_max = 0;
  for (const auto& series : points_)
    for (const auto& [x, y] : series) y_max = std::max(y_max, y);
  if (y_max <= 0) y_max = 1;
  const double lx0 = std::log10(std::max(xp.min, 1.0)), lx1 = std::log10(std::max(xp.max, xp.min + 1));
  auto px = [&](double x) {
    return left + static_cast<float>((std::log10(std::max(x, 1.0)) - lx0) / (lx1 - lx0)) * (right - left);
  };
  auto py = [&](double y) { return bottom - static_cast<float>(y / y_max) * (bottom - top); };
  dl->AddLine(ImVec2(left, bottom), ImVec2(right, bottom), axis);
  dl->AddLine(ImVec2(left, top), ImVec2(left, bottom), axis);
  for (double x = std::pow(10.0, std::ceil(lx0)); x <= xp.max * 1.0001; x *= 10) {
    dl->AddLine(ImVec2(px(x), top), ImVec2(px(x), bottom), p.grid);
    const std::string label = format_figure(x, "");
    dl->AddText(ImVec2(px(x) - ImGui::CalcTextSize(label.c_str()).x / 2, bottom + 2), axis, label.c_str());
  }
  const bool empty = std::all_of(points_.begin(), points_.end(), [](const auto& s) { return s.empty(); });
  for (int i = 0; i <= 2 && !empty; ++i) {
    const double y = y_max * i / 2;
    dl->AddLine(ImVec2(left, py(y)), ImVec2(right, py(y)), p.grid);
    const std::string label = format_figure(y, "bytes");
    dl->AddText(ImVec2(origin.x, py(y) - em / 2), axis, label.c_str());
  }
  const std::string x_label = xp.label + " (" + xp.unit + ", log scale)";
  dl->AddText(ImVec2((left + right) / 2 - ImGui::CalcTextSize(x_label.c_str()).x / 2, bottom + em * 1.2f), axis,
              x_label.c_str());
  float legend_x = left + em;
  for (std::size_t v = 0; v < points_.size(); ++v) {
    const ImU32 c = p.series[v % 4];
    ImVec2 prev{};
    bool first = true;
    for (const auto& [x, y] : points_[v]) {
      const ImVec2 at(px(x), py(y));
      if (!first) dl->AddLine(prev, at, c, 2.0f);
      dl->AddCircleFilled(at, 3.5f, c);
      prev = at;
      first = false;
    }
    if (v < names.size()) legend_x = legend_entry(dl, legend_x, top, c, names[v].c_str());
  }
  if (empty) dl->AddText(ImVec2(left + em, (top + bottom) / 2), axis, "a point per run: run, then move the slider");
  ImGui::Dummy(ImVec2(width, height - ImGui::GetTextLineHeightWithSpacing() - 4));
}

// A group per variant, a bar per figure, one linear scale, so a short bar
// next to a long one reads as such.
void bar_chart_view::draw(const lessons::bar_chart& spec, const run_set& runs, float width, float height,
                          const palette& p) {
  ImGui::TextUnformatted(spec.title.c_str());
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float em = ImGui::GetFontSize();
  const float left = origin.x + 0.5f * em, right = origin.x + width - 0.5f * em;
  const float top = origin.y + 2.8f * em, bottom = origin.y + height - ImGui::GetTextLineHeightWithSpacing() * 2.4f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 axis = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  std::vector<std::vector<double>> values(runs.size());
  double top_value = 0;
  for (std::size_t v = 0; v < runs.size(); ++v) {
    if (runs.figures(v).empty()) continue;
    for (const auto& key : spec.figures) {
      values[v].push_back(lessons::figure_of(runs.figures(v), key));
      top_value = std::max(top_value, values[v].back());
    }
  }
  dl->AddLine(ImVec2(left, bottom), ImVec2(right, bottom), axis);
  float legend_x = left;
  for (std::size_t k = 0; k < spec.labels.size(); ++k)
    legend_x = legend_entry(dl, legend_x, origin.y, p.bars[k % 3], spec.labels[k].c_str());
  const std::size_t groups = std::max<std::size_t>(runs.size(), 1);
  const float group_w = (right - left) / static_cast<float>(groups);
  const float bar_w = group_w * 0.7f / static_cast<float>(std::max<std::size_t>(spec.figures.size(), 1));
  for (std::size_t v = 0; v < runs.size(); ++v) {
    const float x0 = left + group_w * static_cast<float>(v) + group_w * 0.15f;
    const std::string& name = runs.run(v).variant();
    dl->AddText(
        ImVec2(left + group_w * (static_cast<float>(v) + 0.5f) - ImGui::CalcTextSize(name.c_str()).x / 2, bottom + 3),
        text, name.c_str());
    if (values[v].empty()) {
      dl->AddText(ImVec2(x0, bottom - em * 1.2f), axis, "...");
      continue;
    }
    for (std::size_t k = 0; k < values[v].size(); ++k) {
      const float h = top_value > 0 ? static_cast<float>(values[v][k] / top_value) * (bottom - top) : 0;
      const float bx = x0 + bar_w * static_cast<float>(k);
      dl->AddRectFilled(ImVec2(bx, bottom - std::max(h, 1.0f)), ImVec2(bx + bar_w - 2, bottom), p.bars[k % 3]);
    }
    // The highest of the group, written above it.
    const std::string label = format_figure(values[v].back(), "s");
    const float h = top_value > 0 ? static_cast<float>(values[v].back() / top_value) * (bottom - top) : 0;
    dl->AddText(ImVec2(x0, bottom - h - em * 1.15f), text, label.c_str());
  }
  ImGui::Dummy(ImVec2(width, height - ImGui::GetTextLineHeightWithSpacing() - 4));
}

}  // namespace loopscope::gui
