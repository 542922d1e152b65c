// The question a lesson asks before its run: the guess (a number or a
// choice), lock in or skip, and once the run is over the answer computed
// from it beside the guess, and why.
#pragma once

#include <optional>
#include <string>

#include "app/gui/predict.hpp"
#include "app/gui/theme.hpp"
#include "lessons/lesson.hpp"

namespace loopscope::gui {

struct predict_request {
  bool lock = false;   // the guess is in: run
  bool skip = false;   // just run it
  bool again = false;  // ask again, from the start
};

class predict_panel {
 public:
  // `answered`: every run is over; then `truth`, its answer (none when the
  // run did not do what the question asks about), and `why`.
  predict_request draw(const lessons::question& q, prediction& state, bool answered, std::optional<double> truth,
                       const std::string& why, const palette& p);
};

}  // namespace loopscope::gui
