#include "app/gui/run_set.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <future>

#include "core/chrome_trace.hpp"
#include "core/pacer.hpp"

namespace loopscope::gui {

namespace {
using steady = std::chrono::steady_clock;
constexpr double metrics_period_s = 0.25;  // real-clock runs: metrics at most 4 times a second
// Tasks per variant past which the timeline may draw a density band: to
// fit a small window, and always past timeline_view::max_lanes (200).
constexpr std::size_t density_from = 8;
// Lanes past which a virtual-clock run is made in full before it is shown,
// and then replayed (Step moves to the next moment, not the next handler).
constexpr std::size_t record_from = 5'000;
}  // namespace

struct run_set::panel {
  std::unique_ptr<scenario_run> run;
  lane_store lanes;
  lane_store whole;  // a virtual run's lanes to its end, read when it was prepared (none: unknown)
  run_metrics metrics;
  density_steps density;
  std::vector<figure> figures;
  std::size_t metrics_events = static_cast<std::size_t>(-1);
  nanos metrics_now = -1;
  double metrics_cost_s = 0;
  steady::time_point metrics_at{};
  // A large run's figures at a cursor, being computed off the UI thread
  // (last, so that it is waited for before the run it reads is gone).
  struct figures_at {
    run_metrics metrics;
    density_steps density;
  };
  std::future<figures_at> computing;
  nanos computing_now = -1;
};

run_set::run_set() = default;

run_set::~run_set() {
  if (abandon_) abandon_->store(true);
  // Whatever is still being made or torn down finishes before we go.
  if (preparing_.valid()) preparing_.wait();
  for (auto& f : abandoned_) f.wait();
}

const scenario_run& run_set::run(std::size_t i) const { return *panels_[i]->run; }
const run_metrics& run_set::metrics(std::size_t i) const { return panels_[i]->metrics; }
const lane_store& run_set::lanes(std::size_t i) const { return panels_[i]->lanes; }
const lane_store* run_set::whole_lanes(std::size_t i) const {
  if (recorded_) return &panels_[i]->lanes;  // a recording has them all
  return panels_[i]->whole.lane_count() > 0 ? &panels_[i]->whole : nullptr;
}
const density_steps& run_set::density(std::size_t i) const { return panels_[i]->density; }
const std::vector<figure>& run_set::figures(std::size_t i) const { return panels_[i]->figures; }

double run_set::preparing_for_s() const {
  return preparing() ? std::chrono::duration<double>(steady::now() - preparing_since_).count() : 0.0;
}

// ---- Making runs ----

void run_set::reset(run_plan plan, bool keep_cursor) {
  after_install next;
  next.keep_cursor = keep_cursor;
  next.previous_cursor = preparing() ? after_.previous_cursor : cursor();
  next.was_done = preparing() ? after_.was_done : ended_;
  next.playing = preparing() ? after_.playing : (pacer_ ? pacer_->playing() : true);
  if (replay_) {  // step back: to that moment, paused
    next.previous_cursor = *replay_;
    next.was_done = false;
    next.playing = false;
    replay_.reset();
  }
  if (replay_steps_) {  // step back by one handler: that many, one at a time
    next.steps = *replay_steps_;
    next.previous_cursor = 0;
    next.was_done = false;
    next.playing = false;
    replay_steps_.reset();
  }
  after_ = next;
  if (preparing_.valid()) {
    abandon_->store(true);
    abandoned_.push_back(std::move(preparing_));
  }
  abandon_ = std::make_shared<std::atomic<bool>>(false);
  if (real_only_) real_clock_ = true;
  plan_ = std::move(plan);
  preparing_since_ = steady::now();
  // Off the UI thread: each variant run once to its end on the virtual clock
  // (how long the axis must be), and the runs to show, made.
  preparing_ =
      std::async(std::launch::async, [plan = plan_, real = real_clock_, real_only = real_only_, abandon = abandon_]() {
        prepared out;
        if (plan.reference) out.reference = plan.reference();
        std::vector<std::unique_ptr<scenario_run>> shadows;  // each variant run to its end here
        try {
          for (std::size_t i = 0; i < plan.count; ++i) {
            if (plan.recorded) {
              out.runs.push_back(plan.make(i, clock_kind::virtual_clock));
              out.end = std::max(out.end, compute_metrics(out.runs.back()->trace(), out.runs.back()->now()).window);
              continue;
            }
            if (real_only) continue;
            auto shadow = plan.make(i, clock_kind::virtual_clock);
            for (std::size_t n = 0; shadow->step(); ++n)
              if ((n & 0x3fff) == 0 && abandon->load()) {
                out.abandoned = true;
                return out;
              }
            out.end = std::max(out.end, compute_metrics(shadow->trace(), shadow->now()).window);
            // A large run on the virtual clock is shown as it was made here:
            // played live, its first moment (every task started) alone would
            // hold a frame for seconds.
            if (!real && shadow->trace().lane_count() > record_from) out.recorded = true;
            shadows.push_back(std::move(shadow));
          }
          if (out.recorded) {
            out.runs = std::move(shadows);
            for (const auto& r : out.runs) out.lanes.emplace_back().sync(r->trace());
          } else if (!plan.recorded) {
            // The whole run, known ahead of the cursor: when each timer
            // will fire (the runs shown are the same, step by step).
            if (!real)
              for (const auto& shadow : shadows) out.whole.emplace_back().sync(shadow->trace());
            shadows.clear();
            for (std::size_t i = 0; i < plan.count; ++i)
              out.runs.push_back(plan.make(i, real ? clock_kind::real_clock : clock_kind::virtual_clock));
          }
        } catch (const std::exception& e) {  // a real resource refused (a socket, a port): say so, show nothing
          out.runs.clear();
          out.failure = std::string("Could not set up the run: ") + e.what();
        }
        return out;
      });
  // Small runs are ready at once: no frame shows them as being prepared.
  if (preparing_.wait_for(std::chrono::milliseconds(40)) == std::future_status::ready) install(preparing_.get());
}

void run_set::restart() {
  if (plan_.make) reset(plan_, false);
}

void run_set::install(prepared p) {
  // The old runs are torn down off the UI thread: a real one joins its
  // threads, a large one unwinds every coroutine.
  if (!panels_.empty())
    abandoned_.push_back(std::async(std::launch::async, [old = std::move(panels_)]() mutable {
      old.clear();
      return prepared{};
    }));
  panels_.clear();
  pacer_.reset();
  failure_ = p.failure;
  if (!failure_.empty()) notice_ = {failure_, false};
  reference_ = p.reference;
  end_ = p.end;
  recorded_ = plan_.recorded || p.recorded;
  large_ = p.recorded;
  if (p.recorded && notice_.text.empty())
    notice_ = {"A large run: made in full first, then replayed. Step moves to the next moment it changed.", true};
  next_start_ = 0;
  ended_ = false;
  for (std::size_t i = 0; i < p.runs.size(); ++i) {
    auto panel_ptr = std::make_unique<panel>();
    panel_ptr->run = std::move(p.runs[i]);
    if (i < p.lanes.size()) panel_ptr->lanes = std::move(p.lanes[i]);
    if (i < p.whole.size()) panel_ptr->whole = std::move(p.whole[i]);
    panels_.push_back(std::move(panel_ptr));
  }
  if (real_clock_) {
    if (!hold_) start_pending();
  } else {
    std::vector<scenario_run*> runs;
    for (auto& panel_ptr : panels_) runs.push_back(panel_ptr->run.get());
    pacer_ = std::make_unique<pacer>(runs);
    if (recorded_) pacer_->set_recorded(end_);
    if (after_.steps) {  // the state is that many handlers in, and no more
      for (std::size_t n = 0; n < *after_.steps && pacer_->step(); ++n) {
      }
      pacer_->pause();
    } else if (after_.keep_cursor) {
      if (after_.was_done)
        run_to_end();
      else
        pacer_->seek_forward(after_.previous_cursor);
    }
    if (after_.to_end) run_to_end();
    if (after_.seek) seek(*after_.seek);
    if (after_.playing && !ended_) pacer_->play();
  }
  fit_requested_ = !after_.keep_cursor;
  after_ = {};
  sync();
}

void run_set::start_pending() {
  if (!real_clock_) return;
  hold_ = false;
  if (next_start_ == 0 && !panels_.empty()) {
    const std::size_t upto = in_turn_ ? 1 : panels_.size();
    for (; next_start_ < upto; ++next_start_) panels_[next_start_]->run->start();
  } else if (in_turn_ && next_start_ > 0 && next_start_ < panels_.size() &&
             panels_[next_start_ - 1]->run->main_done()) {
    panels_[next_start_++]->run->start();
  }
}

void run_set::set_real_only(bool in_turn) {
  real_only_ = true;
  in_turn_ = in_turn;
  real_clock_ = true;
}

void run_set::set_real_clock(bool real) {
  if (real == real_clock_) return;
  real_clock_ = real;
  if (plan_.make) reset(plan_, false);
}

// ---- Playback ----

void run_set::play() {
  if (preparing()) after_.playing = true;
  if (pacer_) {
    if (!ended_) pacer_->play();
  } else if (next_start_ == 0) {
    start_pending();
  }
}

void run_set::pause() {
  if (preparing()) after_.playing = false;
  if (pacer_) pacer_->pause();
}

void run_set::toggle_play() {
  if (playing())
    pause();
  else
    play();
}

bool run_set::playing() const { return preparing() ? after_.playing : (pacer_ && pacer_->playing()); }
double run_set::speed() const { return pacer_ ? pacer_->speed() : 1.0; }
void run_set::set_speed(double s) {
  if (pacer_) pacer_->set_speed(s);
}

void run_set::step() {
  if (!pacer_) return;
  if (pacer_->recorded()) {  // to the next moment anything happened
    const nanos now = pacer_->cursor();
    std::optional<nanos> next;
    for (const auto& p : panels_)
      for (lane_id id = 0; id < p->lanes.lane_count(); ++id) {
        const auto& events = p->lanes.events(id);
        const auto e = first_after(events, now);
        if (e != events.end() && (!next || e->t < *next)) next = e->t;
      }
    pacer_->pause();
    if (next) pacer_->seek_forward(*next);
  } else {
    pacer_->step();
  }
  sync();
}

void run_set::step_back() {
  if (!pacer_ || real_clock_ || preparing()) return;
  // Exactly one handler back: the runs made again, and that many handlers
  // run one at a time, in the order Step runs them.
  if (!pacer_->recorded()) {
    std::size_t handlers = 0;
    for (const auto& p : panels_) handlers += p->run->handlers_run();
    if (handlers == 0) return;
    replay_steps_ = handlers - 1;
    reset(plan_, true);
    return;
  }
  const nanos now = pacer_->cursor();
  if (now <= 0) return;
  nanos previous = 0;
  for (const auto& p : panels_)
    for (lane_id id = 0; id < p->lanes.lane_count(); ++id)
      for (const trace_event& e : p->lanes.events(id))
        if (e.t < now && e.t > previous) previous = e.t;
  replay_to(previous);
}

void run_set::to_start() {
  if (!pacer_ || real_clock_ || preparing() || pacer_->cursor() == 0) return;
  replay_to(0);
}

void run_set::replay_to(nanos t) {
  if (pacer_ && pacer_->recorded()) {  // all there already: the cursor goes back
    pacer_->rewind(t);
    ended_ = false;
    sync();
    return;
  }
  replay_ = t;
  reset(plan_, true);
}

// While runs are being made, a seek is kept for when they are in; a real
// run has no seeking, only its start. True when the pacer can take it now.
bool run_set::ready_to_seek(std::optional<nanos> t) {
  if (preparing()) {
    if (t)
      after_.seek = t;
    else
      after_.to_end = true;
    after_.playing = false;
    return false;
  }
  if (!pacer_) {
    if (next_start_ == 0) start_pending();
    return false;
  }
  pacer_->pause();
  return true;
}

void run_set::seek(nanos t) {
  if (!ready_to_seek(t)) return;
  if (pacer_->recorded() && t < pacer_->cursor()) {
    pacer_->rewind(t);
    ended_ = false;
  }
  pacer_->seek_forward(t);
  sync();
}

bool run_set::ended_by_cursor(std::size_t i) const {
  return run(i).finished() && (!pacer_ || pacer_->cursor() >= run(i).now());
}

bool run_set::returned_by_cursor(std::size_t i) const {
  return run(i).main_returned() && (!pacer_ || pacer_->cursor() >= run(i).returned());
}

void run_set::travel_to(nanos t) {
  if (!pacer_ || real_clock_ || preparing()) return;
  if (t < pacer_->cursor())
    replay_to(std::max<nanos>(t, 0));
  else
    seek(t);
}

void run_set::run_to_end() {
  if (!ready_to_seek(std::nullopt)) return;
  pacer_->seek_forward(std::max(end_, pacer_->cursor()));
  ended_ = true;
  sync();
}

void run_set::apply(const playback_request& r) {
  if (r.real_clock) set_real_clock(*r.real_clock);
  if (r.restart) restart();
  if (r.speed) set_speed(*r.speed);
  if (r.toggle_play) toggle_play();
  if (r.step) step();
  if (r.to_end) run_to_end();
  if (r.step_back) step_back();
  if (r.to_start) to_start();
}

playback_request& playback_request::operator|=(const playback_request& o) {
  toggle_play = toggle_play || o.toggle_play;
  step = step || o.step;
  step_back = step_back || o.step_back;
  to_start = to_start || o.to_start;
  to_end = to_end || o.to_end;
  restart = restart || o.restart;
  if (o.speed) speed = o.speed;
  if (o.real_clock) real_clock = o.real_clock;
  return *this;
}

nanos run_set::cursor() const {
  if (preparing() && panels_.empty()) return after_.previous_cursor;
  if (pacer_) return pacer_->cursor();
  nanos t = 0;
  for (std::size_t i = 0; i < panels_.size() && i < next_start_; ++i) {  // a run not started has no time yet
    const auto& p = panels_[i];
    // Every main done, a server still serves: its clock stands at the last
    // thing that happened (a request made later moves it on), not at now.
    t = std::max(t, p->run->finished() ? p->metrics.window : ended_ ? p->lanes.last_time() : p->run->now());
  }
  return t;
}

bool run_set::animating() const {
  return preparing() || (pacer_ && pacer_->playing()) || (real_clock_ && next_start_ > 0 && !ended_);
}

// ---- Reading what the runs wrote ----

void run_set::tick(double wall_seconds) {
  for (auto it = abandoned_.begin(); it != abandoned_.end();)
    it = it->wait_for(std::chrono::seconds(0)) == std::future_status::ready ? abandoned_.erase(it) : it + 1;
  if (preparing_.valid() && preparing_.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
    install(preparing_.get());
  if (pacer_) pacer_->tick(static_cast<nanos>(wall_seconds * 1e9));
  sync();
}

bool run_set::figures_pending() const {
  if (!large_) return false;
  const nanos at = pacer_ ? pacer_->cursor() : 0;
  return std::any_of(panels_.begin(), panels_.end(), [&](const auto& p) {
    return p->computing.valid() || p->metrics_now != std::min(p->run->now(), at);
  });
}

void run_set::sync() {
  const auto now = steady::now();
  for (auto& p : panels_) {
    // A large recording's lanes were read in full when it was made; its
    // figures' thread reads them.
    if (!large_) p->lanes.sync(p->run->trace());
    const nanos loop_now = figures_now(*p);
    // Metrics follow the events and the clock, but no more often than a few
    // times a second, and never taking more than a fifth of the time.
    if (large_) {  // a complete recording: read from another thread, nothing writes it
      if (p->computing.valid() && p->computing.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
        panel::figures_at f = p->computing.get();
        p->metrics = std::move(f.metrics);
        p->density = std::move(f.density);
        p->metrics_now = p->computing_now;
        p->metrics_events = p->lanes.event_count();
        p->metrics_cost_s = std::chrono::duration<double>(now - p->metrics_at).count();
        p->metrics_at = now;
      }
      // While it plays, at most a fifth of a core: a computation waits for
      // four times the last one's length after it.
      const double since = std::chrono::duration<double>(now - p->metrics_at).count();
      if (!p->computing.valid() && p->metrics_now != loop_now && since >= 4 * p->metrics_cost_s) {
        p->metrics_at = now;
        p->computing_now = loop_now;
        p->computing = std::async(std::launch::async, [run = p->run.get(), lanes = &p->lanes, loop_now] {
          return panel::figures_at{metrics_of(run->trace(), *lanes, loop_now), compute_density(*lanes, loop_now)};
        });
      }
      if (p->run->main_done()) p->figures = p->run->figures();
      continue;
    }
    const bool stale = p->metrics_events != p->lanes.event_count() || p->metrics_now != loop_now;
    const double since = std::chrono::duration<double>(now - p->metrics_at).count();
    const bool final = p->run->finished();                       // its last figures at once
    const double period = real_clock_ ? metrics_period_s : 0.0;  // a paced run changes only when we step it
    if (stale && (final || since >= std::max(period, 5 * p->metrics_cost_s))) compute_figures(*p, loop_now, now);
    if (p->run->main_done()) p->figures = p->run->figures();
  }
  const bool was_ended = ended_;
  if (pacer_ && pacer_->finished()) ended_ = true;
  if (real_clock_ && next_start_ > 0) {
    start_pending();  // the next variant, when they run in turn
    // Done when every main is: a lesson's server may go on serving.
    if (!ended_ && next_start_ == panels_.size() &&
        std::all_of(panels_.begin(), panels_.end(), [](const auto& p) { return p->run->main_done(); })) {
      ended_ = true;
      fit_requested_ = true;
    }
  }
  if (ended_ && !was_ended && !large_) {
    // A run that ended on its own thread since its lanes were read above:
    // its last events are read, and the figures it ends with are whole.
    for (auto& p : panels_) {
      p->lanes.sync(p->run->trace());
      const nanos loop_now = figures_now(*p);
      if (p->metrics_events == p->lanes.event_count() && p->metrics_now == loop_now) continue;
      compute_figures(*p, loop_now, now);
      if (p->run->main_done()) p->figures = p->run->figures();
    }
  }
}

nanos run_set::figures_now(const panel& p) const {
  return pacer_ || ended_ ? std::min(p.run->now(), cursor()) : p.run->now();
}

void run_set::compute_figures(panel& p, nanos loop_now, steady::time_point now) {
  const auto t0 = steady::now();
  p.metrics = metrics_of(p.run->trace(), p.lanes, loop_now);
  p.metrics_events = p.lanes.event_count();
  p.metrics_now = loop_now;
  p.metrics_at = now;
  std::size_t tasks = 0;
  for (lane_id id = 0; id < p.lanes.lane_count(); ++id) tasks += p.lanes.info(id).kind == lane_kind::task;
  if (tasks > density_from) p.density = compute_density(p.lanes, loop_now);
  p.metrics_cost_s = std::chrono::duration<double>(steady::now() - t0).count();
}

// ---- Acting ----

void run_set::cancel(std::size_t variant, lane_id lane) {
  if (variant >= panels_.size()) return;
  panels_[variant]->run->cancel(lane);
  panels_[variant]->whole = lane_store{};  // the run goes its own way now: its future is not known
}

notice run_set::export_trace(const std::string& path) const {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return {"Could not write " + path + ": " + std::strerror(errno), false};
  std::vector<trace_source> sources;
  for (const auto& p : panels_) sources.push_back({p->run->variant(), &p->run->trace(), p->run->now()});
  write_chrome_trace(out, sources);
  out.close();
  if (!out) return {"Writing " + path + " failed", false};
  return {"Trace written to " + path + " (open it in ui.perfetto.dev)", true};
}

}  // namespace loopscope::gui
