// Lesson 4: bounded by a semaphore.
#include "lessons/lesson.hpp"

#include "lessons/launched.hpp"

namespace loopscope::lessons {

namespace {

// [lesson]
awaitable<void> call_api(nanoseconds latency) {
  co_await sleep(latency);  // the API is working on our request
}

// `async with limit: await call_api()`: wait for a permit, hold it while
// the request is out, give it back at the end of the block.
awaitable<void> polite_call(semaphore limit, nanoseconds latency) {
  auto permit = co_await limit.acquire();
  co_await call_api(latency);
}

// Every request at once.
awaitable<void> flood(int requests, nanoseconds latency) {
  std::vector<task_handle> calls;
  for (int i = 1; i <= requests; ++i) calls.push_back(spawn(call_api(latency), "request " + std::to_string(i)));
  co_await gather(calls);
}

// Every request started, but at most `limit` of them out at once.
awaitable<void> bounded(int requests, int limit, nanoseconds latency) {
  semaphore permits(limit);
  std::vector<task_handle> calls;
  for (int i = 1; i <= requests; ++i)
    calls.push_back(spawn(polite_call(permits, latency), "request " + std::to_string(i)));
  co_await gather(calls);
}
// [/lesson]

}  // namespace

lesson lesson_semaphore() {
  lesson l;
  const auto requests = tasks_named("request", "requests");
  l.variants = {
      launched("gather", requests,
               [](const values& v) { return flood(static_cast<int>(v.at("requests")), ms(v.at("latency"))); }),
      launched("bounded", requests, [](const values& v) {
        return bounded(static_cast<int>(v.at("requests")), static_cast<int>(v.at("limit")), ms(v.at("latency")));
      })};
  l.sandbox = [](const values& v) {
    lesson::in_sandbox s;
    s.work.tasks = static_cast<int>(v.at("requests"));
    s.work.duration = ms(v.at("latency")).count();
    s.work.limit = static_cast<int>(v.at("limit"));
    s.strategies = {strategy::gather, strategy::bounded};
    return s;
  };
  l.predict.answer = [](const outcomes& o) { return o.makespan_s("bounded"); };
  l.predict.why = [](const outcomes& o) {
    const auto& m = o.metrics("bounded");
    return "No more than " + std::to_string(m.peak_concurrency) + " requests were out at once, so the " +
           std::to_string(task_stats(o, "bounded").size()) + " requests went in turns: " + said(m.makespan) +
           ". Gather sent them all at once: " + said(o.metrics("gather").makespan) + ".";
  };
  return l;
}

}  // namespace loopscope::lessons
