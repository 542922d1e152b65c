#include "core/scenario.hpp"

#include <cassert>
#include <new>

#include "core/launch.hpp"
#include "core/loop.hpp"

namespace loopscope {

// ---- The handle ----

scenario_run::scenario_run() = default;
// The loop goes first: tearing it down unwinds coroutines that still use the run.
scenario_run::~scenario_run() { stop_loop(); }
void scenario_run::stop_loop() { loop_.reset(); }

clock_kind scenario_run::clock() const { return loop_->clock(); }
const trace& scenario_run::trace() const { return loop_->trace(); }
nanos scenario_run::now() const { return loop_->now(); }
bool scenario_run::finished() const { return loop_->finished(); }
std::size_t scenario_run::live_tasks() const { return loop_->live_tasks(); }
std::size_t scenario_run::handlers_run() const { return loop_->handlers_run(); }
std::string scenario_run::error_text() const { return error_ ? describe(error_) : error_text_; }

void scenario_run::set_identity(std::string variant, lane_id main_lane, std::vector<lane_id> task_lanes) {
  variant_ = std::move(variant);
  main_lane_ = main_lane;
  task_lanes_ = std::move(task_lanes);
}

void scenario_run::set_outcome(nanos returned, std::string error_text) {
  returned_ = returned;
  error_text_ = std::move(error_text);
  main_returned_.store(true, std::memory_order_release);
  main_done_.store(true, std::memory_order_release);
}

std::optional<int> scenario_run::shown_line(site_id site) const {
  if (site == no_site || shown_.lines <= 0 || site >= trace().site_count()) return std::nullopt;
  const code_site& s = trace().site(site);
  const bool same_file = s.file.size() >= shown_.file.size() &&
                         s.file.compare(s.file.size() - shown_.file.size(), shown_.file.size(), shown_.file) == 0;
  const int line = static_cast<int>(s.line) - shown_.first_line + 1;
  if (!same_file || line < 1 || line > shown_.lines) return std::nullopt;
  return line;
}

bool scenario_run::step() { return loop_->step(); }
void scenario_run::run_until(nanos t) { loop_->run_until(t); }
std::optional<nanos> scenario_run::next_due() const { return loop_->next_due(); }
void scenario_run::run_to_end() { loop_->run(); }
void scenario_run::start() { loop_->start(); }
void scenario_run::wait() { loop_->wait(); }
bool scenario_run::started() const { return loop_->started(); }
void scenario_run::cancel(lane_id lane) { loop_->cancel(lane); }
void scenario_run::cancel_all() { loop_->cancel_all(); }
void scenario_run::interrupt() { loop_->interrupt(); }

// ---- Setting up ----

struct scenario_setup {
  static void prepare(scenario_run& run, std::string variant, const loop_options& options,
                      const std::vector<std::string>& tasks, planning how) {
    run.variant_ = std::move(variant);
    run.loop_ = std::make_unique<event_loop>(options);
    event_loop& l = *run.loop_;
    run.main_lane_ = l.add_lane(lane_kind::main, "main");
    run.task_lanes_.reserve(tasks.size());
    for (const auto& name : tasks)
      run.task_lanes_.push_back(how == planning::by_name ? l.plan_task(name, run.main_lane_)
                                                         : l.add_lane(lane_kind::task, name, run.main_lane_));
  }

  static awaitable<void> supervise(scenario_run& run, awaitable<void> body) {
    event_loop& l = current_loop();
    try {
      co_await std::move(body);
    } catch (const std::bad_alloc&) {
      throw;  // not main's error: the process is out of memory (event_loop)
    } catch (...) {
      run.error_ = std::current_exception();
    }
    run.returned_ = l.now();
    run.main_returned_.store(true, std::memory_order_release);
    // Only main's own cancellation ends it here; a child's CancelledError that
    // gather passed on is an error like any other, as in asyncio.
    if (is_cancellation(run.error_) && l.cancelling(run.main_lane_) > 0) {
      run.main_done_.store(true, std::memory_order_release);
      std::rethrow_exception(run.error_);
    }
    // Every task it spawned, however: lanes a scenario marks for itself
    // (threads, a load generator's requests) were never spawned.
    for (lane_id lane = 0; lane < l.trace().lane_count(); ++lane)
      if (lane != run.main_lane_ && l.trace().lane(lane).kind == lane_kind::task && l.lane_spawned(lane))
        co_await task_handle(&l, lane).wait();
    run.main_done_.store(true, std::memory_order_release);
  }

  static void spawn_main(scenario_run& run, awaitable<void> body) {
    assert(run.loop_ && "prepare() first");
    run.loop_->spawn_on(run.main_lane_, supervise(run, std::move(body)));
  }
};

void prepare(scenario_run& run, std::string variant, const loop_options& options, const std::vector<std::string>& tasks,
             planning how) {
  scenario_setup::prepare(run, std::move(variant), options, tasks, how);
}

void spawn_main(scenario_run& run, awaitable<void> body) { scenario_setup::spawn_main(run, std::move(body)); }

std::unique_ptr<scenario_run> launch(std::string variant, const loop_options& options,
                                     const std::vector<std::string>& tasks, awaitable<void> body) {
  auto run = std::make_unique<scenario_run>();
  prepare(*run, std::move(variant), options, tasks);
  spawn_main(*run, std::move(body));
  return run;
}

std::vector<std::string> numbered(const std::string& what, int n) {
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(std::max(n, 0)));
  for (int i = 1; i <= n; ++i) names.push_back(what + " " + std::to_string(i));
  return names;
}

}  // namespace loopscope
