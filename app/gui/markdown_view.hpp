// Lesson prose, drawn: parsed Markdown blocks wrapped to the current width.
#pragma once

#include <vector>

#include "app/gui/markdown.hpp"
#include "app/gui/theme.hpp"

namespace loopscope::gui {

void draw_markdown(const std::vector<md_block>& blocks, const palette& p);

}  // namespace loopscope::gui
