#include "app/gui/predict.hpp"

#include <cmath>

namespace loopscope::gui {

grading grade_number(double guess, double truth) {
  // Percent off; against a truth of 0, a hundredth of the unit counts as 1%.
  const double off = (truth != 0 ? std::abs(guess - truth) / std::abs(truth) : std::abs(guess)) * 100;
  if (off <= 5) return {verdict::right, "spot on."};
  if (off <= 25) return {verdict::close, "close."};
  return {verdict::far, "far off: why?"};
}

grading grade_choice(int guess, int truth) {
  if (guess == truth) return {verdict::right, "You were right."};
  return {verdict::far, "Not this time: look at the lanes for why."};
}

}  // namespace loopscope::gui
