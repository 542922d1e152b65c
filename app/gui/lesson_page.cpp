#include "app/gui/lesson_page.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "app/gui/code_marks.hpp"
#include "app/gui/loop_panel.hpp"
#include "core/agreement.hpp"
#include "lessons/runner.hpp"

namespace loopscope::gui {

lesson_page::lesson_page(const lessons::lesson& l, twin_runner twin)
    : lesson_(l), values_(lessons::defaults(l)), twin_(std::move(twin)), texts_(l), chart_(l.variants.size()) {
  // CPython beside the engine: the twin of the variant the lesson names (or
  // its last), on the virtual clock; not for lessons measured for real.
  if (twin_ && !l.real_clock_only && !l.variants.empty()) {
    twin_of_ = l.variants.size() - 1;
    for (std::size_t i = 0; i < l.variants.size(); ++i)
      if (l.variants[i].name == l.twin) twin_of_ = i;
    texts_.set_python_marks_of("CPython's run of " + l.variants[*twin_of_].name);
  }
  if (l.real_clock_only) runs_.set_real_only(l.variants_in_turn);
  runs_.hold_real_start(true);  // predict first: on either clock, it runs when the guess is in
  for (std::size_t i = 0; i < l.variants.size(); ++i)
    if (l.variants[i].name == l.speedup_against) speedup_against_ = i;
  rebuild(false);
}

void lesson_page::guess_in(bool locked) {
  if (locked)
    prediction_.lock(!lesson_.predict.choices.empty());
  else
    prediction_.skip();
  runs_.hold_real_start(false);
  runs_.play();
}

void lesson_page::skip_question() { guess_in(false); }

bool lesson_page::answer_question(const std::string& guess) {
  char* end = nullptr;
  const double v = std::strtod(guess.c_str(), &end);
  if (guess.empty() || end != guess.c_str() + guess.size() || !std::isfinite(v)) return false;
  if (lesson_.predict.choices.empty()) {
    prediction_.guess = static_cast<float>(v);
  } else {
    const int choice = static_cast<int>(v) - 1;  // as shown: the first choice is 1
    if (choice < 0 || choice >= static_cast<int>(lesson_.predict.choices.size()) || choice + 1 != v) return false;
    prediction_.choice = choice;
  }
  guess_in(true);
  return true;
}

void lesson_page::rebuild(bool keep_cursor) {
  if (!keep_cursor) selected_.reset();
  const lessons::lesson* l = &lesson_;
  const bool twin = twin_of_ && show_twin_;
  runs_.reset(run_plan{lesson_.variants.size() + (twin ? 1 : 0),
                       [l, v = values_, runner = twin_, of = twin_of_](
                           std::size_t i, clock_kind clock) -> std::unique_ptr<scenario_run> {
                         if (i == l->variants.size()) return runner(*l, l->variants[*of].name, v);
                         lessons::run_setup s;
                         s.loop.clock = clock;
                         s.live = clock == clock_kind::real_clock;  // watched as it happens
                         return lessons::make_run(*l, l->variants[i], v, s);
                       },
                       {}},
              keep_cursor);
  // Predict first: nothing plays until the guess is in (or skipped).
  if (prediction_.asking()) {
    runs_.hold_real_start(true);
    runs_.pause();
  }
  chart_noted_ = false;
}

bool lesson_page::answered() const {
  return runs_.finished() && !runs_.preparing() && runs_.size() >= lesson_.variants.size();
}

lessons::outcomes lesson_page::outcomes() const {
  lessons::outcomes o;
  for (std::size_t i = 0; i < lesson_.variants.size() && i < runs_.size(); ++i) o.add(runs_.run(i), runs_.metrics(i));
  return o;
}

// "CPython agrees: 2 tasks, same states, same ends, same order", computed
// from the twin's run and its variant's, once both are over.
std::string lesson_page::twin_badge() const {
  const std::size_t twin = lesson_.variants.size();
  if (!twin_of_ || runs_.size() <= twin || !answered()) return {};
  const scenario_run& engine = runs_.run(*twin_of_);
  return compare_runs(engine, runs_.metrics(*twin_of_), runs_.run(twin), runs_.metrics(twin),
                      options_for(engine, runs_.metrics(*twin_of_)))
      .badge();
}

std::optional<double> lesson_page::answer() const {
  if (!answered()) return std::nullopt;
  return lessons::answer_of(lesson_, outcomes());
}

std::string lesson_page::why() const {
  if (!answered() || !lesson_.predict.why) return {};
  try {
    return lesson_.predict.why(outcomes());
  } catch (const std::exception&) {
    return {};  // a figure the run did not get to report: no sentence rather than a wrong one
  }
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

void lesson_page::draw_header(lesson_nav& nav, bool has_previous, bool has_next) {
  ImGui::AlignTextToFramePadding();
  ImGui::Text("Lesson %d: %s", lesson_.number, lesson_.title.c_str());
  const ImGuiStyle& style = ImGui::GetStyle();
  auto button_w = [&](const char* label) { return ImGui::CalcTextSize(label).x + style.FramePadding.x * 2; };
  const float buttons =
      button_w("< Previous") + button_w("Next >") + button_w("Open the sandbox") + style.ItemSpacing.x * 2;
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - buttons));
  ImGui::BeginDisabled(!has_previous);
  nav.previous = ImGui::Button("< Previous");
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!has_next);
  nav.next = ImGui::Button("Next >");
  ImGui::EndDisabled();
  ImGui::SameLine();
  nav.sandbox = ImGui::Button("Open the sandbox");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(lesson_.sandbox ? "This lesson's work in the sandbox, every knob free"
                                      : "Every knob free: any workload, any strategy");
  if (nav.sandbox && lesson_.sandbox) {
    auto carried = lesson_.sandbox(values_);
    if (!carried.work.invalid()) nav.carried = std::move(carried);
  }
}

