#include "core/sandbox.hpp"

#include <algorithm>

#include "core/launch.hpp"
#include "core/loop.hpp"

namespace loopscope {

std::string_view to_string(strategy s) {
  switch (s) {
    case strategy::sequential:
      return "sequential";
    case strategy::gather:
      return "gather";
    case strategy::gather_return_exceptions:
      return "gather-return-exceptions";
    case strategy::bounded:
      return "bounded";
    case strategy::taskgroup:
      return "taskgroup";
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

std::optional<field_error> workload::invalid() const {
  if (tasks < 1 || tasks > max_tasks)
    return field_error{"tasks",
                       "must be between 1 and " + std::to_string(max_tasks) + ", not " + std::to_string(tasks)};
  if (!durations.empty() && durations.size() != static_cast<std::size_t>(tasks))
    return field_error{"durations", "lists " + std::to_string(durations.size()) + " durations for " +
                                        std::to_string(tasks) + " tasks"};
  if (limit < 1) return field_error{"limit", "must be at least 1, not " + std::to_string(limit)};
  auto check_task = [&](int i, const char* field) -> std::optional<field_error> {
    if (i < 1 || i > tasks)
      return field_error{field,
                         "names task " + std::to_string(i) + ", but tasks are numbered 1.." + std::to_string(tasks)};
    return std::nullopt;
  };
  for (const auto& [i, d] : block)
    if (auto e = check_task(i, "block")) return e;
  for (const auto& [i, d] : cpu)
    if (auto e = check_task(i, "cpu")) return e;
  for (int i : fail)
    if (auto e = check_task(i, "fail")) return e;
  if (timeout && *timeout <= 0) return field_error{"timeout", "must be positive"};
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

task_spec spec_of(const workload& w, int i) {
  auto find = [i](const std::map<int, nanos>& m) {
    auto it = m.find(i);
    return it == m.end() ? nanos{0} : it->second;
  };
  return task_spec{i, find(w.block), find(w.cpu), w.duration_of(i), w.fail.count(i) > 0};
}

// One coroutine per strategy, and no locals in switch cases across a
// co_await: GCC 12 destroys such a local twice when the await throws.
task_handle start_task(sandbox_run& run, int i, awaitable<void> work) {
  return current_loop().spawn_on(run.task_lanes()[static_cast<std::size_t>(i - 1)], std::move(work));
}

// The code the sandbox's window shows beside its runs: where each task
// waits is marked on these lines.
// [sandbox]
awaitable<void> work(task_spec t) {
  if (t.blocks > 0) block(nanoseconds(t.blocks));  // time.sleep() in a coroutine
  if (t.burns > 0) cpu(nanoseconds(t.burns));      // a computation on the loop
  co_await sleep(nanoseconds(t.sleeps));           // await asyncio.sleep()
  if (t.fails) throw task_error("task " + std::to_string(t.number) + " failed");
}

awaitable<void> body(task_spec t, std::optional<nanos> timeout) {
  if (timeout) return wait_for(work(t), nanoseconds(*timeout));  // async with asyncio.timeout(d)
  return work(t);
}

awaitable<void> limited(semaphore sem, task_spec t, std::optional<nanos> timeout) {
  auto permit = co_await sem.acquire();  // async with sem:
  co_await body(t, timeout);
}

awaitable<void> run_sequential(sandbox_run& run) {
  const workload& w = run.work;
  for (int i = 1; i <= w.tasks; ++i) {
    task_handle t = start_task(run, i, body(spec_of(w, i), w.timeout));
    if (run.keep_going)
      co_await t.wait();  // try: await task  except: pass
    else
      co_await t.join();
  }
}

awaitable<void> run_gather(sandbox_run& run, gather_mode mode) {
  const workload& w = run.work;
  std::vector<task_handle> started;
  for (int i = 1; i <= w.tasks; ++i) started.push_back(start_task(run, i, body(spec_of(w, i), w.timeout)));
  co_await gather(std::move(started), mode);
}

awaitable<void> run_bounded(sandbox_run& run) {
  const workload& w = run.work;
  semaphore sem(w.limit);
  std::vector<task_handle> started;
  for (int i = 1; i <= w.tasks; ++i) started.push_back(start_task(run, i, limited(sem, spec_of(w, i), w.timeout)));
  co_await gather(std::move(started));
}

awaitable<void> run_taskgroup(sandbox_run& run) {
  const workload& w = run.work;
  task_group group;
  for (int i = 1; i <= w.tasks; ++i)
    group.spawn_on(run.task_lanes()[static_cast<std::size_t>(i - 1)], body(spec_of(w, i), w.timeout));
  co_await group.wait();
}
// [/sandbox]

awaitable<void> run_strategy(sandbox_run& run) {
  switch (run.how) {
    case strategy::sequential:
      return run_sequential(run);
    case strategy::gather:
      return run_gather(run, gather_mode::propagate_first);
    case strategy::gather_return_exceptions:
      return run_gather(run, gather_mode::return_exceptions);
    case strategy::bounded:
      return run_bounded(run);
    case strategy::taskgroup:
      return run_taskgroup(run);
  }
  return run_sequential(run);
}

}  // namespace

std::unique_ptr<sandbox_run> make_sandbox(strategy how, workload work, const loop_options& options, bool keep_going) {
  auto run = std::make_unique<sandbox_run>();
  run->how = how;
  run->keep_going = keep_going;
  run->work = std::move(work);
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(run->work.tasks));
  for (int i = 1; i <= run->work.tasks; ++i) names.push_back("task " + std::to_string(i));
  prepare(*run, std::string(to_string(how)), options, names, planning::by_number);
  spawn_main(*run, run_strategy(*run));
  return run;
}

std::optional<nanos> sequential_sum(const workload& work) {
  // A timeout cuts a task at a deadline that a block or a computation may
  // already have passed: run those.
  if (work.timeout) return std::nullopt;
  auto find = [](const std::map<int, nanos>& m, int i) {
    auto it = m.find(i);
    return it == m.end() ? nanos{0} : std::max<nanos>(it->second, 0);
  };
  // Each task ends where the next one starts: the loop hands over in the
  // same instant. A failure changes nothing (the reference runs every task).
  nanos total = 0;
  for (int i = 1; i <= work.tasks; ++i) {
    const nanos d[] = {find(work.block, i), find(work.cpu, i), std::max<nanos>(work.duration_of(i), 0)};
    for (nanos part : d)
      if (__builtin_add_overflow(total, part, &total)) return std::nullopt;
  }
  return total;
}

std::unique_ptr<sandbox_run> make_sequential_reference(const workload& work) {
  loop_options untraced;
  untraced.record = false;
  return make_sandbox(strategy::sequential, work, untraced, true);
}

nanos sequential_makespan(const workload& work) {
  if (const auto sum = sequential_sum(work)) return *sum;
  auto run = make_sequential_reference(work);
  run->run_to_end();
  return run->returned();
}

}  // namespace loopscope
