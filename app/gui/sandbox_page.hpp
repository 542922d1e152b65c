// The sandbox page: one workload, up to four strategies side by side, every
// knob of `loopscope run` as a control.
#pragma once

#include <optional>
#include <vector>

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

  // Sets the workload and the clock, and runs again from the start.
  void configure(workload w, bool real_clock);
  void set_strategies(std::vector<strategy> s);
  run_set& runs() { return runs_; }

 private:
  void rebuild(bool keep_cursor);

  std::vector<strategy> strategies_{strategy::sequential, strategy::gather, strategy::bounded};
  workload_form form_;
  run_set runs_;
  workload_editor editor_;
  playback_bar playback_;
  runs_view body_;
};

}  // namespace loopscope::gui
