// Where every task is in the code at one moment: the lines the code pane
// marks at the cursor. A waiting task is at the line of its await; a ready
// one at the same line, about to resume from it; the running one at the
// await it resumed from, or at the blocking call that holds the loop.
#pragma once

#include <string>
#include <vector>

#include "app/gui/timeline_model.hpp"
#include "core/scenario.hpp"

namespace loopscope::gui {

// A run, and its lanes as the window has read them so far.
struct marked_run {
  const scenario_run* run = nullptr;
  const lane_store* lanes = nullptr;
};

struct parked_task {
  std::size_t run = 0;  // among the runs given
  lane_id lane = no_lane;
  lane_state state = lane_state::waiting;  // waiting, ready or running
  std::uint8_t detail = 0;                 // waiting: the wait_reason; running: the run_kind
  bool after_call = false;                 // running on past the blocking call at the line
};

struct code_mark {
  int line = 0;  // 1-based, in the run's shown code
  std::vector<parked_task> tasks;
  // The task the mark is drawn for: running before ready before waiting.
  const parked_task& lead() const;
};

// The marks at time `t`, by line; each run's lines are its shown_line().
std::vector<code_mark> marks_at(const std::vector<marked_run>& runs, nanos t);

// What a mark says beside its line: the tasks by name, or counted when
// many, by variant when several runs are given ("gather: 8 tasks · sequential:
// fetch page 3").
std::string mark_label(const code_mark& m, const std::vector<marked_run>& runs);
// Every task of a mark, one per line, with its state ("request 10 ·
// waiting for a semaphore permit"): the mark's tooltip. At most 20.
std::string mark_tooltip(const code_mark& m, const std::vector<marked_run>& runs);

}  // namespace loopscope::gui
