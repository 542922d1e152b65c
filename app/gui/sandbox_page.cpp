#include "app/gui/sandbox_page.hpp"

#include <imgui.h>

#include <algorithm>
#include <utility>

#include "core/shown_source.hpp"

namespace loopscope::gui {

sandbox_page::sandbox_page() : code_tokens_(highlight(sandbox_code().code, code_language::cpp)) { rebuild(false); }

void sandbox_page::configure(workload w, bool real_clock) {
  form_.load(std::move(w));
  runs_.set_real_clock(real_clock);
  rebuild(false);
}

void sandbox_page::set_strategies(std::vector<strategy> s) {
  if (s.empty()) return;
  if (s.size() > workload_editor::max_panels) s.resize(workload_editor::max_panels);
  strategies_ = std::move(s);
  rebuild(false);
}

void sandbox_page::rebuild(bool keep_cursor) {
  const workload w = form_.effective();
  runs_.reset(run_plan{strategies_.size(),
                       [w, strategies = strategies_](std::size_t i, clock_kind clock) -> std::unique_ptr<scenario_run> {
                         loop_options options;
                         options.clock = clock;
                         auto run = make_sandbox(strategies[i], w, options);
                         const shown_source& code = sandbox_code();
                         run->show_code({std::string(code.file), code.first_line, code.lines()});
                         return run;
                       },
                       [w] { return std::optional<nanos>(sequential_makespan(w)); }},
              keep_cursor);
}

std::optional<png_request> sandbox_page::draw(double wall_dt, bool dark) {
  const palette& p = colors(dark);
  runs_.tick(wall_dt);
  ImGui::TextUnformatted("Sandbox");
  ImGui::TextWrapped(
      "One workload, run under several strategies at once on one time axis. Every task sleeps for its duration; "
      "make some block the loop, burn CPU, fail or time out, and watch what each strategy does with it.");
  const workload_edit edit = editor_.draw(form_, strategies_, p);
  if (edit.changed) rebuild(!edit.shape);
  draw_code_section(p);
  playback_request play = playback_.draw(runs_);
  play |= playback_bar::keys();
  runs_.apply(play);
  runs_options o;
  o.code = sandbox_code().code;
  runs_request r = body_.draw(runs_, dark, {}, o);
  if (r.cancel) runs_.cancel(r.cancel->variant, r.cancel->lane);
  if (r.export_trace) runs_.set_notice(runs_.export_trace(*r.export_trace));
  return r.png;
}

void sandbox_page::draw_code_section(const palette& p) {
  if (code_open_) ImGui::SetNextItemOpen(*std::exchange(code_open_, std::nullopt));
  const bool open = ImGui::CollapsingHeader("Code: where each task is");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("The coroutines each strategy runs. At the cursor, every task's line is marked.");
  if (!open) {  // where the tasks are is worked out only while it is seen
    body_.set_highlight({});
    return;
  }
  std::vector<marked_run> runs;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < runs_.size(); ++i)
    if (runs_.started(i)) {
      runs.push_back({&runs_.run(i), &runs_.lanes(i)});
      index.push_back(i);
    }
  const std::vector<code_mark> marks = marks_at(runs, runs_.cursor());
  std::vector<line_note> notes = notes_of(marks, runs, p);
  if (const auto& hovered_lane = body_.hovered_lane()) emphasize(notes, marks, index, {*hovered_lane});
  draw_notes_summary(notes);
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const float h = std::clamp(ImGui::GetContentRegionAvail().y * 0.35f, line_h * 5, line_h * 16);
  ImGui::BeginChild("##sandbox_code", ImVec2(0, h), true, ImGuiWindowFlags_HorizontalScrollbar);
  const int hovered = draw_code(sandbox_code().code, code_tokens_, p, notes, notes_moved(notes, code_lines_));
  ImGui::EndChild();
  body_.set_highlight(lanes_at_line(marks, index, hovered));
}

}  // namespace loopscope::gui
