#include "app/gui/sandbox_page.hpp"

#include <imgui.h>

namespace loopscope::gui {

sandbox_page::sandbox_page() { rebuild(false); }

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
                         return make_sandbox(strategies[i], w, options);
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
  playback_request play = playback_.draw(runs_);
  play |= playback_bar::keys();
  runs_.apply(play);
  runs_request r = body_.draw(runs_, dark);
  if (r.cancel) runs_.cancel(r.cancel->variant, r.cancel->lane);
  if (r.export_trace) runs_.set_notice(runs_.export_trace(*r.export_trace));
  return r.png;
}

}  // namespace loopscope::gui
