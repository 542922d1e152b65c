// How a scenario is set up, the one way: a loop, a main lane whose coroutine
// runs the scenario, and a lane for each task it will spawn, named in
// advance so that a task it never reaches still shows.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/asyncio.hpp"
#include "core/scenario.hpp"

namespace loopscope {

// Makes `run`'s loop, its main lane, and a task lane per name. By name (the
// default), spawn(body, name) takes the planned lane of that name; the
// sandbox, which numbers its own tasks, spawns on task_lanes() instead.
enum class planning { by_name, by_number };
void prepare(scenario_run& run, std::string variant, const loop_options& options,
             const std::vector<std::string>& tasks = {}, planning how = planning::by_name);

// Spawns main: it runs `body`, notes when its await returned or raised and
// what reached it, then waits for every task it spawned to end, so that
// their ends are recorded too.
void spawn_main(scenario_run& run, awaitable<void> body);

// Both, for a scenario that needs nothing of its own.
std::unique_ptr<scenario_run> launch(std::string variant, const loop_options& options,
                                     const std::vector<std::string>& tasks, awaitable<void> body);

// "request 1", "request 2", ...: the names of n tasks.
std::vector<std::string> numbered(const std::string& what, int n);

}  // namespace loopscope
