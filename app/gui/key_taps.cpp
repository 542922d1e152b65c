#include "app/gui/key_taps.hpp"

#include <algorithm>

namespace loopscope::gui {

bool key_taps::tapped(int key) const { return std::find(frame_.begin(), frame_.end(), key) != frame_.end(); }

key_taps& window_taps() {
  static key_taps taps;
  return taps;
}

}  // namespace loopscope::gui
