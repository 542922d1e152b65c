#include "sandbox.hpp"

#include "metrics.hpp"
#include "runtime.hpp"
#include "supervise.hpp"

namespace loopscope {

std::string_view to_string(strategy s) {
  switch (s) {
    case strategy::sequential: return "sequential";
    case strategy::gather: return "gather";
    case strategy::gather_return_exceptions: return "gather-return-exceptions";
    case strategy::bounded: return "bounded";
    case strategy::taskgroup: return "taskgroup";
  }
  return "?";
}

const std::vector<strategy>& all_strategies() {
  static const std::vector<strategy> all{strategy::sequential, strategy::gather, strategy::gather_return_exceptions,
                                         strategy::bounded, strategy::taskgroup};
  return all;
}

std::optional<strategy> parse_strategy(std::string_view text) {
  for (strategy s : all_strategies())
    if (to_string(s) == text) return s;
  return std::nullopt;
}

nanos workload::duration_of(int task) const {
  if (!durations.empty()) return durations[static_cast<std::size_t>(task - 1)];
  return duration;
}

std::optional<std::string> workload::invalid() const {
  if (tasks < 1 || tasks > max_tasks)
    return "--tasks must be between 1 and " + std::to_string(max_tasks) + ", not " + std::to_string(tasks);
  if (!durations.empty() && durations.size() != static_cast<std::size_t>(tasks))
    return "--durations lists " + std::to_string(durations.size()) + " durations for " + std::to_string(tasks) +
           " tasks";
  if (limit < 1) return "--limit must be at least 1, not " + std::to_string(limit);
  auto check_task = [&](int i, std::string_view flag) -> std::optional<std::string> {
    if (i < 1 || i > tasks)
      return std::string(flag) + " names task " + std::to_string(i) + ", but tasks are numbered 1.." +
             std::to_string(tasks);
    return std::nullopt;
  };
  for (const auto& [i, d] : block)
    if (auto e = check_task(i, "--block")) return e;
  for (const auto& [i, d] : cpu)
    if (auto e = check_task(i, "--cpu")) return e;
  for (int i : fail)
    if (auto e = check_task(i, "--fail")) return e;
  if (timeout && *timeout <= 0) return "--timeout must be positive";
  return std::nullopt;
}

// ---- The scenario ----

namespace {

struct task_spec {
  int number;
  nanos blocks;
  nanos burns;
  nanos sleeps;
  bool fails;
};

awaitable<void> work(task_spec t) {
  if (t.blocks > 0) block(nanoseconds(t.blocks));  // time.sleep() in a coroutine
  if (t.burns > 0) cpu(nanoseconds(t.burns));      // a computation on the loop
  co_await sleep(nanoseconds(t.sleeps));           // await asyncio.sleep()
  if (t.fails) throw task_error("task " + std::to_string(t.number) + " failed");
}

awaitable<void> body(task_spec t, std::optional<nanos> timeout) {
  if (timeout) {
    auto bounded = with_timeout(work(t), nanoseconds(*timeout));  // asyncio.wait_for
    co_await std::move(bounded);
  } else {
    co_await work(t);
  }
}

awaitable<void> limited(semaphore sem, task_spec t, std::optional<nanos> timeout) {
  auto permit = co_await sem.acquire();  // async with sem:
  co_await body(t, timeout);
}

task_spec spec_of(const workload& w, int i) {
  auto find = [i](const std::map<int, nanos>& m) {
    auto it = m.find(i);
    return it == m.end() ? nanos{0} : it->second;
  };
  return task_spec{i, find(w.block), find(w.cpu), w.duration_of(i), w.fail.count(i) > 0};
}

awaitable<void> run_strategy(sandbox_run& run, std::vector<task_handle>& started) {
  event_loop& l = current_loop();
  const workload& w = run.work;
  auto lane_of = [&run](int i) { return run.task_lanes[static_cast<std::size_t>(i - 1)]; };
  switch (run.how) {
    case strategy::sequential:
      for (int i = 1; i <= w.tasks; ++i) {
        started.push_back(l.spawn_on(lane_of(i), body(spec_of(w, i), w.timeout)));
        if (run.keep_going)
          co_await started.back().wait();  // try: await task  except: pass
        else
          co_await started.back().join();
      }
      break;
    case strategy::gather:
    case strategy::gather_return_exceptions: {
      for (int i = 1; i <= w.tasks; ++i) started.push_back(l.spawn_on(lane_of(i), body(spec_of(w, i), w.timeout)));
      auto all = gather(started, run.how == strategy::gather ? gather_mode::propagate_first
                                                             : gather_mode::return_exceptions);
      co_await std::move(all);
      break;
    }
    case strategy::bounded: {
      semaphore sem(w.limit);
      for (int i = 1; i <= w.tasks; ++i)
        started.push_back(l.spawn_on(lane_of(i), limited(sem, spec_of(w, i), w.timeout)));
      auto all = gather(started);
      co_await std::move(all);
      break;
    }
    case strategy::taskgroup: {
      task_group group;
      for (int i = 1; i <= w.tasks; ++i) started.push_back(group.spawn_on(lane_of(i), body(spec_of(w, i), w.timeout)));
      co_await group.wait();
      break;
    }
  }
}

}  // namespace

scenario_run::scenario_run() = default;
// The loop goes first: tearing it down unwinds coroutines that still use the run.
scenario_run::~scenario_run() { loop.reset(); }
sandbox_run::~sandbox_run() { loop.reset(); }


std::unique_ptr<sandbox_run> make_sandbox(strategy how, workload work, const loop_options& options,
                                          bool keep_going) {
  auto run = std::make_unique<sandbox_run>();
  run->how = how;
  run->variant = std::string(to_string(how));
  run->keep_going = keep_going;
  run->work = std::move(work);
  run->loop = std::make_unique<event_loop>(options);
  event_loop& l = *run->loop;
  run->main_lane = l.add_lane(lane_kind::main, "main");
  run->task_lanes.reserve(static_cast<std::size_t>(run->work.tasks));
  for (int i = 1; i <= run->work.tasks; ++i)
    run->task_lanes.push_back(l.add_lane(lane_kind::task, "task " + std::to_string(i), run->main_lane));
  sandbox_run& r = *run;
  l.spawn_on(run->main_lane, supervise(r, [&r](std::vector<task_handle>& started) { return run_strategy(r, started); }));
  return run;
}

nanos sequential_makespan(const workload& work) {
  // Every task runs in the reference: an error (a failure, a timeout) would
  // end a sequential run early and make any strategy look slow beside it.
  auto run = make_sandbox(strategy::sequential, work, loop_options{}, true);
  run->loop->run();
  return compute_metrics(run->loop->trace(), run->loop->now()).makespan;
}

}  // namespace loopscope
