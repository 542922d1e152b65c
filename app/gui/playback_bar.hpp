// The playback bar: play / pause, step, end, restart, the speed, the clock,
// and where the cursor is; and the keys that do the same.
#pragma once

#include "app/gui/run_set.hpp"

namespace loopscope::gui {

class playback_bar {
 public:
  playback_request draw(const run_set& runs);
  // Space, Right arrow, R (unless a text field has the keyboard).
  static playback_request keys();
};

}  // namespace loopscope::gui
