// Lesson 1: a coroutine suspends and resumes.
#include "core/metrics.hpp"
#include "lessons/lesson.hpp"
#include "lessons/support.hpp"

namespace loopscope::lessons {

namespace {

// [lesson]
// A coroutine runs until it reaches an await. There it suspends: it gives
// the loop back while its timer runs. When the timer fires, the task is
// woken (ready) and the loop resumes it right where it stopped.
awaitable<void> fetch_page(nanoseconds latency) {
  co_await sleep(latency);  // suspend here; resume when the timer fires
}

// One task awaiting one timer.
awaitable<void> one_timer(scenario_run& run, std::vector<task_handle>& tasks, nanoseconds home) {
  co_await start_task(run, tasks, 1, fetch_page(home)).join();
}

// Two tasks, each awaiting a timer of its own: they wait at the same time.
awaitable<void> two_timers(scenario_run& run, std::vector<task_handle>& tasks, nanoseconds home,
                           nanoseconds about) {
  start_task(run, tasks, 1, fetch_page(home));
  start_task(run, tasks, 2, fetch_page(about));
  auto both = gather(tasks);
  co_await std::move(both);
}
// [/lesson]

}  // namespace

lesson lesson_await() {
  lesson l;
  l.id = "await";
  l.title = "A coroutine suspends and resumes";
  l.summary = "One task awaits a timer: running, waiting, ready, running, done. Then two at once.";
  l.params = {{"home", "fetch /home", 10, 5000, 1000, "ms", "How long the first page takes"},
              {"about", "fetch /about", 10, 5000, 500, "ms", "How long the second page takes"}};
  l.variants = {"one timer", "two timers"};
  l.make = [](std::size_t variant, const values& v, const loop_options& options) {
    const nanoseconds home = ms_of(v.at("home")), about = ms_of(v.at("about"));
    if (variant == 0)
      return make_run(options, "one timer", {"fetch /home"},
                      [home](scenario_run& r, std::vector<task_handle>& t) { return one_timer(r, t, home); });
    return make_run(options, "two timers", {"fetch /home", "fetch /about"},
                    [home, about](scenario_run& r, std::vector<task_handle>& t) { return two_timers(r, t, home, about); });
  };
  l.predict = {"Two tasks wait at the same time. How long does the run with two timers take?", "s", {},
               [](const std::vector<outcome>& runs) { return static_cast<double>(runs[1].metrics->makespan) / 1e9; }};
  return l;
}

}  // namespace loopscope::lessons
