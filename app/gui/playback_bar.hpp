// The playback bar: play / pause, step, end, restart, the speed, the clock,
// and where the cursor is; and the keys that do the same.
#pragma once

#include "app/gui/run_set.hpp"

namespace loopscope::gui {

class playback_bar {
 public:
  // `held`: a guess is asked for first: nothing plays, no time is shown.
  // `clock`: with the choice of clock (a traced script has its own).
  playback_request draw(const run_set& runs, bool held = false, bool clock = true);
  // Space, Right arrow, R (unless a text field has the keyboard).
  static playback_request keys(bool held = false);
};

}  // namespace loopscope::gui
