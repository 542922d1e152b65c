// Predict first: the learner answers the lesson's question before the run
// plays, then sees the answer computed from the run beside the guess, and
// why. Until the guess is in, nothing on the page may give the answer
// away. No ImGui here: tested alone.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace loopscope::gui {

class prediction {
 public:
  enum class phase { asking, locked, skipped };

  phase state() const { return state_; }
  bool asking() const { return state_ == phase::asking; }
  bool locked() const { return state_ == phase::locked; }
  // Whether the page may show what gives the answer away: the run's times
  // and figures, the prose past the setup.
  bool reveals() const { return state_ != phase::asking; }

  // A multiple-choice question starts with nothing chosen: it can be locked
  // in once something is.
  bool can_lock(bool has_choices) const { return !has_choices || choice >= 0; }
  bool lock(bool has_choices);
  void skip() { state_ = phase::skipped; }
  void ask_again() { state_ = phase::asking; }
  // A slider moved: a guess made for other settings no longer stands, and
  // is asked for again. A skipped question stays skipped.
  void settings_changed() {
    if (state_ == phase::locked) state_ = phase::asking;
  }

  float guess = 0;  // a number answer
  int choice = -1;  // a multiple-choice answer; -1: none yet

 private:
  phase state_ = phase::asking;
};

// How far a guess was from the truth.
enum class verdict { right, close, far };

struct grading {
  verdict how;
  std::string text;  // "spot on.", "close.", "far off."
};

// Within 5% is right, within 25% close; against a truth of 0, the guess
// itself is the distance (0.05 of the unit is 5%).
grading grade_number(double guess, double truth);
grading grade_choice(int guess, int truth);

// What the page says once the run has answered: the answer, the guess
// beside it and how far off it was (when one was locked in), and why.
struct feedback {
  std::optional<verdict> how;  // none: nothing was guessed
  std::string headline;        // "You said 4 s; it took 2.2 s: close."
  std::string why;             // from the run: "Gathered, the waits overlap..."
};
// `truth`: the run's answer (none when the run did not do what the question
// asks about: `none` says so). A number is shown to 3 significant digits.
feedback judge(const prediction& p, const std::string& unit, const std::vector<std::string>& choices,
               std::optional<double> truth, const std::string& none, const std::string& why);

}  // namespace loopscope::gui
