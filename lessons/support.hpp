// What a lesson's scenario code is written with: core's primitives, and a
// helper that sets up a variant's run with its tasks named in advance.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "core/runtime.hpp"
#include "core/supervise.hpp"

namespace loopscope::lessons {

using namespace std::chrono_literals;

inline nanoseconds ms_of(double v) { return nanoseconds(static_cast<nanos>(v * 1e6)); }

// A run whose tasks have lanes from the start, named and numbered 1..N, so a
// task the scenario never reaches still shows (as not started).
template <class Body>
std::unique_ptr<scenario_run> make_run(const loop_options& options, std::string variant,
                                       const std::vector<std::string>& task_names, Body body) {
  auto run = std::make_unique<scenario_run>();
  run->variant = std::move(variant);
  run->loop = std::make_unique<event_loop>(options);
  run->main_lane = run->loop->add_lane(lane_kind::main, "main");
  for (const auto& name : task_names) run->task_lanes.push_back(run->loop->add_lane(lane_kind::task, name, run->main_lane));
  scenario_run& r = *run;
  run->loop->spawn_on(run->main_lane,
                      supervise(r, [&r, body = std::move(body)](std::vector<task_handle>& started) mutable {
                        return body(r, started);
                      }));
  return run;
}

// "request 1", "request 2", ...: the names of a variant's n tasks.
inline std::vector<std::string> numbered(const std::string& what, int n) {
  std::vector<std::string> names;
  for (int i = 1; i <= n; ++i) names.push_back(what + " " + std::to_string(i));
  return names;
}

// Starts task i (1-based) of the run on its lane.
inline task_handle start_task(scenario_run& run, std::vector<task_handle>& started, int i, awaitable<void> body) {
  started.push_back(current_loop().spawn_on(run.task_lanes[static_cast<std::size_t>(i - 1)], std::move(body)));
  return started.back();
}

// asyncio.Event on the real clock: a coroutine waits until set() is called
// on the loop thread (another thread posts it there). Waiting shows as
// waiting on children.
class real_event {
 public:
  explicit real_event(asio::io_context& io) : timer_(io, asio::steady_timer::time_point::max()) {}
  void set() {
    set_ = true;
    timer_.cancel();
  }
  bool is_set() const { return set_; }
  awaitable<void> wait() {
    current_loop().set_wait_reason(wait_reason::child);
    while (!set_) {
      error_code ec;
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec && !set_) throw boost::system::system_error(ec);  // the waiter was cancelled
    }
  }

 private:
  asio::steady_timer timer_;
  bool set_ = false;
};

}  // namespace loopscope::lessons
