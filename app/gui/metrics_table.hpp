// The metrics of every run, a row each: makespan, speedup, concurrency, how
// busy the loop was, time spent ready, the longest slice and its warnings.
#pragma once

#include "app/gui/run_set.hpp"
#include "app/gui/theme.hpp"

namespace loopscope::gui {

class metrics_table {
 public:
  void draw(const run_set& runs, const palette& p);
};

}  // namespace loopscope::gui
