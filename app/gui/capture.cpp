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
    primed_at_ = frames_;
  }
  ++frames_;
  // A run that could not be set up has nothing to wait for.
  const bool due =
      primed_ && !runs.preparing() &&
      (!drive_ || !runs.real_clock() || runs.finished() || runs.size() == 0 || (at_ && runs.cursor() >= *at_));
  // The picture is a frame drawn after the runs were driven.
  return frames_ >= 4 && frames_ > primed_at_ + 1 && due;
}

}  // namespace loopscope::gui