std::optional<png_request> lesson_page::draw(double wall_dt, bool dark, lesson_nav& nav, bool has_previous,
                                             bool has_next) {
  const palette& p = colors(dark);
  runs_.tick(wall_dt);
  nav.completed = runs_.finished() && prediction_.reveals();
  ImGui::PushID(lesson_.id.c_str());  // each page its own scroll positions and tabs
  draw_header(nav, has_previous, has_next);
  const bool held = prediction_.asking();

  // Left: the texts over the setup and the question. Right: the runs.
  const float em = ImGui::GetFontSize() / 16;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float left_w = std::clamp(avail.x * 0.34f, 300 * em, 560 * em);
  ImGui::BeginChild("##left", ImVec2(left_w, 0), false);
  // Where every task is at the cursor: lines of the C++ (the engine's
  // variants) and of the Python (the CPython twin).
  // A lane hovered in the timeline picks out its line; a marked line
  // hovered picks out its lanes.
  std::vector<marked_run> engine_runs, twin_runs;
  std::vector<std::size_t> engine_index, twin_index;  // each one's place in runs_
  for (std::size_t i = 0; i < runs_.size(); ++i)
    if (runs_.started(i)) {
      const bool engine = i < lesson_.variants.size();
      (engine ? engine_runs : twin_runs).push_back({&runs_.run(i), &runs_.lanes(i)});
      (engine ? engine_index : twin_index).push_back(i);
    }
  const auto hovered_lane = body_.hovered_lane();
  std::vector<code_mark> engine_marks = marks_at(engine_runs, runs_.cursor());
  std::vector<code_mark> twin_marks = marks_at(twin_runs, runs_.cursor());
  auto notes = [&](const std::vector<code_mark>& marks, const std::vector<marked_run>& runs,
                   const std::vector<std::size_t>& index) {
    std::vector<line_note> out = notes_of(marks, runs, p);
    std::vector<timeline_view::lane_ref> lanes;
    for (const auto& lane : {hovered_lane, selected_})
      if (lane) lanes.push_back(*lane);
    emphasize(out, marks, index, lanes);
    return out;
  };
  // The Loop tab shows the loop and the code under it: it takes more room.
  const float texts_h = ImGui::GetContentRegionAvail().y * (texts_.loop_open() ? 0.66f : 0.46f);
  loop_pick loop_picked;
  const auto hovered_line =
      texts_.draw(0, std::max(texts_h, 140 * em), p, prediction_.reveals(),
                  notes(engine_marks, engine_runs, engine_index), notes(twin_marks, twin_runs, twin_index),
                  [&] { loop_picked = draw_loop_panel(runs_, p, selected_, prediction_.asking()); });
  if (loop_picked.clicked) selected_ = loop_picked.clicked == selected_ ? std::nullopt : loop_picked.clicked;
  if (selected_ && (selected_->variant >= runs_.size() || !runs_.started(selected_->variant))) selected_.reset();
  std::vector<timeline_view::lane_ref> picked = hovered_line.python
                                                    ? lanes_at_line(twin_marks, twin_index, hovered_line.line)
                                                    : lanes_at_line(engine_marks, engine_index, hovered_line.line);
  if (loop_picked.hovered) picked.push_back(*loop_picked.hovered);
  if (selected_) picked.push_back(*selected_);
  body_.set_highlight(std::move(picked));
  body_.set_selected(selected_);
  ImGui::BeginChild("##side", ImVec2(0, 0), true);
  const bool changed = params_.draw(lesson_, values_, lesson_.real_clock_only, p);
  ImGui::Separator();
  const predict_request asked = predict_.draw(lesson_.predict, prediction_, answered(), answer(), why(), p);
  ImGui::EndChild();
  ImGui::EndChild();
  if (changed) {
    prediction_.settings_changed();  // a guess for other settings no longer stands
    rebuild(true);
  }
  if (asked.lock) guess_in(true);
  if (asked.skip) guess_in(false);
  if (asked.again) {
    prediction_.ask_again();
    runs_.hold_real_start(true);
    runs_.restart();
    runs_.pause();
  }

  ImGui::SameLine();
  ImGui::BeginChild("##right", ImVec2(0, 0), false);
  const bool concealed = prediction_.asking();
  playback_request play = playback_.draw(runs_, held);
  play |= playback_bar::keys(held);
  if (held) {
    // Only the clock may change while the question is open; nothing plays.
    playback_request only_clock;
    only_clock.real_clock = play.real_clock;
    play = only_clock;
  }
  runs_.apply(play);
  if (held) runs_.pause();
  draw_addresses();
  if (twin_of_) {
    if (ImGui::Checkbox("CPython beside", &show_twin_)) rebuild(true);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "The %s variant's Python twin, run by CPython under the tracer on the virtual clock, drawn "
          "under the C++ runs on the same axis",
          lesson_.variants[*twin_of_].name.c_str());
    if (const std::string badge = prediction_.reveals() ? twin_badge() : std::string(); !badge.empty()) {
      ImGui::SameLine();
      ImGui::TextColored(vec(badge.find("agrees") != std::string::npos ? p.ok : p.warn), "%s", badge.c_str());
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Compared task by task with the %s variant", lesson_.variants[*twin_of_].name.c_str());
    }
  }
  if (lesson_.chart && !chart_noted_ && runs_.finished() && !runs_.preparing()) {
    chart_.note(runs_, values_[lesson_.chart->x_param], lesson_.chart->y_figure);
    chart_noted_ = true;
  }

  runs_options o;
  o.conceal = concealed;
  o.speedup_against = speedup_against_;
  o.code = lesson_.code;
  runs_request r;
  if (lesson_.chart && !concealed) {
    const lessons::param* xp = nullptr;
    for (const auto& param : lesson_.params)
      if (param.name == lesson_.chart->x_param) xp = &param;
    const auto names = lesson_.variant_names();
    r = body_.draw(
        runs_, dark,
        [&](float w, float h) {
          if (xp != nullptr) chart_.draw(*lesson_.chart, *xp, names, w, h, p);
        },
        o);
  } else if (lesson_.bars && !concealed) {
    r = body_.draw(
        runs_, dark, [&](float w, float h) { bars_.draw(*lesson_.bars, runs_, w, h, p); }, o);
  } else {
    r = body_.draw(runs_, dark, {}, o);
  }
  ImGui::EndChild();
  ImGui::PopID();
  if (r.cancel) runs_.cancel(r.cancel->variant, r.cancel->lane);
  if (r.export_trace) runs_.set_notice(runs_.export_trace(*r.export_trace));
  return r.png;
}

}  // namespace loopscope::gui
