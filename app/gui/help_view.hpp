// The help: every key and mouse action, in a modal window (F1 or ?).
#pragma once

#include "app/gui/theme.hpp"

namespace loopscope::gui {

class help_view {
 public:
  void open() { open_ = true; }
  bool is_open() const { return open_; }
  void draw(const palette& p);

 private:
  bool open_ = false;
};

}  // namespace loopscope::gui
