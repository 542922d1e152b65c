// A scenario set up on a loop of its own: what the window, the command line
// and the tests hold, whether it is the sandbox or a lesson's variant. No
// Asio here: the window drives runs through this handle alone.
#pragma once

#include <atomic>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/loop_options.hpp"
#include "core/trace.hpp"

namespace loopscope {

class event_loop;

// A number a scenario measures for itself, beyond the trace's metrics
// (memory per thread, requests per second).
struct figure {
  std::string key;    // JSON key: "rss_per_unit_bytes"
  std::string label;  // "resident memory per unit"
  double value = 0;
  std::string unit;  // "bytes", "s", "req/s", "" for a count
  std::string help;  // how it was measured
};

// Where a run can be reached from outside while it lives (a server).
struct endpoint {
  std::string url;    // "http://127.0.0.1:40123"
  bool open = false;  // still listening
};

// Most runs are a scenario on an event loop of their own (prepare() in
// core/launch.hpp makes it); a recorded run (a CPython program traced by the
// tracer) has a trace and no loop, and overrides what it must.
class scenario_run {
 public:
  scenario_run();
  virtual ~scenario_run();
  scenario_run(const scenario_run&) = delete;
  scenario_run& operator=(const scenario_run&) = delete;

  // ---- What it is ----
  const std::string& variant() const { return variant_; }
  virtual clock_kind clock() const;
  lane_id main_lane() const { return main_lane_; }
  // The tasks it planned, in order: task i is task_lanes()[i - 1].
  const std::vector<lane_id>& task_lanes() const { return task_lanes_; }

  // ---- What happened (any thread, while a real loop runs too) ----
  virtual const loopscope::trace& trace() const;
  virtual nanos now() const;
  virtual bool finished() const;  // every task has ended
  virtual std::size_t live_tasks() const;
  virtual std::size_t handlers_run() const;
  bool main_done() const { return main_done_.load(std::memory_order_acquire); }
  // Main's await has returned or raised: returned() and what reached it are
  // known, though main may still watch its tasks end (main_done() then).
  bool main_returned() const { return main_returned_.load(std::memory_order_acquire); }
  // When main's await returned or raised (-1 until then), and what reached
  // it. Read them once main_done().
  nanos returned() const { return returned_; }
  const std::exception_ptr& error() const { return error_; }
  // As Python prints it: "RuntimeError: task 2 failed"; empty when none.
  std::string error_text() const;

  // ---- Driving the virtual clock ----
  virtual bool step();  // exactly one handler; false when nothing is left
  virtual void run_until(nanos t);
  virtual std::optional<nanos> next_due() const;
  // ---- Driving either clock ----
  virtual void run_to_end();  // virtual: instantly; real: start() then wait()
  virtual void start();       // real: the loop runs on its own thread
  virtual void wait();        // real: until every task has ended
  virtual bool started() const;
  virtual void cancel(lane_id lane);  // as asyncio's Task.cancel; from any thread
  virtual void cancel_all();
  // As Ctrl-C: every task cancelled, and a real blocking call or
  // computation under way cut short (event_loop::interrupt); any thread.
  virtual void interrupt();

  // ---- The code a learner is shown for it ----
  // A region of a source file (a lesson's shown code): the places tasks
  // wait at are mapped onto its lines.
  struct shown_code {
    std::string file;    // as it ends: "lessons/03_gather/lesson.cpp"
    int first_line = 0;  // the line of that file the region starts on
    int lines = 0;
  };
  void show_code(shown_code c) { shown_ = std::move(c); }
  const shown_code& code_shown() const { return shown_; }
  // The 1-based line of the shown code a place in the code is on, if it is
  // in it.
  std::optional<int> shown_line(site_id site) const;

  // ---- What a scenario reports beyond its trace (any thread) ----
  virtual std::vector<figure> figures() const { return {}; }
  // Something the run met and went on from ("the system refused thread
  // 32440: ..."), or empty.
  virtual std::string incident() const { return {}; }
  virtual std::optional<endpoint> reachable_at() const { return std::nullopt; }

  // ---- For core and the scenarios themselves (with core/loop.hpp) ----
  bool has_loop() const { return loop_ != nullptr; }  // from prepare() until stop_loop()
  event_loop& loop() { return *loop_; }
  const event_loop& loop() const { return *loop_; }

 protected:
  // Tears the loop down: a derived run whose coroutines read its own
  // members calls this in its destructor, before those members go.
  void stop_loop();
  // A recorded run says what it is and what happened, as prepare() and
  // main's supervision do for a run on a loop.
  void set_identity(std::string variant, lane_id main_lane, std::vector<lane_id> task_lanes);
  void set_outcome(nanos returned, std::string error_text);

 private:
  friend struct scenario_setup;
  std::string variant_;
  std::unique_ptr<event_loop> loop_;
  lane_id main_lane_ = no_lane;
  std::vector<lane_id> task_lanes_;
  nanos returned_ = -1;
  std::exception_ptr error_;
  std::string error_text_;  // a recorded run's, as it was reported
  std::atomic<bool> main_done_{false};
  std::atomic<bool> main_returned_{false};
  shown_code shown_;
};

}  // namespace loopscope
