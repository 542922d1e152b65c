// The sandbox page: one workload, up to four strategies side by side, every
// knob of `loopscope run` as a control, playback on the virtual clock or a
// live run on the real one.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/gui/timeline_model.hpp"
#include "app/gui/timeline_view.hpp"
#include "core/metrics.hpp"
#include "core/sandbox.hpp"

namespace loopscope {
class pacer;
}

namespace loopscope::gui {

// What the page asks of the window around it.
struct page_requests {
  bool save_png = false;  // capture the timeline region after this frame
  std::string png_path;
  float png_x0 = 0, png_y0 = 0, png_x1 = 0, png_y1 = 0;
};

class sandbox_page {
 public:
  static constexpr int max_panels = 4;

  sandbox_page();
  ~sandbox_page();

  // Draws the page into the current window. `wall_dt`: seconds since the
  // last frame, for playback.
  page_requests draw(double wall_dt, bool dark);

  // Headless and tests: jump the cursor (virtual clock) and stop playing.
  void seek(nanos t);
  void run_to_end();
  void set_playing(bool on);
  void set_status(std::string text, bool ok);
  nanos cursor() const;
  bool finished() const { return ended_; }
  const std::vector<strategy>& strategies() const { return strategies_; }
  void set_strategies(std::vector<strategy> s);
  // Sets the workload and the clock, and runs again from the start.
  void configure(workload w, bool real_clock);
  void rebuild(bool keep_cursor);

 private:
  struct panel;

  void draw_controls();
  void draw_playback();
  void draw_metrics();
  page_requests draw_export();
  void sync_panels();
  workload effective_workload() const;

  std::vector<strategy> strategies_{strategy::sequential, strategy::gather, strategy::bounded};
  workload work_;
  int spread_percent_ = 0;
  std::string durations_text_;  // an explicit list, as --durations takes it
  std::string durations_note_;
  bool real_clock_ = false;
  std::vector<std::unique_ptr<panel>> panels_;
  std::unique_ptr<pacer> pacer_;
  nanos sequential_ = 0;
  nanos end_ = 0;
  bool ended_ = false;
  timeline_view timeline_;
  std::string clamp_note_;
  std::string trace_path_ = "loopscope-trace.json";
  std::string png_path_ = "loopscope-timeline.png";
  std::string export_status_;
  bool export_ok_ = true;
};

}  // namespace loopscope::gui
