// A scenario set up on a loop of its own: what the app, the command line
// and the tests drive, whether it is the sandbox or a lesson's variant.
#pragma once

#include <atomic>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "core/trace.hpp"

namespace loopscope {

class event_loop;

// A number a scenario measures for itself, beyond the trace's metrics
// (memory per thread, requests per second): shown next to the metrics and
// printed by the command line.
struct figure {
  std::string key;    // JSON key: "rss_per_unit_bytes"
  std::string label;  // "resident memory per unit"
  double value = 0;
  std::string unit;   // "bytes", "s", "req/s", "" for a count
  std::string help;   // a tooltip: how it was measured
};

struct scenario_run {
  std::string variant;              // "gather", "blocking call", ...
  std::unique_ptr<event_loop> loop;
  lane_id main_lane = no_lane;
  std::vector<lane_id> task_lanes;  // task i is task_lanes[i - 1]
  nanos returned = -1;              // when main's await returned or raised
  std::exception_ptr error;         // what reached main's await
  std::atomic<bool> main_done{false};  // read by the window while the loop runs

  scenario_run();
  // Tears the loop down first: its coroutines use the run. A derived run
  // whose coroutines read its own members must reset `loop` in its own
  // destructor, before those members go.
  virtual ~scenario_run();
  // What the scenario measured, once main is done (a lesson on the real
  // clock reports its own numbers here). Safe to call from any thread.
  virtual std::vector<figure> figures() const { return {}; }
  // A line the window shows above the variant's lanes while it runs
  // ("serving on http://127.0.0.1:40123"). Safe to call from any thread.
  virtual std::string banner() const { return {}; }
  // Where a learner can reach the run from outside while it lives (a
  // server's http://127.0.0.1:PORT), or empty.
  virtual std::string url() const { return {}; }
  scenario_run(const scenario_run&) = delete;
  scenario_run& operator=(const scenario_run&) = delete;
};

}  // namespace loopscope
