// Lesson 1: a coroutine suspends and resumes.
#include "lessons/lesson.hpp"

#include "lessons/launched.hpp"

namespace loopscope::lessons {

namespace {

// [lesson]
// A coroutine runs until it awaits something not done yet. There it
// suspends: it gives the loop back while its timer runs. When the timer's
// time comes, its callback queues the task (ready), and on its next pass
// the loop resumes it right where it stopped.
awaitable<void> fetch_page(nanoseconds latency) {
  co_await sleep(latency);  // suspend here; resume once the timer has fired
}

// One task awaiting one timer.
awaitable<void> one_timer(nanoseconds home) { co_await spawn(fetch_page(home), "fetch /home").join(); }

// Two tasks, each awaiting a timer of its own: they wait at the same time.
awaitable<void> two_timers(nanoseconds home, nanoseconds about) {
  std::vector<task_handle> pages{spawn(fetch_page(home), "fetch /home"), spawn(fetch_page(about), "fetch /about")};
  co_await gather(pages);
}
// [/lesson]

}  // namespace

lesson lesson_await() {
  lesson l;
  l.variants = {launched(
                    "one timer", [](const values&) { return std::vector<std::string>{"fetch /home"}; },
                    [](const values& v) { return one_timer(ms(v.at("home"))); }),
                launched(
                    "two timers",
                    [](const values&) {
                      return std::vector<std::string>{"fetch /home", "fetch /about"};
                    },
                    [](const values& v) { return two_timers(ms(v.at("home")), ms(v.at("about"))); })};
  l.sandbox = [](const values& v) {
    lesson::in_sandbox s;
    s.work.durations = {ms(v.at("home")).count(), ms(v.at("about")).count()};
    s.work.tasks = 2;
    s.strategies = {strategy::sequential, strategy::gather};
    return s;
  };
  l.predict.answer = [](const outcomes& o) { return o.makespan_s("two timers"); };
  l.predict.why = [](const outcomes& o) {
    nanos sum = 0;
    for (const lane_stats* t : task_stats(o, "two timers")) sum += t->end - t->start;
    return "Both timers wait at the same time, so the run ends with the longer one (" +
           said(o.metrics("two timers").makespan) + "), not after their sum (" + said(sum) + ").";
  };
  return l;
}

}  // namespace loopscope::lessons
