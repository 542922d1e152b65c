// Lesson 5: blocking the loop.
#include "core/metrics.hpp"
#include "lessons/lesson.hpp"
#include "lessons/support.hpp"

namespace loopscope::lessons {

namespace {

// [lesson]
// A synchronous database driver: the call does not return until the
// answer is back, and the thread that made it can do nothing else.
void blocking_query(nanoseconds latency) { block(latency); }  // time.sleep(latency)

// The classic mistake: a blocking call inside a coroutine. It holds the
// loop for the whole query; every other task is ready and cannot run.
awaitable<void> handle_with_blocking_driver(nanoseconds latency) {
  blocking_query(latency);
  co_return;
}

// The fix: an async driver. The query is awaited; the loop runs others.
awaitable<void> handle_with_async_driver(nanoseconds latency) {
  co_await sleep(latency);
}

// The other fix, when only a blocking driver exists: run it on a thread
// (asyncio.to_thread), and await the thread.
awaitable<void> handle_offloaded(nanoseconds latency) {
  co_await to_thread(latency);
}

template <class Handler>
awaitable<void> serve(scenario_run& run, std::vector<task_handle>& tasks, int requests, Handler handle,
                      nanoseconds latency) {
  for (int i = 1; i <= requests; ++i) start_task(run, tasks, i, handle(latency));
  auto all = gather(tasks);
  co_await std::move(all);
}
// [/lesson]

}  // namespace

lesson lesson_blocking() {
  lesson l;
  l.id = "blocking";
  l.title = "Blocking the loop";
  l.summary = "One blocking call in a coroutine freezes every task; the async call or a thread fixes it.";
  l.params = {{"requests", "requests", 1, 20, 5, "requests", "Requests handled at once"},
              {"query", "query", 10, 2000, 300, "ms", "How long the database takes to answer"},
              {"pool", "threads", 1, 8, 4, "threads", "Threads of the pool to_thread uses"}};
  l.variants = {"blocking driver", "async driver", "to_thread"};
  l.make = [](std::size_t variant, const values& v, const loop_options& base) {
    const int requests = static_cast<int>(v.at("requests"));
    const nanoseconds query = ms_of(v.at("query"));
    loop_options options = base;
    options.pool_size = static_cast<int>(v.at("pool"));
    const auto names = numbered("request", requests);
    if (variant == 0)
      return make_run(options, "blocking driver", names, [=](scenario_run& r, std::vector<task_handle>& t) {
        return serve(r, t, requests, handle_with_blocking_driver, query);
      });
    if (variant == 1)
      return make_run(options, "async driver", names, [=](scenario_run& r, std::vector<task_handle>& t) {
        return serve(r, t, requests, handle_with_async_driver, query);
      });
    return make_run(options, "to_thread", names, [=](scenario_run& r, std::vector<task_handle>& t) {
      return serve(r, t, requests, handle_offloaded, query);
    });
  };
  l.predict = {"With the blocking driver, how long until every request is answered, in seconds?", "s", {},
               [](const std::vector<outcome>& runs) { return static_cast<double>(runs[0].metrics->makespan) / 1e9; }};
  return l;
}

}  // namespace loopscope::lessons
