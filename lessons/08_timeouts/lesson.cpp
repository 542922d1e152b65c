// Lesson 8: timeouts and cancellation.
#include "lessons/lesson.hpp"

#include <boost/asio/this_coro.hpp>

#include "lessons/launched.hpp"

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
awaitable<void> patiently(nanoseconds latency, nanoseconds close_time) {
  co_await spawn(fetch_report(latency, close_time), "fetch report").join();
}

// asyncio.wait_for: past the timeout the fetch is cancelled; its cleanup
// runs; only then does TimeoutError reach us.
awaitable<void> with_deadline(nanoseconds latency, nanoseconds close_time, nanoseconds timeout) {
  co_await with_timeout(fetch_report(latency, close_time), timeout);
}

awaitable<void> impatiently(nanoseconds latency, nanoseconds close_time, nanoseconds timeout) {
  co_await spawn(with_deadline(latency, close_time, timeout), "fetch report").join();
}
// [/lesson]

}  // namespace

lesson lesson_timeouts() {
  lesson l;
  const auto fetch = [](const values&) { return std::vector<std::string>{"fetch report"}; };
  l.variants = {
      launched("no timeout", fetch, [](const values& v) { return patiently(ms(v.at("latency")), ms(v.at("close"))); }),
      launched("wait_for", fetch, [](const values& v) {
        return impatiently(ms(v.at("latency")), ms(v.at("close")), ms(v.at("timeout")));
      })};
  l.predict.answer = [](const outcomes& o) { return o.returned_s("wait_for"); };
  return l;
}

}  // namespace loopscope::lessons
