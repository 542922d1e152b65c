// The desktop app and its headless modes.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/sandbox.hpp"
#include "lessons/lesson.hpp"

namespace loopscope::gui {

struct gui_options {
  std::string page = "sandbox";      // what to open (--lesson)
  bool page_given = false;           // --lesson was given; otherwise the last page shown
  std::string screenshot;            // write a PNG of one frame and exit
  std::string timeline_png;          // write Save PNG's picture (the whole timeline) and exit
  std::optional<nanos> at;           // the time to show in the screenshot
  int width = 0, height = 0;         // 0: remembered or default
  std::optional<bool> dark;          // --theme; otherwise remembered
  std::optional<workload> work;      // workload flags given on the command line
  bool real_clock = false;           // start on the real clock
  std::vector<strategy> strategies;  // --strategies for the sandbox panels
  // With --screenshot, a lesson's question: "ask" (shown as a learner
  // first sees it), "skip", or a guess to lock in ("2.5"; a choice by its
  // number from 1).
  std::string predict = "skip";
  std::string tab;     // a lesson's tab to open: lesson, cpp, python or loop (empty: the prose)
  std::string layout;  // with --screenshot: where each variant's header was, as JSON
  // Traces a lesson variant's Python twin on the virtual clock, with these
  // values, into a recorded run (CPython beside the engine); throws why
  // not. None: no twins.
  std::function<std::unique_ptr<scenario_run>(const lessons::lesson&, const std::string& variant,
                                              const lessons::values&)>
      twin;
  // Traces a script file on a clock into a recorded run, its time limited;
  // throws why not. None: no "Your code" page.
  // `stop` is polled while it runs: once true, the script is interrupted.
  std::function<std::unique_ptr<scenario_run>(const std::string& script, clock_kind clock, double limit_seconds,
                                              std::function<bool()> stop)>
      trace_file;
  std::string examples;  // the folder of example scripts
};

// The pages there are, for --lesson and for error messages.
const std::vector<std::string>& page_names();

// Opens the window; returns the process exit code.
int run_app(const gui_options& options);
// From here on, SIGINT and SIGTERM close the window as its close button
// does (the settings saved), at its first frame if it is not open yet.
void catch_close_signals();

// Headless: CPU time to build frames of a large timeline, with percentiles.
int bench_frames(int frames, int tasks, int rerun_tasks);

}  // namespace loopscope::gui
