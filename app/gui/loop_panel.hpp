// The "Loop" tab: for each variant, the loop at the cursor: who holds it,
// its ready queue in order, its timers by deadline, what the other tasks
// wait for, and the last slice it ran.
#pragma once

#include <cstddef>

#include "app/gui/run_set.hpp"
#include "app/gui/theme.hpp"

namespace loopscope::gui {

void draw_loop_panel(const run_set& runs, const palette& p);

}  // namespace loopscope::gui
