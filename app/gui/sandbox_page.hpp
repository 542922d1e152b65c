// The sandbox page: one workload, up to four strategies side by side, every
// knob of `loopscope run` as a control.
#pragma once

#include <optional>
#include <vector>

#include "app/gui/code_view.hpp"
#include "app/gui/playback_bar.hpp"
#include "app/gui/run_set.hpp"
#include "app/gui/runs_view.hpp"
#include "app/gui/workload_editor.hpp"
#include "app/gui/workload_form.hpp"

namespace loopscope::gui {

class sandbox_page {
 public:
  sandbox_page();

  // Draws the page into the current window. `wall_dt`: seconds since the
  // last frame, for playback.
  std::optional<png_request> draw(double wall_dt, bool dark);
  const std::vector<header_rect>& headers() const { return body_.headers(); }
  const runs_view& view() const { return body_; }

  // Sets the workload and the clock, and runs again from the start.
  void configure(workload w, bool real_clock);
  void set_strategies(std::vector<strategy> s);
  run_set& runs() { return runs_; }
  // Opens (or closes) the code each task runs, marked where the tasks are.
  void show_code(bool open) { code_open_ = open; }

 private:
  void rebuild(bool keep_cursor);
  // The code each task runs, marked at the cursor; a hovered line picks out
  // its lanes, a hovered lane its line.
  void draw_code_section(const palette& p);

  std::vector<strategy> strategies_{strategy::sequential, strategy::gather, strategy::bounded};
  workload_form form_;
  run_set runs_;
  workload_editor editor_;
  playback_bar playback_;
  runs_view body_;
  std::optional<bool> code_open_;  // set from outside for the next draw
  std::vector<code_token> code_tokens_;
  std::vector<int> code_lines_;  // the marked lines at the last draw
};

}  // namespace loopscope::gui
