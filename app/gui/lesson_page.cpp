#include "app/gui/lesson_page.hpp"

#include <imgui.h>

#include "lessons/runner.hpp"

namespace loopscope::gui {

lesson_page::lesson_page(const lessons::lesson& l)
    : lesson_(l), values_(lessons::defaults(l)), texts_(l), chart_(l.variants.size()) {
  if (l.real_clock_only) {
    runs_.set_real_only(l.variants_in_turn);
    runs_.hold_real_start(true);  // predict first: it runs when the guess is in
  }
  rebuild(false);
}

void lesson_page::rebuild(bool keep_cursor) {
  const lessons::lesson* l = &lesson_;
  runs_.reset(run_plan{lesson_.variants.size(),
                       [l, v = values_](std::size_t i, clock_kind clock) {
                         lessons::run_setup s;
                         s.loop.clock = clock;
                         s.live = clock == clock_kind::real_clock;  // watched as it happens
                         return lessons::make_run(*l, l->variants[i], v, s);
                       },
                       {}},
              keep_cursor);
  // Predict first: nothing plays until the guess is in (or skipped).
  if (prediction_.asking()) runs_.pause();
  chart_noted_ = false;
}

bool lesson_page::answered() const {
  return runs_.finished() && !runs_.preparing() && runs_.size() == lesson_.variants.size();
}

std::optional<double> lesson_page::answer() const {
  if (!answered()) return std::nullopt;
  lessons::outcomes o;
  for (std::size_t i = 0; i < runs_.size(); ++i) o.add(runs_.run(i), runs_.metrics(i));
  return lessons::answer_of(lesson_, o);
}

// Lesson 10's servers: where curl and wrk can reach them, one click to copy.
void lesson_page::draw_addresses() {
  bool any = false;
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    const auto at = runs_.run(i).reachable_at();
    if (!at || !at->open) continue;
    if (!any) ImGui::TextDisabled("listening:");
    any = true;
    ImGui::SameLine();
    const std::string& variant = runs_.run(i).variant();
    ImGui::Text("%s %s", variant.c_str(), at->url.substr(at->url.rfind(':')).c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", at->url.c_str());
    ImGui::SameLine();
    ImGui::PushID(static_cast<int>(i));
    const std::string example = "curl -i " + at->url + variant;
    if (ImGui::SmallButton("copy")) {
      ImGui::SetClipboardText(example.c_str());
      runs_.set_notice({"Copied: " + example, true});
    }
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Copies  %s  - run it in a terminal and watch it arrive as a new connection", example.c_str());
    ImGui::PopID();
  }
}

std::optional<png_request> lesson_page::draw(double wall_dt, bool dark, lesson_nav& nav, bool has_previous,
                                             bool has_next) {
  const palette& p = colors(dark);
  runs_.tick(wall_dt);
  nav.completed = runs_.finished();

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
  texts_.draw(ImGui::GetContentRegionAvail().x * 0.58f, top_h, p);
  ImGui::SameLine();
  ImGui::BeginChild("##side", ImVec2(0, top_h), true);
  const bool changed = params_.draw(lesson_, values_, lesson_.real_clock_only, p);
  const predict_request asked = predict_.draw(lesson_.predict, prediction_, answered(), answer(), p);
  ImGui::EndChild();
  if (changed) rebuild(true);
  if (asked.lock || asked.skip) {
    if (asked.lock)
      prediction_.lock();
    else
      prediction_.skip();
    runs_.play();
  }
  if (asked.again) {
    prediction_.ask_again();
    if (lesson_.real_clock_only) runs_.hold_real_start(true);
    runs_.restart();
    runs_.pause();
  }

  playback_request play = playback_.draw(runs_);
  play |= playback_bar::keys();
  runs_.apply(play);
  draw_addresses();
  if (lesson_.chart && !chart_noted_ && runs_.finished() && !runs_.preparing()) {
    chart_.note(runs_, values_[lesson_.chart->x_param], lesson_.chart->y_figure);
    chart_noted_ = true;
  }

  runs_request r;
  if (lesson_.chart) {
    const lessons::param* xp = nullptr;
    for (const auto& param : lesson_.params)
      if (param.name == lesson_.chart->x_param) xp = &param;
    const auto names = lesson_.variant_names();
    r = body_.draw(runs_, dark, [&](float w, float h) {
      if (xp != nullptr) chart_.draw(*lesson_.chart, *xp, names, w, h, p);
    });
  } else if (lesson_.bars) {
    r = body_.draw(runs_, dark, [&](float w, float h) { bars_.draw(*lesson_.bars, runs_, w, h, p); });
  } else {
    r = body_.draw(runs_, dark);
  }
  if (r.cancel) runs_.cancel(r.cancel->variant, r.cancel->lane);
  if (r.export_trace) runs_.set_notice(runs_.export_trace(*r.export_trace));
  return r.png;
}

}  // namespace loopscope::gui
