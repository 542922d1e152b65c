// A scenario set up on a loop of its own: what the app, the command line
// and the tests drive, whether it is the sandbox or a lesson's variant.
#pragma once

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "core/trace.hpp"

namespace loopscope {

class event_loop;

struct scenario_run {
  std::string variant;              // "gather", "blocking call", ...
  std::unique_ptr<event_loop> loop;
  lane_id main_lane = no_lane;
  std::vector<lane_id> task_lanes;  // task i is task_lanes[i - 1]
  nanos returned = -1;              // when main's await returned or raised
  std::exception_ptr error;         // what reached main's await
  bool main_done = false;

  scenario_run();
  // Tears the loop down first: its coroutines use the run. A derived run
  // whose coroutines read its own members must reset `loop` in its own
  // destructor, before those members go.
  virtual ~scenario_run();
  scenario_run(const scenario_run&) = delete;
  scenario_run& operator=(const scenario_run&) = delete;
};

}  // namespace loopscope
