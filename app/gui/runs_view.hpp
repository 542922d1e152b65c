// The runs of a page, drawn: every variant's lanes on one time axis, their
// metrics (or, for runs that measure themselves, their figures, with a
// chart beside them), and the export row. It only asks; the page acts.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/gui/export_bar.hpp"
#include "app/gui/figures_table.hpp"
#include "app/gui/metrics_table.hpp"
#include "app/gui/run_set.hpp"
#include "app/gui/timeline_view.hpp"

namespace loopscope::gui {

// How the runs are shown.
struct runs_options {
  // A prediction is being asked for: nothing that gives the answer away
  // (times, makespans, figures).
  bool conceal = false;
  // The run the speedups are measured against (a lesson's "sequential");
  // none: the run set's own reference, if any.
  std::optional<std::size_t> speedup_against;
  std::string_view code;  // the code the learner reads, for the lines waits are at
};

struct runs_request {
  std::optional<timeline_view::cancel_request> cancel;
  std::optional<std::string> export_trace;  // to this path
  std::optional<png_request> png;
};

class runs_view {
 public:
  // `beside`, if given, draws next to the figures table in a box of the
  // given size (a chart).
  runs_request draw(run_set& runs, bool dark, const std::function<void(float width, float height)>& beside = {},
                    const runs_options& o = {});
  const std::vector<header_rect>& headers() const { return timeline_.headers(); }
  const std::optional<timeline_view::lane_ref>& hovered_lane() const { return timeline_.hovered_lane(); }
  void set_highlight(std::vector<timeline_view::lane_ref> lanes) { timeline_.set_highlight(std::move(lanes)); }
  void set_selected(std::optional<timeline_view::lane_ref> lane) { timeline_.set_selected(lane); }

  // The picture Save PNG writes, drawn into the current window (made as
  // large as picture_height() says): the timeline as last drawn (its zoom
  // and pan, its cursor), with every lane at full height and no scrollbar,
  // and its legend under it.
  float picture_height() const;
  void draw_picture(const run_set& runs, bool dark) const;
  float timeline_width() const { return timeline_width_; }  // on screen, at the last draw

 private:
  timeline_view timeline_;
  metrics_table metrics_;
  figures_table figures_;
  export_bar exports_;
  std::vector<variant_view> views_;  // reused every frame
  float legend_h_ = 0;
  bool conceal_ = false;  // as at the last draw
  float timeline_width_ = 0;
};

}  // namespace loopscope::gui
