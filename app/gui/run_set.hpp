// The runs a page shows side by side, and how they are driven: paced on the
// virtual clock, live on the real one (all at once, or in turn), with what
// the window reads of them each frame (lane stores, metrics, density,
// figures). Runs are prepared off the UI thread: a 100,000-task re-run does
// not freeze the window. No ImGui here: tested alone.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/gui/timeline_model.hpp"
#include "core/metrics.hpp"
#include "core/scenario.hpp"

namespace loopscope {
class pacer;
}  // namespace loopscope

namespace loopscope::gui {

// What a page asks of the runs it shows.
struct run_plan {
  std::size_t count = 0;
  // Makes variant i on the clock given. Called off the UI thread.
  std::function<std::unique_ptr<scenario_run>(std::size_t variant, clock_kind clock)> make;
  // The makespan the speedups are measured against, if any. Off the UI thread too.
  std::function<std::optional<nanos>()> reference;
  // Its runs are recordings, complete when made (a traced script): each is
  // made once, and is its own measure of how long the axis must be.
  bool recorded = false;
};

// What the person asked of the playback this frame, by button or by key.
struct playback_request {
  bool toggle_play = false, step = false, to_end = false, restart = false;
  bool step_back = false, to_start = false;
  std::optional<double> speed;
  std::optional<bool> real_clock;
  playback_request& operator|=(const playback_request& o);
};

// A message for the person at the window, and whether it is good news.
struct notice {
  std::string text;
  bool ok = true;
};

class run_set {
 public:
  run_set();
  ~run_set();
  run_set(const run_set&) = delete;
  run_set& operator=(const run_set&) = delete;

  // ---- What runs, and on which clock ----
  // Runs the plan's variants from the start. `keep_cursor`: a slider moved,
  // so the new runs catch up with where the old ones were shown.
  void reset(run_plan plan, bool keep_cursor);
  void restart();
  // Lessons that only make sense measured for real: no virtual clock, no
  // toggle. `in_turn`: each variant starts when the one before has ended.
  void set_real_only(bool in_turn);
  // On the real clock, runs wait for play (a prediction comes first).
  void hold_real_start(bool hold) { hold_ = hold; }
  void set_real_clock(bool real);
  bool real_clock() const { return real_clock_; }
  bool real_only() const { return real_only_; }
  bool in_turn() const { return in_turn_; }

  // Once a frame: prepared runs are taken in, playback advances, and what
  // the runs wrote is read.
  void tick(double wall_seconds);
  // Runs are being made off the UI thread (and for how long).
  bool preparing() const { return preparing_.valid(); }
  double preparing_for_s() const;

  // ---- Playback ----
  void play();
  void pause();
  void toggle_play();
  void step();  // exactly one handler of the loop due first
  // One handler back (the runs are made again and replayed, one handler
  // fewer: on the virtual clock, exact; in a recording, to the moment
  // before), or to the start. Nothing on the real clock.
  void step_back();
  void to_start();
  void seek(nanos t);
  // To t, forward or back (back: replayed as step_back is). Virtual clock.
  void travel_to(nanos t);
  bool recorded() const { return recorded_; }
  // A large run's figures at the cursor are still being computed (off the
  // UI thread); until then they are those of an earlier cursor.
  bool figures_pending() const;
  void run_to_end();
  void set_speed(double s);
  void apply(const playback_request& r);
  bool playing() const;
  double speed() const;
  bool paced() const { return pacer_ != nullptr; }                           // the virtual clock drives these runs
  bool waiting_to_start() const { return real_clock_ && next_start_ == 0; }  // held for play
  nanos cursor() const;
  nanos end() const { return end_; }  // how long the axis must be (virtual: the runs' end)
  bool finished() const { return ended_; }
  // Whether the picture changes without input.
  bool animating() const;

