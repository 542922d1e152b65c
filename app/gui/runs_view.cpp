#include "app/gui/runs_view.hpp"

#include <imgui.h>

#include <algorithm>

#include "app/gui/legend.hpp"

namespace loopscope::gui {

namespace {

std::string title_of(const run_set& runs, std::size_t i, bool conceal) {
  const scenario_run& run = runs.run(i);
  std::string title = run.variant();
  if (conceal) return title;
  if (runs.ended_by_cursor(i)) title += " — makespan " + format_seconds(runs.metrics(i).makespan);
  if (const std::string incident = run.incident(); !incident.empty()) title.append(" — ").append(incident);
  if (const auto at = run.reachable_at()) title.append(at->open ? " — serving on " : " — served on ").append(at->url);
  return title;
}

}  // namespace

runs_request runs_view::draw(run_set& runs, bool dark, const std::function<void(float, float)>& beside,
                             const runs_options& o) {
  const palette& p = colors(dark);
  views_.resize(runs.size());
  std::size_t figure_rows = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    variant_view& v = views_[i];
    v.title = title_of(runs, i, o.conceal);
    v.lanes = &runs.lanes(i);
    v.density = &runs.density(i);
    v.finish = runs.ended_by_cursor(i) ? runs.metrics(i).makespan : -1;
    v.concurrency = &runs.metrics(i).concurrency;
    v.peak = runs.metrics(i).peak_concurrency;
    const scenario_run& run = runs.run(i);
    v.main_lane = run.main_lane();
    v.returned = !o.conceal && runs.returned_by_cursor(i) ? run.returned() : -1;
    v.raised = v.returned >= 0 ? run.error_text() : std::string();
    v.run = &run;
    v.code = o.code;
    figure_rows = std::max(figure_rows, runs.figures(i).size());
  }

  // The timeline takes what is left above the metrics and export rows. Runs
  // that measure themselves show their figures (a row each) instead.
  const bool measured = runs.real_only();
  if (measured) figure_rows = std::max<std::size_t>(figure_rows, 8) + 3;
  const float row_h = ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y;
  const float figures_h = row_h * static_cast<float>(figure_rows) + 8;
  const float line = ImGui::GetFrameHeightWithSpacing();
  // The legend's height as it wrapped last frame.
  const float bottom =
      legend_h_ + (measured ? figures_h + line * 1.4f : row_h * (1.0f + static_cast<float>(runs.size())) + line * 1.4f);
  const float timeline_h = std::max(ImGui::GetContentRegionAvail().y - bottom, 160.0f);

  runs_request r;
  ImGui::BeginChild("##timeline", ImVec2(0, timeline_h), true);
  // A real-only run has no known end: the view follows it while it runs.
  const nanos end = measured ? std::max<nanos>(runs.cursor(), 1'000'000) : runs.end();
  if (runs.take_fit_request() || (measured && runs.started(0) && !runs.finished() && !runs.waiting_to_start()))
    timeline_.request_fit();
  r.cancel = timeline_.draw(views_, runs.cursor(), end, dark, !runs.finished() && !o.conceal, o.conceal);
  // The ruler dragged: forward at once; back (the runs made again and
  // replayed, where they are not recordings) once the button is let go.
  if (const auto& s = timeline_.scrub(); s && !runs.real_clock()) {
    if (s->t >= runs.cursor() || runs.recorded() || s->released) runs.travel_to(s->t);
  }
  ImGui::EndChild();
  const float tl_width = ImGui::GetItemRectSize().x;
  timeline_width_ = tl_width;

  const float legend_top = ImGui::GetCursorPosY();
  draw_legend_row(p);
  legend_h_ = ImGui::GetCursorPosY() - legend_top;
  if (o.conceal) {
    // The table would give the answer away: its rows appear after the run.
    ImGui::BeginChild("##concealed", ImVec2(0, measured ? figures_h : row_h * (1.0f + runs.size())), false);
    ImGui::TextDisabled("The figures appear here once you have made your guess and the run has played.");
    ImGui::EndChild();
  } else if (measured) {
    const float width = ImGui::GetContentRegionAvail().x * (beside ? 0.62f : 1.0f);
    ImGui::BeginChild("##figures", ImVec2(width, figures_h), false);
    figures_.draw(runs, p);
    ImGui::EndChild();
    if (beside) {
      ImGui::SameLine();
      const float w = ImGui::GetContentRegionAvail().x;
      ImGui::BeginChild("##beside", ImVec2(w, figures_h), false);
      beside(w, figures_h);
      ImGui::EndChild();
    }
    ImGui::Spacing();
  } else {
    metrics_.draw(runs, p, o.speedup_against);
  }

  const export_request e = exports_.draw(runs.current_notice(), p);
  r.export_trace = e.trace;
  // The picture: the timeline and its legend under it, as wide as here.
  if (e.png) r.png = png_request{*e.png, tl_width};
  conceal_ = o.conceal;
  return r;
}

float runs_view::picture_height() const {
  return timeline_.natural_height(views_) + legend_h_ + 2 * ImGui::GetStyle().WindowPadding.y;
}

void runs_view::draw_picture(const run_set& runs, bool dark) const {
  timeline_view whole = timeline_;  // the same zoom, pan and cursor; its own layout
  whole.set_highlight({});
  whole.set_selected(std::nullopt);
  ImGui::BeginChild("##picture_timeline", ImVec2(0, timeline_.natural_height(views_)), false);
  const nanos end = runs.real_only() ? std::max<nanos>(runs.cursor(), 1'000'000) : runs.end();
  whole.draw(views_, runs.cursor(), end, dark, false, conceal_);
  ImGui::EndChild();
  draw_legend_row(colors(dark));
}

}  // namespace loopscope::gui
