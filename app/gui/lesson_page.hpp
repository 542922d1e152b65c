// One lesson: its texts, its sliders, the question to answer before the
// run, and its variants side by side.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/gui/charts.hpp"
#include "app/gui/lesson_texts.hpp"
#include "app/gui/params_panel.hpp"
#include "app/gui/playback_bar.hpp"
#include "app/gui/predict.hpp"
#include "app/gui/predict_panel.hpp"
#include "app/gui/run_set.hpp"
#include "app/gui/runs_view.hpp"
#include "lessons/lesson.hpp"

namespace loopscope::gui {

// What the page asks of the app's navigation.
struct lesson_nav {
  bool previous = false, next = false, sandbox = false;
  std::optional<lessons::lesson::in_sandbox> carried;  // with `sandbox`: this lesson's work, where it maps
  bool completed = false;                              // the learner has seen this lesson's run to the end
};

class lesson_page {
 public:
  // `twin`: traces a variant's Python twin (none: no CPython beside).
  using twin_runner =
      std::function<std::unique_ptr<scenario_run>(const lessons::lesson&, const std::string&, const lessons::values&)>;
  explicit lesson_page(const lessons::lesson& l, twin_runner twin = {});

  std::optional<png_request> draw(double wall_dt, bool dark, lesson_nav& nav, bool has_previous, bool has_next);
  run_set& runs() { return runs_; }
  const lessons::lesson& lesson() const { return lesson_; }
  // For screenshots and tests: answer the question as if typed ("2.5", or
  // a choice's number from 1) and lock it in, or skip it.
  void skip_question();
  bool answer_question(const std::string& guess);
  // Opens a tab of the texts: "lesson", "cpp", "python" or "loop".
  void show_tab(const std::string& tab) { texts_.show_tab(tab); }
  const prediction& predicted() const { return prediction_; }
  const std::vector<header_rect>& headers() const { return body_.headers(); }
  const runs_view& view() const { return body_; }

 private:
  void rebuild(bool keep_cursor);
  bool answered() const;                 // every run is over: the question has its answer
  std::optional<double> answer() const;  // that answer (none when the run did not do what it asks)
  std::string why() const;               // and why, from the same runs
  lessons::outcomes outcomes() const;
  void guess_in(bool locked);  // locked in or skipped: the run plays
  void draw_header(lesson_nav& nav, bool has_previous, bool has_next);
  void draw_addresses();

  const lessons::lesson& lesson_;
  lessons::values values_;
  prediction prediction_;
  run_set runs_;
  bool chart_noted_ = false;
  std::optional<std::size_t> speedup_against_;  // the lesson's reference variant
  twin_runner twin_;
  std::optional<std::size_t> twin_of_;  // the variant the twin mirrors; the twin's run comes after the variants
  bool show_twin_ = true;
  std::string twin_badge() const;
  std::optional<timeline_view::lane_ref> selected_;  // picked in the Loop tab; let go on a re-run

  lesson_texts texts_;
  params_panel params_;
  predict_panel predict_;
  playback_bar playback_;
  runs_view body_;
  growth_chart_view chart_;
  bar_chart_view bars_;
};

}  // namespace loopscope::gui
