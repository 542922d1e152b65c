// The sandbox's workload as its controls edit it: a spread around the
// duration, an explicit list of durations typed as text, and knobs that
// name tasks kept within the task count. No ImGui here: tested alone.
#pragma once

#include <string>

#include "core/sandbox.hpp"

namespace loopscope::gui {

struct workload_form {
  workload work;
  int spread_percent = 0;      // durations vary evenly by up to this much around the duration
  std::string durations_text;  // an explicit list, as --durations takes it
  std::string durations_note;  // why the list is not used, or empty
  std::string fit_note;        // what fit_to_tasks() dropped, or empty

  // From the command line: the workload as given, its list as text.
  void load(workload w);
  // The workload the runs get: the explicit list when it matches the task
  // count, otherwise the spread (a fixed pattern, so a re-run is the same run).
  workload effective() const;
  // Parses a typed list of durations.
  void set_durations_text(std::string text);
  // Knobs naming tasks past the count are dropped (with a note), and the
  // limit kept within 1..tasks.
  void fit_to_tasks();
};

}  // namespace loopscope::gui
