// Lesson 8: timeouts and cancellation.
#include "lessons/lesson.hpp"

#include "lessons/launched.hpp"

namespace loopscope::lessons {

namespace {

// [lesson]
// A slow fetch that always closes its connection, however it ends: the
// cleanup below runs after a cancellation too, and takes time of its own.
awaitable<void> fetch_report(nanoseconds latency, nanoseconds close_time) {
  std::exception_ptr stopped;
  try {
    co_await sleep(latency);  // a cancellation is raised here, at the await
  } catch (...) {
    stopped = std::current_exception();
  }
  co_await sleep(close_time);  // finally: close the connection (it may await, even when cancelled)
  if (stopped) std::rethrow_exception(stopped);
}

// Wait as long as it takes.
awaitable<void> patiently(nanoseconds latency, nanoseconds close_time) {
  co_await spawn(fetch_report(latency, close_time), "fetch report").join();
}

// asyncio.wait_for(fetch, timeout): past the timeout, our await of the
// fetch is cancelled, and with it the fetch itself; its cleanup runs; only
// when it has ended does TimeoutError reach us.
awaitable<void> impatiently(nanoseconds latency, nanoseconds close_time, nanoseconds timeout) {
  auto fetch = spawn(fetch_report(latency, close_time), "fetch report");
  co_await wait_for(fetch.join(), timeout);
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
  l.predict.answer = [](const outcomes& o) -> std::optional<double> {
    if (!is_timeout(o.run("wait_for").error())) return std::nullopt;
    return o.returned_s("wait_for");
  };
  l.predict.why = [](const outcomes& o) {
    const nanos got = static_cast<nanos>(o.returned_s("wait_for") * 1e9);
    if (!is_timeout(o.run("wait_for").error()))
      return "The fetch was back before the deadline, so wait_for returned its result at " + said(got) + ".";
    return "At the deadline the fetch was cancelled where it waited; it ran its cleanup, and only then did the "
           "caller get TimeoutError, at " +
           said(got) + ". Without a timeout the fetch took " + said(o.metrics("no timeout").makespan) + ".";
  };
  return l;
}

}  // namespace loopscope::lessons
