// "Your code": a learner's own asyncio script, edited here, run by CPython
// under the tracer, and drawn on the same timeline as the lessons: its
// tasks, their waits and lines, its prints with their times, its error.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/gui/code_view.hpp"
#include "app/gui/export_bar.hpp"
#include "app/gui/playback_bar.hpp"
#include "app/gui/run_set.hpp"
#include "app/gui/runs_view.hpp"

namespace loopscope::gui {

class code_page {
 public:
  using tracer = std::function<std::unique_ptr<scenario_run>(const std::string& script, clock_kind clock,
                                                             double limit_seconds, std::function<bool()> stop)>;
  code_page(tracer trace, std::string examples);

  std::optional<png_request> draw(double wall_dt, bool dark);
  run_set& runs() { return runs_; }
  const std::vector<header_rect>& headers() const { return body_.headers(); }
  const runs_view& view() const { return body_; }
  bool available() const { return static_cast<bool>(trace_); }
  // Loads an example by its file name ("gather.py"); false when there is none.
  bool load_example(const std::string& name);
  void run();

 private:
  void load(const std::string& path);
  void draw_console(float height);

  tracer trace_;
  std::string examples_;
  std::vector<std::string> example_names_;
  std::vector<char> text_;  // the editor's buffer
  code_editor editor_{code_language::python};
  std::string path_ = "my_script.py";
  std::string message_;  // what the last open, save or run said
  bool message_ok_ = true;
  bool real_clock_ = false;
  bool running_ = false;                     // a run is being made
  std::shared_ptr<std::atomic<bool>> stop_;  // the Stop button, for the run being made
  float limit_s_ = 10;
  run_set runs_;
  playback_bar playback_;
  runs_view body_;
};

}  // namespace loopscope::gui
