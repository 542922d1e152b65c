// The timeline: every variant's lanes stacked on one shared time axis.
// Draws from plain data (lane stores, metrics); returns what the user asked
// for (a task to cancel) instead of acting on the runtime itself.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/gui/timeline_model.hpp"
#include "core/scenario.hpp"

namespace loopscope::gui {

struct variant_view {
  std::string title;
  const lane_store* lanes = nullptr;
  const density_steps* density = nullptr;  // shown instead of lanes past max_lanes
  nanos finish = -1;                       // when its last task ended, if it has
  const std::vector<std::pair<nanos, int>>* concurrency = nullptr;
  int peak = 0;
  // The awaiter's outcome, on its lane: when main() returned or raised, and
  // what it raised ("RuntimeError: call 2 failed"; empty when it returned).
  lane_id main_lane = no_lane;
  nanos returned = -1;
  std::string raised;
  // Where a wait was awaited, said in the tooltip: the run (its sites, and
  // the shown code's lines) and the code a learner reads, if any.
  const scenario_run* run = nullptr;
  std::string_view code;
};

// Where a variant's header was drawn this frame (window coordinates): the
// layout tests check every one is inside the window.
struct header_rect {
  std::string title;
  float x0, y0, x1, y1;
  bool visible;  // inside the timeline's visible area, not scrolled away
};

class timeline_view {
 public:
  static constexpr std::size_t max_lanes = 200;  // per variant; more become a density band

  struct cancel_request {
    std::size_t variant;
    lane_id lane;
  };
  // A lane of a variant: the one under the mouse; those to pick out.
  struct lane_ref {
    std::size_t variant;
    lane_id lane;
    bool operator==(const lane_ref&) const = default;
  };
  // The lane the mouse was over at the last draw, if any.
  const std::optional<lane_ref>& hovered_lane() const { return hovered_lane_; }
  // Lanes drawn picked out at the next draw (the tasks at a hovered line of
  // code).
  void set_highlight(std::vector<lane_ref> lanes) { highlight_ = std::move(lanes); }
  // The lane selected (in the loop panel): drawn outlined, and scrolled
  // into view when it changes.
  void set_selected(std::optional<lane_ref> lane) {
    if (lane != selected_) follow_selected_ = lane.has_value();
    selected_ = lane;
  }

  // Draws into the rest of the current window. `cursor`: nothing after it is
  // drawn; `end`: what F fits. `dark`: the theme's palette. `conceal`: a
  // prediction is being asked for: no times on the ruler, no finish labels.
  // Lanes are as tall as lets every variant fit (within bounds).
  std::optional<cancel_request> draw(const std::vector<variant_view>& variants, nanos cursor, nanos end, bool dark,
                                     bool cancellable, bool conceal = false);
  const std::vector<header_rect>& headers() const { return headers_; }

  // The ruler dragged (or clicked) this frame: the time under the mouse,
  // and whether the button was let go (the end of the drag).
  struct scrub_request {
    nanos t;
    bool released;
  };
  const std::optional<scrub_request>& scrub() const { return scrub_; }

  void request_fit() { fit_pending_ = true; }

  // The height that shows every variant with its lanes at full height
  // (and, where a variant has more than max_lanes, its density band).
  float natural_height(const std::vector<variant_view>& variants) const;

 private:
  void handle_input(float canvas_x0, float canvas_w, nanos end);

  time_axis axis_;
  bool fit_pending_ = true;
  float lane_h_ = 18;
  std::vector<lane_item> items_;  // one lane's items, reused every lane
  lane_item hover_{};             // the item under the mouse this frame
  float drag_prev_ = 0;           // drag so far, as last applied
  std::vector<header_rect> headers_;
  std::vector<bool> dense_;  // per variant this frame: a density band instead of lanes
  std::optional<scrub_request> scrub_;
  std::optional<lane_ref> hovered_lane_;
  std::vector<lane_ref> highlight_;
  std::optional<lane_ref> selected_;
  bool follow_selected_ = false;
  bool scrubbing_ = false;
};

}  // namespace loopscope::gui
