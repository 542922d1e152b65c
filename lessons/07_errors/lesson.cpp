// Lesson 7: errors in concurrent tasks.
#include "core/metrics.hpp"
#include "lessons/lesson.hpp"
#include "lessons/support.hpp"

namespace loopscope::lessons {

namespace {

// Call i answers after latency × i / calls: the first is quick, the last slow.
nanoseconds call_latency(int i, int calls, double latency_ms) { return ms_of(latency_ms * i / calls); }

// [lesson]
// One API call; the one named `failing` answers with an error.
awaitable<void> call_api(int i, nanoseconds latency, int failing) {
  co_await sleep(latency);
  if (i == failing) throw task_error("API call " + std::to_string(i) + " failed: 503 Service Unavailable");
}

// gather: the first error reaches the awaiter at once; the others go on.
awaitable<void> with_gather(scenario_run& run, std::vector<task_handle>& tasks, int calls, double latency,
                            int failing) {
  for (int i = 1; i <= calls; ++i) start_task(run, tasks, i, call_api(i, call_latency(i, calls, latency), failing));
  auto all = gather(tasks);
  co_await std::move(all);
}

// gather(return_exceptions=True): every call is awaited; errors come back
// as values, in order.
awaitable<void> with_return_exceptions(scenario_run& run, std::vector<task_handle>& tasks, int calls,
                                       double latency, int failing) {
  for (int i = 1; i <= calls; ++i) start_task(run, tasks, i, call_api(i, call_latency(i, calls, latency), failing));
  auto all = gather(tasks, gather_mode::return_exceptions);
  co_await std::move(all);
}

// TaskGroup: the first failure cancels every other call; the group waits
// for them to stop, then raises.
awaitable<void> with_task_group(scenario_run& run, std::vector<task_handle>&, int calls, double latency,
                                int failing) {
  task_group group;
  for (int i = 1; i <= calls; ++i)
    group.spawn_on(run.task_lanes[static_cast<std::size_t>(i - 1)], call_api(i, call_latency(i, calls, latency), failing));
  co_await group.wait();
}
// [/lesson]

}  // namespace

lesson lesson_errors() {
  lesson l;
  l.id = "errors";
  l.title = "Errors in concurrent tasks";
  l.summary = "gather, gather(return_exceptions=True) and TaskGroup, side by side, with the same failing call.";
  l.params = {{"calls", "calls", 2, 10, 4, "calls", "API calls made at once"},
              {"latency", "latency", 100, 5000, 2000, "ms", "How long the slowest call takes"},
              {"failing", "failing call", 1, 10, 2, "", "The call that fails (past the last: none)"}};
  l.variants = {"gather", "return_exceptions", "TaskGroup"};
  l.make = [](std::size_t variant, const values& v, const loop_options& options) {
    const int calls = static_cast<int>(v.at("calls")), failing = static_cast<int>(v.at("failing"));
    const double latency = v.at("latency");
    const auto names = numbered("API call", calls);
    if (variant == 0)
      return make_run(options, "gather", names, [=](scenario_run& r, std::vector<task_handle>& t) {
        return with_gather(r, t, calls, latency, failing);
      });
    if (variant == 1)
      return make_run(options, "return_exceptions", names, [=](scenario_run& r, std::vector<task_handle>& t) {
        return with_return_exceptions(r, t, calls, latency, failing);
      });
    return make_run(options, "TaskGroup", names, [=](scenario_run& r, std::vector<task_handle>& t) {
      return with_task_group(r, t, calls, latency, failing);
    });
  };
  l.predict = {"Under TaskGroup, when one call fails, what happens to the calls still out?",
               "",
               {"they run to the end", "they are cancelled"},
               [](const std::vector<outcome>& runs) {
                 const auto& m = *runs[2].metrics;
                 for (lane_id lane : runs[2].run->task_lanes)
                   if (m.lanes[lane].final_state == lane_state::cancelled) return 1.0;
                 return 0.0;
               }};
  return l;
}

}  // namespace loopscope::lessons
