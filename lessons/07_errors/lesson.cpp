// Lesson 7: errors in concurrent tasks.
#include "lessons/lesson.hpp"

#include "lessons/launched.hpp"

namespace loopscope::lessons {

namespace {

// [lesson]
// One API call; the one numbered `failing` answers with an error.
awaitable<void> call_api(int i, nanoseconds latency, int failing) {
  co_await sleep(latency);
  if (i == failing) throw task_error("API call " + std::to_string(i) + " failed: 503 Service Unavailable");
}

// Every call started at once, each a task.
std::vector<task_handle> start_calls(const std::vector<nanoseconds>& latencies, int failing) {
  std::vector<task_handle> calls;
  for (int i = 1; i <= static_cast<int>(latencies.size()); ++i)
    calls.push_back(spawn(call_api(i, latencies[i - 1], failing), "API call " + std::to_string(i)));
  return calls;
}

// gather: the first error reaches the awaiter at once; the others go on.
awaitable<void> with_gather(std::vector<nanoseconds> latencies, int failing) {
  auto calls = start_calls(latencies, failing);
  co_await gather(calls);
}

// gather(return_exceptions=True): every call is awaited; errors come back
// as values, in order.
awaitable<void> with_return_exceptions(std::vector<nanoseconds> latencies, int failing) {
  auto calls = start_calls(latencies, failing);
  co_await gather(calls, gather_mode::return_exceptions);
}

// TaskGroup: the first failure cancels every other call; the group waits
// for them to stop, then raises.
awaitable<void> with_task_group(std::vector<nanoseconds> latencies, int failing) {
  task_group group;
  for (int i = 1; i <= static_cast<int>(latencies.size()); ++i)
    group.spawn(call_api(i, latencies[i - 1], failing), "API call " + std::to_string(i));
  co_await group.wait();
}
// [/lesson]

// Call i answers after latency × i / calls: the first is quick, the last slow.
std::vector<nanoseconds> latencies(const values& v) {
  const int calls = static_cast<int>(v.at("calls"));
  std::vector<nanoseconds> out;
  for (int i = 1; i <= calls; ++i) out.push_back(ms(v.at("latency") * i / calls));
  return out;
}

// A variant: the same calls, awaited by `how`.
template <class How>
variant awaited_by(std::string name, How how) {
  return launched(std::move(name), tasks_named("API call", "calls"),
                  [how](const values& v) { return how(latencies(v), static_cast<int>(v.at("failing"))); });
}

}  // namespace

lesson lesson_errors() {
  lesson l;
  l.variants = {awaited_by("gather", with_gather), awaited_by("return_exceptions", with_return_exceptions),
                awaited_by("TaskGroup", with_task_group)};
  l.sandbox = [](const values& v) {
    auto s =
        tasks_in_sandbox(latencies(v), {strategy::gather, strategy::gather_return_exceptions, strategy::taskgroup});
    s.work.fail = {static_cast<int>(v.at("failing"))};
    return s;
  };
  l.predict.answer = [](const outcomes& o) -> std::optional<double> {
    const auto& m = o.metrics("TaskGroup");
    for (lane_id lane : o.run("TaskGroup").task_lanes())
      if (m.lanes[lane].final_state == lane_state::cancelled) return 1.0;
    return std::nullopt;  // no call failed while others were out
  };
  l.predict.why = [](const outcomes& o) {
    int cancelled = 0;
    nanos failed_at = -1;
    for (const lane_stats* t : task_stats(o, "TaskGroup")) {
      cancelled += t->final_state == lane_state::cancelled;
      if (t->final_state == lane_state::failed) failed_at = t->end;
    }
    if (failed_at < 0) return std::string("No call failed in this run, so the TaskGroup had nothing to cancel.");
    return "When a call failed at " + said(failed_at) + ", the TaskGroup cancelled the " + std::to_string(cancelled) +
           " still out and raised an ExceptionGroup; gather let them run on to " + said(o.metrics("gather").makespan) +
           ".";
  };
  return l;
}

}  // namespace loopscope::lessons
