// Running a lesson: every variant made, driven to its end and measured, and
// the answer to its question computed from them. The command line and the
// tests run lessons through this; the window drives the same variants at
// its own pace and asks answer_of() once they are done.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/metrics.hpp"
#include "lessons/lesson.hpp"

namespace loopscope::lessons {

struct lesson_run {
  std::vector<std::unique_ptr<scenario_run>> runs;  // in the lesson's variant order
  std::vector<run_metrics> metrics;
  std::optional<double> answer;  // see question::answer

  outcomes by_name() const;
};

// Drives a run to its end (the command line adds Ctrl-C and progress).
using driver = std::function<void(scenario_run&)>;

// Each variant is made, driven and measured before the next is made, so a
// lesson whose variants measure the process has it to itself.
lesson_run run_lesson(const lesson& l, const values& v, const run_setup& setup = {}, const driver& drive = {});

// The question's answer from finished runs.
std::optional<double> answer_of(const lesson& l, const outcomes& runs);

}  // namespace loopscope::lessons
