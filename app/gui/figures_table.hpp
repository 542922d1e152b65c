// What runs that measure themselves report (lessons 9 and 10): a row per
// figure, a column per variant, with the loop's busy share and longest
// slice below them.
#pragma once

#include "app/gui/run_set.hpp"
#include "app/gui/theme.hpp"

namespace loopscope::gui {

class figures_table {
 public:
  void draw(const run_set& runs, const palette& p);
};

}  // namespace loopscope::gui
