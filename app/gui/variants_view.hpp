// Variants side by side: runs them (paced on the virtual clock, live on the
// real one), and draws the playback bar, the shared timeline, the metrics
// and the exports. The sandbox and every lesson page drive one of these.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/gui/timeline_model.hpp"
#include "app/gui/timeline_view.hpp"
#include "core/metrics.hpp"
#include "core/scenario.hpp"

namespace loopscope {
class pacer;
struct loop_options;
}  // namespace loopscope

namespace loopscope::gui {

// What a page asks of the window around it.
struct page_requests {
  bool save_png = false;  // capture the timeline region after this frame
  std::string png_path;
  float png_x0 = 0, png_y0 = 0, png_x1 = 0, png_y1 = 0;
};

class variants_view {
 public:
  using factory = std::function<std::unique_ptr<scenario_run>(std::size_t variant, const loop_options&)>;

  variants_view();
  ~variants_view();

  // Runs `count` variants made by `make`, from the start. `reference`: the
  // makespan speedups are measured against, if any. `keep_cursor`: run the
  // new variants up to where the old ones were shown (a slider moved).
  void reset(std::size_t count, factory make, std::optional<nanos> reference, bool keep_cursor);
  void restart() { reset(count_, make_, reference_, false); }
  // Lessons that only make sense measured for real: no virtual clock, no
  // toggle. `in_turn`: variants run one after another (each measures the
  // whole process), the next one starting when the previous main is done.
  void set_real_only(bool in_turn);
  // On the real clock, runs start only when play is pressed (predict first).
  void hold_real_start(bool hold) { hold_ = hold; }

  void tick(double wall_dt);  // playback, then read what the loops wrote
  void handle_keys();         // Space, Right, R
  void draw_playback();
  // Timeline, metrics (or the runs' own figures), exports. `beside`, if
  // given, draws next to the figures table in a box of the given size.
  page_requests draw_body(bool dark, const std::function<void(float width, float height)>& beside = {});

  void seek(nanos t);
  void run_to_end();
  void set_playing(bool on);
  void set_real_clock(bool real);
  bool real_clock() const { return real_clock_; }
  nanos cursor() const;
  bool finished() const { return ended_; }
  // Whether the picture changes without input: playing, or a live real-clock run.
  bool animating() const;
  void set_status(std::string text, bool ok);

  // The runs and their metrics, for a lesson's answer.
  std::size_t size() const;
  const scenario_run& run(std::size_t i) const;
  const run_metrics& metrics(std::size_t i) const;

 private:
  struct panel;
  void sync();
  void start_pending();  // real clock: start the loops not yet started (one, when in turn)
  void draw_figures(float height, const std::vector<std::vector<figure>>& figures,
                    const std::function<void(float, float)>& beside);

  std::size_t count_ = 0;
  factory make_;
  std::optional<nanos> reference_;
  bool real_clock_ = false;
  bool real_only_ = false;
  bool in_turn_ = false;
  bool hold_ = false;
  std::size_t next_start_ = 0;  // real clock: panels below this have been started
  std::vector<std::unique_ptr<panel>> panels_;
  std::unique_ptr<pacer> pacer_;
  nanos end_ = 0;
  bool ended_ = false;
  timeline_view timeline_;
  std::string trace_path_ = "loopscope-trace.json";
  std::string png_path_ = "loopscope-timeline.png";
  std::string status_;
  bool status_ok_ = true;
};

}  // namespace loopscope::gui
