#include "lesson_page.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/metrics.hpp"
#include "core/runtime.hpp"

namespace loopscope::gui {

// ---- Markdown ----

namespace {

ImVec4 style_colour(md_style s, bool dark) {
  switch (s) {
    case md_style::emphasis: return dark ? ImVec4(0.34f, 0.71f, 0.91f, 1) : ImVec4(0.0f, 0.45f, 0.70f, 1);
    case md_style::strong: return dark ? ImVec4(1, 1, 1, 1) : ImVec4(0, 0, 0, 1);
    case md_style::code: return dark ? ImVec4(0.94f, 0.89f, 0.26f, 1) : ImVec4(0.6f, 0.35f, 0.0f, 1);
    default: return ImGui::GetStyle().Colors[ImGuiCol_Text];
  }
}

// Lays styled runs out word by word, wrapping at the window's edge.
void draw_runs(const std::vector<md_run>& runs, bool dark, float indent) {
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
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(at.x - 2, at.y), ImVec2(at.x + w + 2, at.y + ImGui::GetTextLineHeight()),
                                                  dark ? IM_COL32(255, 255, 255, 22) : IM_COL32(0, 0, 0, 16), 3);
      ImGui::PushStyleColor(ImGuiCol_Text, style_colour(run.style, dark));
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

void draw_markdown(const std::vector<md_block>& blocks, bool dark) {
  const float em = ImGui::GetFontSize();
  for (const md_block& b : blocks) {
    switch (b.kind) {
      case md_block::heading:
        ImGui::Spacing();
        ImGui::PushStyleColor(ImGuiCol_Text, style_colour(md_style::emphasis, dark));
        for (const auto& r : b.runs) ImGui::TextWrapped("%s", r.text.c_str());
        ImGui::PopStyleColor();
        if (b.level <= 1) ImGui::Separator();
        break;
      case md_block::bullet: {
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float indent = em * 0.9f * static_cast<float>(b.level);
        ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(at.x + indent - em * 0.45f, at.y + em * 0.55f), em * 0.15f,
                                                    ImGui::GetColorU32(ImGuiCol_Text));
        draw_runs(b.runs, dark, indent);
        break;
      }
      case md_block::code:
        for (const auto& r : b.runs) ImGui::TextUnformatted(r.text.c_str());
        break;
      default:
        draw_runs(b.runs, dark, 0);
        ImGui::Spacing();
        break;
    }
  }
}

// ---- The page ----

lesson_page::lesson_page(const lessons::lesson& l)
    : lesson_(l), values_(lessons::defaults(l)), prose_(parse_markdown(l.prose)), chart_points_(l.variants.size()) {
  if (l.real_clock_only) {
    variants_.set_real_only(l.variants_in_turn);
    variants_.hold_real_start(true);  // predict first: it runs when the guess is in
  }
  rebuild(false);
}

void lesson_page::rebuild(bool keep_cursor) {
  const lessons::values v = values_;
  const lessons::lesson* l = &lesson_;
  variants_.reset(
      lesson_.variants.size(),
      [l, v](std::size_t i, const loop_options& options) { return l->make(i, v, options); }, std::nullopt,
      keep_cursor);
  // Predict first: nothing plays until the guess is in (or skipped).
  if (!locked_ && !skipped_) variants_.set_playing(false);
  chart_noted_ = false;
}

void lesson_page::note_chart_points() {
  if (!lesson_.chart || chart_noted_ || !variants_.finished()) return;
  chart_noted_ = true;
  const double x = values_[lesson_.chart->x_param];
  for (std::size_t i = 0; i < variants_.size() && i < chart_points_.size(); ++i)
    chart_points_[i][x] = lessons::figure_of(variants_.run(i), lesson_.chart->y_figure);
}

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

// The chart that grows with the slider: x logarithmic over the parameter's
// range, y from 0 to the largest point, a line and dots per variant.
void lesson_page::draw_chart(float width, float height, bool dark) {
  const auto& spec = *lesson_.chart;
  const lessons::param* xp = nullptr;
  for (const auto& p : lesson_.params)
    if (p.name == spec.x_param) xp = &p;
  if (xp == nullptr) return;
  ImGui::TextUnformatted(spec.title.c_str());
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float em = ImGui::GetFontSize();
  const float left = origin.x + 4.5f * em, right = origin.x + width - 2.2f * em;
  const float top = origin.y + 0.4f * em, bottom = origin.y + height - ImGui::GetTextLineHeightWithSpacing() * 2.6f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 axis = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 grid = dark ? IM_COL32(255, 255, 255, 24) : IM_COL32(0, 0, 0, 24);
  double y_max = 0;
  for (const auto& series : chart_points_)
    for (const auto& [x, y] : series) y_max = std::max(y_max, y);
  if (y_max <= 0) y_max = 1;
  const double lx0 = std::log10(std::max(xp->min, 1.0)), lx1 = std::log10(std::max(xp->max, xp->min + 1));
  auto px = [&](double x) { return left + static_cast<float>((std::log10(std::max(x, 1.0)) - lx0) / (lx1 - lx0)) * (right - left); };
  auto py = [&](double y) { return bottom - static_cast<float>(y / y_max) * (bottom - top); };
  dl->AddLine(ImVec2(left, bottom), ImVec2(right, bottom), axis);
  dl->AddLine(ImVec2(left, top), ImVec2(left, bottom), axis);
  for (double x = std::pow(10.0, std::ceil(lx0)); x <= xp->max * 1.0001; x *= 10) {
    dl->AddLine(ImVec2(px(x), top), ImVec2(px(x), bottom), grid);
    const std::string label = format_figure(x, "");
    dl->AddText(ImVec2(px(x) - ImGui::CalcTextSize(label.c_str()).x / 2, bottom + 2), axis, label.c_str());
  }
  const bool empty = std::all_of(chart_points_.begin(), chart_points_.end(), [](const auto& s) { return s.empty(); });
  for (int i = 0; i <= 2 && !empty; ++i) {
    const double y = y_max * i / 2;
    dl->AddLine(ImVec2(left, py(y)), ImVec2(right, py(y)), grid);
    const std::string label = format_figure(y, "bytes");
    dl->AddText(ImVec2(origin.x, py(y) - em / 2), axis, label.c_str());
  }
  const std::string x_label = xp->label + " (" + xp->unit + ", log scale)";
  dl->AddText(ImVec2((left + right) / 2 - ImGui::CalcTextSize(x_label.c_str()).x / 2, bottom + em * 1.2f), axis,
              x_label.c_str());
  const ImU32 colours[] = {IM_COL32(230, 159, 0, 255), IM_COL32(86, 180, 233, 255), IM_COL32(0, 158, 115, 255),
                           IM_COL32(204, 121, 167, 255)};
  float legend_x = left + em;
  for (std::size_t v = 0; v < chart_points_.size(); ++v) {
    const ImU32 c = colours[v % 4];
    ImVec2 prev{};
    bool first = true;
    for (const auto& [x, y] : chart_points_[v]) {
      const ImVec2 at(px(x), py(y));
      if (!first) dl->AddLine(prev, at, c, 2.0f);
      dl->AddCircleFilled(at, 3.5f, c);
      prev = at;
      first = false;
    }
    legend_x = legend_entry(dl, legend_x, top, c, lesson_.variants[v].c_str());
  }
  if (empty)
    dl->AddText(ImVec2(left + em, (top + bottom) / 2), axis, "a point per run: run, then move the slider");
  ImGui::Dummy(ImVec2(width, height - ImGui::GetTextLineHeightWithSpacing() - 4));
}

// Grouped bars from the runs' figures: a group per variant, a bar per
// figure, one linear scale, so a short bar next to a long one reads as such.
void lesson_page::draw_bars(float width, float height, bool dark) {
  const auto& spec = *lesson_.bars;
  ImGui::TextUnformatted(spec.title.c_str());
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float em = ImGui::GetFontSize();
  const float left = origin.x + 0.5f * em, right = origin.x + width - 0.5f * em;
  const float top = origin.y + 2.8f * em, bottom = origin.y + height - ImGui::GetTextLineHeightWithSpacing() * 2.4f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 axis = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 shades[] = {dark ? IM_COL32(86, 180, 233, 255) : IM_COL32(0, 114, 178, 255), IM_COL32(230, 159, 0, 255),
                          IM_COL32(213, 94, 0, 255)};
  std::vector<std::vector<double>> values(variants_.size());
  double top_value = 0;
  for (std::size_t v = 0; v < variants_.size(); ++v) {
    if (!variants_.run(v).main_done) continue;
    const auto figures = variants_.run(v).figures();
    for (const auto& key : spec.figures) {
      values[v].push_back(lessons::figure_of(figures, key));
      top_value = std::max(top_value, values[v].back());
    }
  }
  dl->AddLine(ImVec2(left, bottom), ImVec2(right, bottom), axis);
  float legend_x = left;
  for (std::size_t k = 0; k < spec.labels.size(); ++k)
    legend_x = legend_entry(dl, legend_x, origin.y, shades[k % 3], spec.labels[k].c_str());
  const std::size_t groups = std::max<std::size_t>(variants_.size(), 1);
  const float group_w = (right - left) / static_cast<float>(groups);
  const float bar_w = group_w * 0.7f / static_cast<float>(std::max<std::size_t>(spec.figures.size(), 1));
  for (std::size_t v = 0; v < variants_.size(); ++v) {
    const float x0 = left + group_w * static_cast<float>(v) + group_w * 0.15f;
    const std::string name = variants_.run(v).variant;
    dl->AddText(ImVec2(left + group_w * (static_cast<float>(v) + 0.5f) - ImGui::CalcTextSize(name.c_str()).x / 2, bottom + 3),
                text, name.c_str());
    if (values[v].empty()) {
      dl->AddText(ImVec2(x0, bottom - em * 1.2f), axis, "...");
      continue;
    }
    for (std::size_t k = 0; k < values[v].size(); ++k) {
      const float h = top_value > 0 ? static_cast<float>(values[v][k] / top_value) * (bottom - top) : 0;
      const float bx = x0 + bar_w * static_cast<float>(k);
      dl->AddRectFilled(ImVec2(bx, bottom - std::max(h, 1.0f)), ImVec2(bx + bar_w - 2, bottom), shades[k % 3]);
    }
    // The highest of the group, written above it.
    const std::string label = format_figure(values[v].back(), "s");
    const float h = top_value > 0 ? static_cast<float>(values[v].back() / top_value) * (bottom - top) : 0;
    dl->AddText(ImVec2(x0, bottom - h - em * 1.15f), text, label.c_str());
  }
  ImGui::Dummy(ImVec2(width, height - ImGui::GetTextLineHeightWithSpacing() - 4));
}

// Lesson 10's servers: where curl and wrk can reach them, one click to copy.
void lesson_page::draw_addresses() {
  bool any = false;
  for (std::size_t i = 0; i < variants_.size(); ++i) {
    const std::string url = variants_.run(i).url();
    if (url.empty()) continue;
    if (!any) ImGui::TextDisabled("listening:");
    any = true;
    ImGui::SameLine();
    const auto colon = url.rfind(':');
    ImGui::Text("%s %s", variants_.run(i).variant.c_str(), url.substr(colon).c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", url.c_str());
    ImGui::SameLine();
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::SmallButton("copy")) {
      const std::string example = "curl -i " + url + variants_.run(i).variant;
      ImGui::SetClipboardText(example.c_str());
      variants_.set_status("Copied: " + example, true);
    }
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Copies  curl -i %s%s  - run it in a terminal and watch it arrive as a new connection",
                        url.c_str(), variants_.run(i).variant.c_str());
    ImGui::PopID();
  }
}

