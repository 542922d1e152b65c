// Lesson 2: sequential awaits add up.
#include "core/metrics.hpp"
#include "lessons/lesson.hpp"
#include "lessons/support.hpp"

namespace loopscope::lessons {

namespace {

// Page i takes latency × 1, 1.5 or 0.5, in turn: not every page is as slow.
nanoseconds page_latency(int i, double latency_ms) {
  constexpr double factor[] = {1.0, 1.5, 0.5};
  return ms_of(latency_ms * factor[(i - 1) % 3]);
}

// [lesson]
awaitable<void> fetch_page(nanoseconds latency) {
  co_await sleep(latency);  // waiting for the server
}

// `for page in pages: await fetch_page(page)`: each await finishes before
// the next fetch even starts.
awaitable<void> await_in_a_loop(scenario_run& run, std::vector<task_handle>& tasks, int pages, double latency) {
  for (int i = 1; i <= pages; ++i) co_await start_task(run, tasks, i, fetch_page(page_latency(i, latency))).join();
}

// The same fetches started together, then awaited together.
awaitable<void> all_at_once(scenario_run& run, std::vector<task_handle>& tasks, int pages, double latency) {
  for (int i = 1; i <= pages; ++i) start_task(run, tasks, i, fetch_page(page_latency(i, latency)));
  auto all = gather(tasks);
  co_await std::move(all);
}
// [/lesson]

}  // namespace

lesson lesson_sequential() {
  lesson l;
  l.id = "sequential";
  l.title = "Sequential awaits add up";
  l.summary = "Awaiting fetches one after another: the total is the sum of them all.";
  l.params = {{"pages", "pages", 1, 20, 5, "pages", "How many pages to fetch"},
              {"latency", "latency", 10, 3000, 400, "ms", "How long a typical page takes"}};
  l.variants = {"await in a loop", "gather"};
  l.make = [](std::size_t variant, const values& v, const loop_options& options) {
    const int pages = static_cast<int>(v.at("pages"));
    const double latency = v.at("latency");
    if (variant == 0)
      return make_run(options, "await in a loop", numbered("fetch page", pages),
                      [pages, latency](scenario_run& r, std::vector<task_handle>& t) {
                        return await_in_a_loop(r, t, pages, latency);
                      });
    return make_run(options, "gather", numbered("fetch page", pages), [pages, latency](scenario_run& r, std::vector<task_handle>& t) {
      return all_at_once(r, t, pages, latency);
    });
  };
  l.predict = {"How long does the loop of awaits take, in seconds?", "s", {},
               [](const std::vector<outcome>& runs) { return static_cast<double>(runs[0].metrics->makespan) / 1e9; }};
  return l;
}

}  // namespace loopscope::lessons
