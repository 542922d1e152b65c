// Lesson 2: sequential awaits add up.
#include "lessons/lesson.hpp"

#include "lessons/launched.hpp"

namespace loopscope::lessons {

namespace {

// [lesson]
awaitable<void> fetch_page(nanoseconds latency) {
  co_await sleep(latency);  // waiting for the server
}

// `for latency in latencies: await fetch_page(latency)`: each await
// finishes before the next fetch even starts.
awaitable<void> await_in_a_loop(std::vector<nanoseconds> latencies) {
  for (std::size_t i = 0; i < latencies.size(); ++i)
    co_await spawn(fetch_page(latencies[i]), "fetch page " + std::to_string(i + 1)).join();
}

// The same fetches started together, then awaited together.
awaitable<void> all_at_once(std::vector<nanoseconds> latencies) {
  std::vector<task_handle> pages;
  for (std::size_t i = 0; i < latencies.size(); ++i)
    pages.push_back(spawn(fetch_page(latencies[i]), "fetch page " + std::to_string(i + 1)));
  co_await gather(pages);
}
// [/lesson]

// Page i takes the typical latency × 1, 1.5 or 0.5, in turn: not every
// page is as slow.
std::vector<nanoseconds> latencies(const values& v) {
  constexpr double factor[] = {1.0, 1.5, 0.5};
  std::vector<nanoseconds> out;
  for (int i = 0; i < static_cast<int>(v.at("pages")); ++i) out.push_back(ms(v.at("latency") * factor[i % 3]));
  return out;
}

}  // namespace

lesson lesson_sequential() {
  lesson l;
  const auto pages = tasks_named("fetch page", "pages");
  l.variants = {launched("await in a loop", pages, [](const values& v) { return await_in_a_loop(latencies(v)); }),
                launched("gather", pages, [](const values& v) { return all_at_once(latencies(v)); })};
  l.sandbox = [](const values& v) { return tasks_in_sandbox(latencies(v), {strategy::sequential, strategy::gather}); };
  l.predict.answer = [](const outcomes& o) { return o.makespan_s("await in a loop"); };
  l.predict.why = [](const outcomes& o) {
    const auto tasks = task_stats(o, "await in a loop");
    return "Each fetch starts only when the one before it is back, so the " + std::to_string(tasks.size()) +
           " waits add up: " + said(o.metrics("await in a loop").makespan) +
           ". Gathered, they overlap: " + said(o.metrics("gather").makespan) + ".";
  };
  return l;
}

}  // namespace loopscope::lessons
