#include "app/gui/predict.hpp"

#include <cmath>
#include <cstdio>

namespace loopscope::gui {

bool prediction::lock(bool has_choices) {
  if (!can_lock(has_choices)) return false;
  state_ = phase::locked;
  return true;
}

grading grade_number(double guess, double truth) {
  // Percent off; against a truth of 0, a hundredth of the unit counts as 1%.
  const double off = (truth != 0 ? std::abs(guess - truth) / std::abs(truth) : std::abs(guess)) * 100;
  if (off <= 5) return {verdict::right, "spot on."};
  if (off <= 25) return {verdict::close, "close."};
  return {verdict::far, "far off."};
}

grading grade_choice(int guess, int truth) {
  if (guess == truth) return {verdict::right, "right."};
  return {verdict::far, "not this time."};
}

namespace {

std::string number(double v, const std::string& unit) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  std::string out = buf;
  if (!unit.empty()) out.append(unit == "x" ? "" : " ").append(unit == "x" ? "x" : unit);
  return out;
}

}  // namespace

feedback judge(const prediction& p, const std::string& unit, const std::vector<std::string>& choices,
               std::optional<double> truth, const std::string& none, const std::string& why) {
  feedback f;
  if (!truth) {
    f.headline = "From the run: " + none + ".";
    return f;  // no answer, so nothing to grade or explain
  }
  f.why = why;
  const bool has_choices = !choices.empty();
  const auto right = static_cast<std::size_t>(*truth);
  const std::string answer = has_choices ? (right < choices.size() ? choices[right] : "?") : number(*truth, unit);
  if (!p.locked()) {
    f.headline = "From the run: " + answer + ".";
    return f;
  }
  if (has_choices) {
    const grading g = grade_choice(p.choice, static_cast<int>(right));
    const auto said = static_cast<std::size_t>(p.choice);
    f.how = g.how;
    f.headline = g.how == verdict::right ? "You said " + answer + ": " + g.text
                                         : "You said " + (said < choices.size() ? choices[said] : std::string("?")) +
                                               "; in the run, " + answer + ".";
  } else {
    const grading g = grade_number(p.guess, *truth);
    f.how = g.how;
    f.headline = "You said " + number(p.guess, unit) + "; it took " + answer + ": " + g.text;
    if (unit == "x") f.headline = "You said " + number(p.guess, unit) + "; it was " + answer + ": " + g.text;
  }
  return f;
}

}  // namespace loopscope::gui
