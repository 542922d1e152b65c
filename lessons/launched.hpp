// What most lessons' variants are: a scenario launched on its own loop, its
// tasks named in advance and its main coroutine made from the values.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "core/launch.hpp"
#include "lessons/lesson.hpp"

namespace loopscope::lessons {

// `tasks(values)`: the names of the tasks it will spawn; `body(values)`:
// the main coroutine.
template <class Tasks, class Body>
variant launched(std::string name, Tasks tasks, Body body) {
  return {std::move(name),
          [tasks, body](const values& v, const run_setup& s) { return launch(s.variant, s.loop, tasks(v), body(v)); }};
}

// Tasks named "WHAT 1".."WHAT N", N the parameter `count`.
// The same work in the sandbox: one task per duration, under `strategies`.
inline lesson::in_sandbox tasks_in_sandbox(const std::vector<std::chrono::nanoseconds>& durations,
                                           std::vector<strategy> strategies) {
  lesson::in_sandbox s;
  for (const auto d : durations) s.work.durations.push_back(d.count());
  s.work.tasks = static_cast<int>(s.work.durations.size());
  s.strategies = std::move(strategies);
  return s;
}

inline auto tasks_named(std::string what, std::string count) {
  return [what = std::move(what), count = std::move(count)](const values& v) {
    return numbered(what, static_cast<int>(v.at(count)));
  };
}

// A run that keeps what its scenario works on (an account, a shop): the
// scenario's coroutines hold it by reference, and once main is done the
// run reports figures read from it.
template <class State>
class run_keeping final : public scenario_run {
 public:
  explicit run_keeping(State s) : state(std::move(s)) {}
  ~run_keeping() override { stop_loop(); }  // the coroutines go before the state they use
  State state;
  std::function<std::vector<figure>(const run_keeping&)> report;
  std::vector<figure> figures() const override { return main_done() && report ? report(*this) : std::vector<figure>{}; }
};

// `make(values)`: the state; `body(values, state)`: the main coroutine;
// `report(run)`: its figures.
template <class Make, class Tasks, class Body, class Report>
variant launched_keeping(std::string name, Make make, Tasks tasks, Body body, Report report) {
  return {std::move(name), [make, tasks, body, report](const values& v, const run_setup& s) {
            using state_type = decltype(make(v));
            auto run = std::make_unique<run_keeping<state_type>>(make(v));
            run->report = report;
            prepare(*run, s.variant, s.loop, tasks(v));
            spawn_main(*run, body(v, run->state));
            return std::unique_ptr<scenario_run>(std::move(run));
          }};
}

}  // namespace loopscope::lessons
