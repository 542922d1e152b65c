// Lesson 3: concurrent with gather.
#include "core/metrics.hpp"
#include "lessons/lesson.hpp"
#include "lessons/support.hpp"

namespace loopscope::lessons {

namespace {

// Page i takes latency × (1 + spread × a fixed pattern in [-1, 1]).
nanoseconds page_latency(int i, int pages, double latency_ms, double spread_pct) {
  const double f = pages == 1 ? 0.0 : -1.0 + 2.0 * ((i * 7) % pages) / (pages - 1);
  return ms_of(latency_ms * (1.0 + spread_pct / 100.0 * f));
}

// [lesson]
awaitable<void> fetch_page(nanoseconds latency) {
  co_await sleep(latency);  // waiting for the server
}

// One fetch after another.
awaitable<void> one_by_one(scenario_run& run, std::vector<task_handle>& tasks, int pages, double latency,
                           double spread) {
  for (int i = 1; i <= pages; ++i)
    co_await start_task(run, tasks, i, fetch_page(page_latency(i, pages, latency, spread))).join();
}

// asyncio.gather: every fetch is a task, started now; gather waits for all.
awaitable<void> gathered(scenario_run& run, std::vector<task_handle>& tasks, int pages, double latency,
                         double spread) {
  for (int i = 1; i <= pages; ++i) start_task(run, tasks, i, fetch_page(page_latency(i, pages, latency, spread)));
  auto all = gather(tasks);
  co_await std::move(all);
}
// [/lesson]

}  // namespace

lesson lesson_gather() {
  lesson l;
  l.id = "gather";
  l.title = "Concurrent with gather";
  l.summary = "Start every fetch at once and await them together: the total is the slowest one.";
  l.params = {{"pages", "pages", 1, 50, 8, "pages", "How many pages to fetch"},
              {"latency", "latency", 10, 3000, 500, "ms", "The typical page's latency"},
              {"spread", "spread", 0, 90, 60, "%", "How far latencies vary around the typical one"}};
  l.variants = {"sequential", "gather"};
  l.make = [](std::size_t variant, const values& v, const loop_options& options) {
    const int pages = static_cast<int>(v.at("pages"));
    const double latency = v.at("latency"), spread = v.at("spread");
    if (variant == 0)
      return make_run(options, "sequential", numbered("fetch page", pages),
                      [=](scenario_run& r, std::vector<task_handle>& t) { return one_by_one(r, t, pages, latency, spread); });
    return make_run(options, "gather", numbered("fetch page", pages),
                    [=](scenario_run& r, std::vector<task_handle>& t) { return gathered(r, t, pages, latency, spread); });
  };
  l.predict = {"How many times faster is gather than fetching one by one?", "x", {},
               [](const std::vector<outcome>& runs) {
                 return static_cast<double>(runs[0].metrics->makespan) /
                        static_cast<double>(std::max<nanos>(1, runs[1].metrics->makespan));
               }};
  return l;
}

}  // namespace loopscope::lessons
