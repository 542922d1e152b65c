// The sandbox's controls: a strategy per panel and every knob of
// `loopscope run`.
#pragma once

#include <string>
#include <vector>

#include "app/gui/theme.hpp"
#include "app/gui/workload_form.hpp"

namespace loopscope::gui {

struct workload_edit {
  bool changed = false;  // run again
  bool shape = false;    // and the run's length changed: fit the timeline
};

class workload_editor {
 public:
  static constexpr int max_panels = 4;
  workload_edit draw(workload_form& form, std::vector<strategy>& strategies, const palette& p);

 private:
  // A task number being typed into a row: applied when the typing is done.
  struct typing {
    const char* row = nullptr;
    int task = 0, typed = 0;
  } typing_;
  std::string durations_typed_;
};

}  // namespace loopscope::gui
