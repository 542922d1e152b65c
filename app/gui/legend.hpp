// What the timeline's colours and marks mean: a row under the timeline,
// and a list in the help.
#pragma once

#include "app/gui/theme.hpp"

namespace loopscope::gui {

// Flows across the current width, wrapping where it must.
void draw_legend_row(const palette& p);
// One entry a line, with a sentence each.
void draw_legend_list(const palette& p);

}  // namespace loopscope::gui
