// When a screenshot is taken (loopscope --screenshot): the layout settles
// for a couple of frames, the runs are then driven to the time asked for
// (or to their end), and on the real clock the picture waits until that
// time has really passed. No ImGui here.
#pragma once

#include <optional>

#include "app/gui/run_set.hpp"

namespace loopscope::gui {

class screenshot_plan {
 public:
  // `drive`: false shows the runs as they are (a question still open).
  screenshot_plan(std::optional<nanos> at, bool drive) : at_(at), drive_(drive) {}
  // Once a frame, after it is drawn: drives the runs shown when it is time;
  // true when this frame is the picture.
  bool frame(run_set& runs);

 private:
  std::optional<nanos> at_;
  bool drive_ = true;
  int frames_ = 0;
  bool primed_ = false;
  int primed_at_ = 0;
};

}  // namespace loopscope::gui
