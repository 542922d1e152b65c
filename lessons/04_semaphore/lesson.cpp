// Lesson 4: bounded by a semaphore.
#include "core/metrics.hpp"
#include "lessons/lesson.hpp"
#include "lessons/support.hpp"

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
awaitable<void> flood(scenario_run& run, std::vector<task_handle>& tasks, int requests, nanoseconds latency) {
  for (int i = 1; i <= requests; ++i) start_task(run, tasks, i, call_api(latency));
  auto all = gather(tasks);
  co_await std::move(all);
}

// Every request started, but at most `limit` of them out at once.
awaitable<void> bounded(scenario_run& run, std::vector<task_handle>& tasks, int requests, int limit,
                        nanoseconds latency) {
  semaphore permits(limit);
  for (int i = 1; i <= requests; ++i) start_task(run, tasks, i, polite_call(permits, latency));
  auto all = gather(tasks);
  co_await std::move(all);
}
// [/lesson]

}  // namespace

lesson lesson_semaphore() {
  lesson l;
  l.id = "semaphore";
  l.title = "Bounded by a semaphore";
  l.summary = "At most k requests out at once: total about ceil(N/k) x latency, and the server survives.";
  l.params = {{"requests", "requests", 1, 60, 12, "requests", "How many API calls to make"},
              {"limit", "limit", 1, 20, 3, "at once", "Permits of the semaphore"},
              {"latency", "latency", 10, 3000, 500, "ms", "How long one call takes"}};
  l.variants = {"gather", "bounded"};
  l.make = [](std::size_t variant, const values& v, const loop_options& options) {
    const int requests = static_cast<int>(v.at("requests"));
    const int limit = static_cast<int>(v.at("limit"));
    const nanoseconds latency = ms_of(v.at("latency"));
    if (variant == 0)
      return make_run(options, "gather", numbered("request", requests),
                      [=](scenario_run& r, std::vector<task_handle>& t) { return flood(r, t, requests, latency); });
    return make_run(options, "bounded", numbered("request", requests), [=](scenario_run& r, std::vector<task_handle>& t) {
      return bounded(r, t, requests, limit, latency);
    });
  };
  l.predict = {"With the semaphore, how long do all the requests take, in seconds?", "s", {},
               [](const std::vector<outcome>& runs) { return static_cast<double>(runs[1].metrics->makespan) / 1e9; }};
  return l;
}

}  // namespace loopscope::lessons
