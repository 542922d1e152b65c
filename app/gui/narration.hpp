// The run told in sentences, one per change of a task's state, up to a
// moment: "1.000 s · fetch page 3's timer fired: ready", "1.000 s · fetch
// page 3 resumed at line 18", "1.000 s · fetch page 3 waits for a timer at
// line 19, after running 2 µs". What the Loop tab's log shows, ending at
// the cursor, forward and back.
#pragma once

#include <string>
#include <vector>

#include "app/gui/code_marks.hpp"

namespace loopscope::gui {

struct narrated {
  nanos t = 0;
  lane_id lane = no_lane;
  lane_state state = lane_state::ready;
  std::uint8_t detail = 0;
  std::string text;  // with its time first
};

// The last `count` changes at or before `t`, oldest first. Only what the
// run has recorded by then is told.
std::vector<narrated> narrate(const marked_run& run, nanos t, std::size_t count);

}  // namespace loopscope::gui
