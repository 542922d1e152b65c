// The sidebar: the lessons (a check mark on those seen to the end), the
// sandbox, the theme, the help and the legend of the timeline's colours.
#pragma once

#include <string>

#include "app/gui/settings.hpp"
#include "app/gui/theme.hpp"

namespace loopscope::gui {

struct sidebar_request {
  std::string page;  // a page chosen, or empty
  bool help = false;
  bool theme_changed = false;  // settings.dark was toggled
};

class sidebar {
 public:
  // `notice`: a line at the bottom (no system font found), or empty.
  sidebar_request draw(settings& s, float width, const std::string& notice);
};

}  // namespace loopscope::gui
