// The metrics of every run, a row each: makespan, speedup, concurrency, how
// busy the loop was, time spent ready, the longest slice and its warnings.
#pragma once

#include <optional>

#include "app/gui/run_set.hpp"
#include "app/gui/theme.hpp"

namespace loopscope::gui {

class metrics_table {
 public:
  // `speedup_against`: the run the speedups are measured against; none: the
  // run set's own reference (the sandbox's sequential sum).
  void draw(const run_set& runs, const palette& p, std::optional<std::size_t> speedup_against = std::nullopt);
};

}  // namespace loopscope::gui
