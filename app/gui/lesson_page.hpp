// One lesson: its prose, its code (the C++ that runs and the asyncio twin),
// its parameters, the question to answer before the run, and its variants
// side by side.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/gui/markdown.hpp"
#include "app/gui/variants_view.hpp"
#include "lessons/lesson.hpp"

namespace loopscope::gui {

// What the page asks of the app's navigation.
struct lesson_nav {
  bool previous = false, next = false, sandbox = false;
  bool completed = false;  // the learner has seen this lesson's run to the end
};

class lesson_page {
 public:
  explicit lesson_page(const lessons::lesson& l);

  page_requests draw(double wall_dt, bool dark, lesson_nav& nav, bool has_previous, bool has_next);
  variants_view& variants() { return variants_; }
  const lessons::lesson& lesson() const { return lesson_; }

 private:
  void rebuild(bool keep_cursor);
  void draw_text_tabs(float height, bool dark);
  void draw_params();
  void draw_predict();
  double answer() const;
  void draw_addresses();
  void note_chart_points();
  void draw_chart(float width, float height, bool dark);
  void draw_bars(float width, float height, bool dark);

  const lessons::lesson& lesson_;
  lessons::values values_;
  std::vector<std::string> notes_;  // values that were moved into range
  bool pending_ = false;            // a value changed; not yet run (real runs wait for the slider's release)
  std::vector<md_block> prose_;
  // Predict first: the guess is locked in before the run plays.
  bool locked_ = false;
  bool skipped_ = false;
  float guess_ = 0;
  int choice_ = 0;
  // The growth chart: per variant, y at each x the learner has run.
  std::vector<std::map<double, double>> chart_points_;
  bool chart_noted_ = false;
  variants_view variants_;
};

// Draws parsed Markdown, wrapped to the current width.
void draw_markdown(const std::vector<md_block>& blocks, bool dark);

}  // namespace loopscope::gui
