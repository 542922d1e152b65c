// The charts a lesson draws beside its figures: one that grows a point per
// run as the learner moves a slider (lesson 9's memory against N), and bars
// of the runs' figures grouped per variant (lesson 10's latencies).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/gui/run_set.hpp"
#include "app/gui/theme.hpp"
#include "lessons/lesson.hpp"

namespace loopscope::gui {

class growth_chart_view {
 public:
  explicit growth_chart_view(std::size_t variants) : points_(variants) {}
  // A point per variant at x, from runs that have all finished.
  void note(const run_set& runs, double x, const std::string& y_figure);
  void draw(const lessons::growth_chart& spec, const lessons::param& x_param, const std::vector<std::string>& names,
            float width, float height, const palette& p);

 private:
  std::vector<std::map<double, double>> points_;  // per variant: y at each x run
};

class bar_chart_view {
 public:
  void draw(const lessons::bar_chart& spec, const run_set& runs, float width, float height, const palette& p);
};

}  // namespace loopscope::gui
