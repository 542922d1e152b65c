// The "Loop" tab: for each variant, the loop at the cursor: who holds it,
// its ready queue in order, its timers by deadline, what the other tasks
// wait for, and the last slice it ran. Each task named there can be
// picked: hovered, its lane is picked out in the timeline; clicked, it is
// selected (clicked again, let go).
#pragma once

#include <cstddef>
#include <optional>

#include "app/gui/run_set.hpp"
#include "app/gui/theme.hpp"
#include "app/gui/timeline_view.hpp"

namespace loopscope::gui {

struct loop_pick {
  std::optional<timeline_view::lane_ref> hovered;
  std::optional<timeline_view::lane_ref> clicked;
};

// `conceal`: a guess is asked for: nothing ahead of the cursor (when a
// timer will fire) is told.
loop_pick draw_loop_panel(const run_set& runs, const palette& p,
                          const std::optional<timeline_view::lane_ref>& selected = std::nullopt, bool conceal = false);

}  // namespace loopscope::gui
