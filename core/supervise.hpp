// The main coroutine every scenario shares: run the variant's body, note
// when its await returned or raised and what reached it, then keep watching
// until every task it started has ended, so their ends are recorded too.
#pragma once

#include <vector>

#include "core/runtime.hpp"
#include "core/scenario.hpp"

namespace loopscope {

// `body(started)` starts tasks into `started` and awaits them its own way.
template <class Body>
awaitable<void> supervise(scenario_run& run, Body body) {
  std::vector<task_handle> started;
  try {
    auto work = body(started);
    co_await std::move(work);
  } catch (...) {
    run.error = std::current_exception();
  }
  run.returned = current_loop().now();
  // Only main's own cancellation ends it here; a child's CancelledError that
  // gather passed on is an error like any other, as in asyncio.
  if (is_cancellation(run.error) && current_loop().cancel_requested(run.main_lane)) {
    run.main_done = true;
    std::rethrow_exception(run.error);
  }
  for (const auto& t : started) co_await t.wait();
  run.main_done = true;
}

}  // namespace loopscope
