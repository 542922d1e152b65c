// Lesson 8: timeouts and cancellation.
#include <boost/asio/this_coro.hpp>

#include "core/metrics.hpp"
#include "lessons/lesson.hpp"
#include "lessons/support.hpp"

namespace loopscope::lessons {

namespace {

// [lesson]
// A slow fetch that always closes its connection, however it ends: the
// `finally` below runs after a cancellation too, and takes time of its own.
awaitable<void> fetch_report(nanoseconds latency, nanoseconds close_time) {
  std::exception_ptr stopped;
  try {
    co_await sleep(latency);  // a cancellation lands here, at the suspension point
  } catch (...) {
    stopped = std::current_exception();
  }
  // finally: close the connection (allowed to await, even when cancelled)
  co_await asio::this_coro::reset_cancellation_state();
  co_await sleep(close_time);
  if (stopped) std::rethrow_exception(stopped);
}

// Wait as long as it takes.
awaitable<void> patiently(scenario_run& run, std::vector<task_handle>& tasks, nanoseconds latency,
                          nanoseconds close_time) {
  co_await start_task(run, tasks, 1, fetch_report(latency, close_time)).join();
}

// asyncio.wait_for: past the timeout the fetch is cancelled; its cleanup
// runs; only then does TimeoutError reach us.
awaitable<void> with_deadline(nanoseconds latency, nanoseconds close_time, nanoseconds timeout) {
  auto bounded = with_timeout(fetch_report(latency, close_time), timeout);
  co_await std::move(bounded);
}

awaitable<void> impatiently(scenario_run& run, std::vector<task_handle>& tasks, nanoseconds latency,
                            nanoseconds close_time, nanoseconds timeout) {
  co_await start_task(run, tasks, 1, with_deadline(latency, close_time, timeout)).join();
}
// [/lesson]

}  // namespace

lesson lesson_timeouts() {
  lesson l;
  l.id = "timeouts";
  l.title = "Timeouts and cancellation";
  l.summary = "wait_for cancels a slow call at its await; its cleanup still runs; then TimeoutError.";
  l.params = {{"latency", "the fetch", 100, 5000, 1500, "ms", "How long the report takes to arrive"},
              {"timeout", "timeout", 100, 5000, 1000, "ms", "How long wait_for waits"},
              {"close", "cleanup", 0, 2000, 300, "ms", "How long closing the connection takes"}};
  l.variants = {"no timeout", "wait_for"};
  l.make = [](std::size_t variant, const values& v, const loop_options& options) {
    const nanoseconds latency = ms_of(v.at("latency")), timeout = ms_of(v.at("timeout")), close = ms_of(v.at("close"));
    if (variant == 0)
      return make_run(options, "no timeout", {"fetch report"}, [=](scenario_run& r, std::vector<task_handle>& t) {
        return patiently(r, t, latency, close);
      });
    return make_run(options, "wait_for", {"fetch report"}, [=](scenario_run& r, std::vector<task_handle>& t) {
      return impatiently(r, t, latency, close, timeout);
    });
  };
  l.predict = {"With wait_for, when does the caller get its TimeoutError, in seconds?", "s", {},
               [](const std::vector<outcome>& runs) { return static_cast<double>(runs[1].run->returned) / 1e9; }};
  return l;
}

}  // namespace loopscope::lessons
