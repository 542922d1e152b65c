// Lesson 5: blocking the loop.
#include "lessons/lesson.hpp"

#include "lessons/launched.hpp"

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
awaitable<void> handle_with_async_driver(nanoseconds latency) { co_await sleep(latency); }

// The other fix, when only a blocking driver exists: run it on a thread
// (asyncio.to_thread), and await the thread.
awaitable<void> handle_offloaded(nanoseconds latency) { co_await to_thread(latency); }

// Every request at once, each handled by `handle`.
awaitable<void> serve(int requests, auto handle, nanoseconds latency) {
  std::vector<task_handle> handlers;
  for (int i = 1; i <= requests; ++i) handlers.push_back(spawn(handle(latency), "request " + std::to_string(i)));
  co_await gather(handlers);
}
// [/lesson]

// A variant: the same requests, served by `handle`, with the pool the
// slider sets.
template <class Handler>
variant serving(std::string name, Handler handle) {
  return {std::move(name), [handle](const values& v, run_setup s) {
            const int requests = static_cast<int>(v.at("requests"));
            s.loop.pool_size = static_cast<int>(v.at("pool"));
            return launch(s.variant, s.loop, numbered("request", requests), serve(requests, handle, ms(v.at("query"))));
          }};
}

}  // namespace

lesson lesson_blocking() {
  lesson l;
  l.variants = {serving("blocking driver", handle_with_blocking_driver),
                serving("async driver", handle_with_async_driver), serving("to_thread", handle_offloaded)};
  l.predict.answer = [](const outcomes& o) { return o.makespan_s("blocking driver"); };
  l.predict.why = [](const outcomes& o) {
    return "Each blocking query holds the loop's only thread, so the requests are answered one after another: " +
           said(o.metrics("blocking driver").makespan) +
           ". The async driver lets them wait together: " + said(o.metrics("async driver").makespan) + ".";
  };
  return l;
}

}  // namespace loopscope::lessons
