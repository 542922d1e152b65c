// Predict first: the learner answers the lesson's question before the run
// plays, then sees the answer computed from the run beside the guess. No
// ImGui here: tested alone.
#pragma once

#include <string>

namespace loopscope::gui {

class prediction {
 public:
  enum class phase { asking, locked, skipped };

  phase state() const { return state_; }
  bool asking() const { return state_ == phase::asking; }
  bool locked() const { return state_ == phase::locked; }
  void lock() { state_ = phase::locked; }
  void skip() { state_ = phase::skipped; }
  void ask_again() { state_ = phase::asking; }

  float guess = 0;  // a number answer
  int choice = 0;   // a multiple-choice answer

 private:
  phase state_ = phase::asking;
};

// How far a guess was from the truth.
enum class verdict { right, close, far };

struct grading {
  verdict how;
  std::string text;  // "spot on.", "close.", "far off: why?"
};

// Within 5% is right, within 25% close; against a truth of 0, the guess
// itself is the distance (0.05 of the unit is 5%).
grading grade_number(double guess, double truth);
grading grade_choice(int guess, int truth);

}  // namespace loopscope::gui
