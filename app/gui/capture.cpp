#include "app/gui/capture.hpp"

namespace loopscope::gui {

bool screenshot_plan::frame(run_set& runs) {
  // A real-clock lesson then measures a process done starting its renderer.
  if (!primed_ && frames_ >= 2 && !runs.preparing()) {
    if (!drive_)
      ;  // as it is
    else if (at_)
      runs.seek(*at_);
    else
      runs.run_to_end();
    primed_ = true;
  }
  ++frames_;
  // A run that could not be set up has nothing to wait for.
  const bool due =
      primed_ && !runs.preparing() &&
      (!drive_ || !runs.real_clock() || runs.finished() || runs.size() == 0 || (at_ && runs.cursor() >= *at_));
  return frames_ >= 4 && due;
}

}  // namespace loopscope::gui