  // ---- Reading, per run ----
  std::size_t size() const { return panels_.size(); }
  const scenario_run& run(std::size_t i) const;
  // Whether run i had ended, or its main returned, by the cursor: a loop
  // can run ahead of it (a blocking slice runs whole), a recording always is.
  bool ended_by_cursor(std::size_t i) const;
  bool returned_by_cursor(std::size_t i) const;
  const run_metrics& metrics(std::size_t i) const;
  const lane_store& lanes(std::size_t i) const;
  // Its lanes to the run's end, ahead of the cursor, where known (a virtual
  // run, or a recording): when a timer will fire. None on the real clock.
  const lane_store* whole_lanes(std::size_t i) const;
  const density_steps& density(std::size_t i) const;
  // What it measured of itself, taken once a frame once its main is done.
  const std::vector<figure>& figures(std::size_t i) const;
  bool started(std::size_t i) const { return !real_clock_ || i < next_start_; }
  std::optional<nanos> reference() const { return reference_; }

  // ---- Acting ----
  void cancel(std::size_t variant, lane_id lane);
  // Every run's trace as Chrome trace JSON; says how it went.
  notice export_trace(const std::string& path) const;

  void set_notice(notice n) { notice_ = std::move(n); }
  const notice& current_notice() const { return notice_; }
  // Why the runs could not be made (a port taken, no descriptor left), or empty.
  const std::string& failure() const { return failure_; }
  // New runs want the whole of them in view (once; the timeline asks).
  bool take_fit_request() { return std::exchange(fit_requested_, false); }

 private:
  struct panel;
  struct prepared {
    std::vector<std::unique_ptr<scenario_run>> runs;
    nanos end = 0;
    std::optional<nanos> reference;
    std::string failure;
    bool abandoned = false;
    bool recorded = false;          // large: the runs were made to their end, and are replayed as recordings
    std::vector<lane_store> lanes;  // then, each run's lanes, read here too
    std::vector<lane_store> whole;  // otherwise, on the virtual clock: each run's lanes to its end
  };
  void install(prepared p);
  void replay_to(nanos t);
  bool ready_to_seek(std::optional<nanos> t);
  void start_pending();
  void sync();
  // The instant a panel's figures are of: the loop's, or the cursor where
  // the loop is ahead of it (a blocking slice runs whole, a recording always is).
  nanos figures_now(const panel& p) const;
  // A panel's metrics and density from its lanes, as of loop_now.
  void compute_figures(panel& p, nanos loop_now, std::chrono::steady_clock::time_point now);

  bool recorded_ = false;  // the runs shown are recordings: the plan's, or large ones made in full
  bool large_ = false;     // large recordings: their figures are computed off the UI thread
  run_plan plan_;
  std::optional<nanos> reference_;
  std::optional<nanos> replay_;              // a step back under way: where to
  std::optional<std::size_t> replay_steps_;  // or how many handlers to run again
  bool real_clock_ = false;
  bool real_only_ = false;
  bool in_turn_ = false;
  bool hold_ = false;
  std::size_t next_start_ = 0;  // real clock: panels below this have been started
  std::vector<std::unique_ptr<panel>> panels_;
  std::unique_ptr<pacer> pacer_;
  nanos end_ = 0;
  bool ended_ = false;
  notice notice_;
  std::string failure_;
  bool fit_requested_ = true;

  // Preparation off the UI thread, and what to do once it is in.
  std::future<prepared> preparing_;
  std::chrono::steady_clock::time_point preparing_since_;
  std::vector<std::future<prepared>> abandoned_;  // superseded, finishing on their own
  std::shared_ptr<std::atomic<bool>> abandon_;
  struct after_install {
    bool keep_cursor = false;
    nanos previous_cursor = 0;
    bool was_done = false;
    bool playing = true;
    std::optional<nanos> seek;         // asked for while preparing
    std::optional<std::size_t> steps;  // a step back: handlers to run again, one by one
    bool to_end = false;
  } after_;
};

}  // namespace loopscope::gui
