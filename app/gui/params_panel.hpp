// A lesson's sliders, one per parameter. A value typed in (Ctrl+click) out
// of range is moved into it, with a note.
#pragma once

#include <string>
#include <vector>

#include "app/gui/theme.hpp"
#include "lessons/lesson.hpp"

namespace loopscope::gui {

class params_panel {
 public:
  // True when the values changed and the runs should be made again: at
  // once, or (`on_release`) when the slider is let go.
  bool draw(const lessons::lesson& l, lessons::values& v, bool on_release, const palette& p);

 private:
  std::vector<std::string> notes_;  // values that were moved into range
  bool pending_ = false;            // a value changed; not yet run
};

}  // namespace loopscope::gui
