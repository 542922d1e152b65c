// The loop at one moment, read from a run's lanes: who holds it and since
// when, its ready queue in the order the tasks will run, the timers by
// deadline, what the others wait for, and the last slice it ran. What the
// window's "Loop" tab shows at the cursor.
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "app/gui/timeline_model.hpp"

namespace loopscope::gui {

struct loop_entry {
  lane_id lane = no_lane;
  nanos since = 0;           // in this state since
  std::optional<nanos> due;  // a timer: when it fires, where the run has got that far
  std::uint8_t detail = 0;   // running: the run_kind; waiting: the wait_reason
};

struct loop_state {
  std::optional<loop_entry> running;  // the task holding the loop
  std::vector<loop_entry> ready;      // woken, in the order the loop will run them
  std::vector<loop_entry> timers;     // asleep, by deadline (unknown ones last)
  // Every other wait, counted by its wait_reason.
  std::array<int, 9> waiting{};
  int done = 0, not_started = 0;
  // The last slice the loop ran, ended at or before the moment.
  std::optional<loop_entry> last;
  nanos last_end = 0;
};

// Task lanes only (the main task counts as one). Ready tasks run in the
// order they were woken (asyncio's ready queue is first in, first out),
// tasks woken at the same moment in the order they were created.
// `whole`: the same run's lanes to its end, if known (`lanes` itself, for a
// recording): each timer's deadline then. Without it nothing ahead of `t`
// is told.
loop_state loop_at(const lane_store& lanes, nanos t, const lane_store* whole = nullptr);

}  // namespace loopscope::gui
