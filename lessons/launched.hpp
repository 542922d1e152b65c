// What most lessons' variants are: a scenario launched on its own loop, its
// tasks named in advance and its main coroutine made from the values.
#pragma once

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
inline auto tasks_named(std::string what, std::string count) {
  return [what = std::move(what), count = std::move(count)](const values& v) {
    return numbered(what, static_cast<int>(v.at(count)));
  };
}

}  // namespace loopscope::lessons
