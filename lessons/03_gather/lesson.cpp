// Lesson 3: concurrent with gather.
#include "lessons/lesson.hpp"

#include "lessons/launched.hpp"

namespace loopscope::lessons {

namespace {

// [lesson]
awaitable<void> fetch_page(nanoseconds latency) {
  co_await sleep(latency);  // waiting for the server
}

// One fetch after another.
awaitable<void> one_by_one(std::vector<nanoseconds> latencies) {
  for (std::size_t i = 0; i < latencies.size(); ++i)
    co_await spawn(fetch_page(latencies[i]), "fetch page " + std::to_string(i + 1)).join();
}

// asyncio.gather: every fetch is a task, started now; gather waits for all.
awaitable<void> gathered(std::vector<nanoseconds> latencies) {
  std::vector<task_handle> pages;
  for (std::size_t i = 0; i < latencies.size(); ++i)
    pages.push_back(spawn(fetch_page(latencies[i]), "fetch page " + std::to_string(i + 1)));
  co_await gather(pages);
}
// [/lesson]

// Page i takes latency × (1 + spread × a fixed pattern in [-1, 1]).
std::vector<nanoseconds> latencies(const values& v) {
  const int pages = static_cast<int>(v.at("pages"));
  std::vector<nanoseconds> out;
  for (int i = 1; i <= pages; ++i) {
    const double f = pages == 1 ? 0.0 : -1.0 + 2.0 * ((i * 7) % pages) / (pages - 1);
    out.push_back(ms(v.at("latency") * (1.0 + v.at("spread") / 100.0 * f)));
  }
  return out;
}

}  // namespace

lesson lesson_gather() {
  lesson l;
  const auto pages = tasks_named("fetch page", "pages");
  l.variants = {launched("sequential", pages, [](const values& v) { return one_by_one(latencies(v)); }),
                launched("gather", pages, [](const values& v) { return gathered(latencies(v)); })};
  l.sandbox = [](const values& v) { return tasks_in_sandbox(latencies(v), {strategy::sequential, strategy::gather}); };
  l.predict.answer = [](const outcomes& o) {
    return static_cast<double>(o.metrics("sequential").makespan) /
           static_cast<double>(std::max<nanos>(1, o.metrics("gather").makespan));
  };
  l.predict.why = [](const outcomes& o) {
    return "One by one takes the sum of the waits (" + said(o.metrics("sequential").makespan) +
           "); gathered, the waits overlap and the total is the slowest page (" + said(o.metrics("gather").makespan) +
           ").";
  };
  return l;
}

}  // namespace loopscope::lessons
