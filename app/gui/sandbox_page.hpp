// The sandbox page: one workload, up to four strategies side by side, every
// knob of `loopscope run` as a control.
#pragma once

#include <string>
#include <vector>

#include "app/gui/variants_view.hpp"
#include "core/sandbox.hpp"

namespace loopscope::gui {

class sandbox_page {
 public:
  static constexpr int max_panels = 4;

  sandbox_page();

  // Draws the page into the current window. `wall_dt`: seconds since the
  // last frame, for playback.
  page_requests draw(double wall_dt, bool dark);

  // Sets the workload and the clock, and runs again from the start.
  void configure(workload w, bool real_clock);
  void set_strategies(std::vector<strategy> s);
  variants_view& variants() { return variants_; }

 private:
  void draw_controls();
  void rebuild(bool keep_cursor);
  workload effective_workload() const;

  std::vector<strategy> strategies_{strategy::sequential, strategy::gather, strategy::bounded};
  workload work_;
  int spread_percent_ = 0;
  std::string durations_text_;  // an explicit list, as --durations takes it
  std::string durations_note_;
  std::string clamp_note_;
  variants_view variants_;
};

}  // namespace loopscope::gui