double lesson_page::answer() const {
  std::vector<lessons::outcome> outcomes;
  for (std::size_t i = 0; i < variants_.size(); ++i) outcomes.push_back({&variants_.run(i), &variants_.metrics(i)});
  return lesson_.predict.answer(outcomes);
}

void lesson_page::draw_text_tabs(float height, bool dark) {
  ImGui::BeginChild("##texts", ImVec2(ImGui::GetContentRegionAvail().x * 0.58f, height), true);
  if (ImGui::BeginTabBar("##tabs")) {
    if (ImGui::BeginTabItem("Lesson")) {
      ImGui::BeginChild("##prose");
      draw_markdown(prose_, dark);
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
      ImGui::TextDisabled(lesson_.real_clock_only
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

void lesson_page::draw_params() {
  bool commit = false;
  const float w = 200 * ImGui::GetFontSize() / 16;
  for (const auto& p : lesson_.params) {
    int value = static_cast<int>(std::lround(values_[p.name]));
    ImGui::SetNextItemWidth(w);
    const std::string format = "%d " + p.unit;
    const int lo = static_cast<int>(p.min), hi = static_cast<int>(p.max);
    const bool wide = hi - lo > 200;
    if (ImGui::SliderInt(p.label.c_str(), &value, lo, hi, format.c_str(),
                         wide ? ImGuiSliderFlags_Logarithmic : ImGuiSliderFlags_None)) {
      // A value typed in (Ctrl+click) may be out of range: it is moved into
      // it, with a note, and only a real change re-runs anything.
      const double before = values_[p.name];
      values_[p.name] = value;
      notes_ = lessons::clamp(lesson_, values_);
      if (values_[p.name] != before) pending_ = true;
    }
    // Real runs start again when the slider is let go; the others follow it.
    if (pending_ && (!lesson_.real_clock_only || ImGui::IsItemDeactivatedAfterEdit())) commit = true;
    if (ImGui::IsItemHovered() && !p.help.empty()) ImGui::SetTooltip("%s (--set %s=...)", p.help.c_str(), p.name.c_str());
  }
  if (commit) {
    pending_ = false;
    rebuild(true);
  }
  for (const auto& n : notes_) ImGui::TextColored(ImVec4(0.9f, 0.62f, 0.0f, 1.0f), "%s", n.c_str());
}

void lesson_page::draw_predict() {
  ImGui::Separator();
  ImGui::TextColored(ImVec4(0.9f, 0.62f, 0.0f, 1.0f), "Predict first");
  ImGui::TextWrapped("%s", lesson_.predict.text.c_str());
  const bool has_choices = !lesson_.predict.choices.empty();
  if (!locked_ && !skipped_) {
    if (has_choices) {
      for (std::size_t i = 0; i < lesson_.predict.choices.size(); ++i)
        ImGui::RadioButton(lesson_.predict.choices[i].c_str(), &choice_, static_cast<int>(i));
    } else {
      ImGui::SetNextItemWidth(120 * ImGui::GetFontSize() / 16);
      ImGui::InputFloat(("##guess " + lesson_.predict.unit).c_str(), &guess_, 0, 0, "%.2f");
      ImGui::SameLine();
      ImGui::TextUnformatted(lesson_.predict.unit.c_str());
    }
    if (ImGui::Button("Lock in and run")) {
      locked_ = true;
      variants_.set_playing(true);
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("skip, just run it")) {
      skipped_ = true;
      variants_.set_playing(true);
    }
    return;
  }
  if (!variants_.finished()) {
    ImGui::TextDisabled(locked_ ? "Your guess is in. Watch the run..." : "Watch the run...");
    return;
  }
  const double truth = answer();
  if (has_choices) {
    const auto right = static_cast<std::size_t>(truth);
    ImGui::Text("From the run: %s", lesson_.predict.choices[right].c_str());
    if (locked_)
      ImGui::TextColored(static_cast<std::size_t>(choice_) == right ? ImVec4(0, 0.62f, 0.45f, 1) : ImVec4(0.84f, 0.37f, 0, 1),
                         static_cast<std::size_t>(choice_) == right ? "You were right." : "Not this time: look at the lanes for why.");
  } else {
    ImGui::Text("From the run: %.3g %s", truth, lesson_.predict.unit.c_str());
    if (locked_) {
      const double off = truth != 0 ? std::abs(guess_ - truth) / std::abs(truth) * 100 : std::abs(guess_);
      ImGui::TextColored(off <= 5 ? ImVec4(0, 0.62f, 0.45f, 1) : ImVec4(0.84f, 0.37f, 0, 1),
                         "You said %.3g: %s", guess_, off <= 5 ? "spot on." : (off <= 25 ? "close." : "far off: why?"));
    }
  }
  if (ImGui::SmallButton("predict again")) {
    locked_ = skipped_ = false;
    if (lesson_.real_clock_only) variants_.hold_real_start(true);
    variants_.restart();
    variants_.set_playing(false);
  }
}

page_requests lesson_page::draw(double wall_dt, bool dark, lesson_nav& nav, bool has_previous, bool has_next) {
  variants_.tick(wall_dt);
  nav.completed = variants_.finished();

  ImGui::Text("Lesson %d: %s", lesson_.number, lesson_.title.c_str());
  ImGui::SameLine(ImGui::GetContentRegionAvail().x - 330 * ImGui::GetFontSize() / 16);
  ImGui::BeginDisabled(!has_previous);
  nav.previous = ImGui::Button("< Previous");
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!has_next);
  nav.next = ImGui::Button("Next >");
  ImGui::EndDisabled();
  ImGui::SameLine();
  nav.sandbox = ImGui::Button("Open the sandbox");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Every knob free: any workload, any strategy");

  // Lessons that show their figures give the texts a little less room.
  const float top_h = (lesson_.real_clock_only ? 240 : 270) * ImGui::GetFontSize() / 16;
  draw_text_tabs(top_h, dark);
  ImGui::SameLine();
  ImGui::BeginChild("##side", ImVec2(0, top_h), true);
  draw_params();
  draw_predict();
  ImGui::EndChild();

  variants_.draw_playback();
  variants_.handle_keys();
  draw_addresses();
  note_chart_points();
  if (lesson_.chart) return variants_.draw_body(dark, [this, dark](float w, float h) { draw_chart(w, h, dark); });
  if (lesson_.bars) return variants_.draw_body(dark, [this, dark](float w, float h) { draw_bars(w, h, dark); });
  return variants_.draw_body(dark);
}

}  // namespace loopscope::gui
