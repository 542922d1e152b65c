// Key presses as they arrive, so that a tap shorter than a frame counts.
// ImGui 1.86 sees only whether a key is down when a frame starts: a
// presentation clicker's press and release, both between two frames, are
// never seen. The window hands every press to note_press() as it comes;
// a frame's presses are the ones noted since the frame before.
#pragma once

#include <vector>

namespace loopscope::gui {

class key_taps {
 public:
  void note_press(int key) { pending_.push_back(key); }
  // A new frame: the presses noted since the last one become its own.
  void begin_frame() {
    frame_.swap(pending_);
    pending_.clear();
  }
  // Whether `key` was pressed since the frame before this one.
  bool tapped(int key) const;

 private:
  std::vector<int> pending_, frame_;
};

// The window's taps (one window per process).
key_taps& window_taps();

}  // namespace loopscope::gui
