// Lesson 6: CPU-bound work.
#include "lessons/lesson.hpp"

#include "lessons/launched.hpp"

namespace loopscope::lessons {

namespace {

// [lesson]
// A heartbeat that should tick every 100 ms: how late it runs shows how
// responsive the loop is for everyone else.
awaitable<void> heartbeat(int beats) {
  for (int i = 0; i < beats; ++i) co_await sleep(100ms);
}

// Resize a batch of images in one go: pure computation, no await inside.
awaitable<void> resize_all(nanoseconds work) {
  cpu(work);
  co_return;
}

// The same work in chunks, giving the loop back between them
// (await asyncio.sleep(0)): other tasks get a turn after every chunk.
awaitable<void> resize_in_chunks(nanoseconds work, nanoseconds chunk) {
  for (nanoseconds done{0}; done < work; done += chunk) {
    cpu(std::min(chunk, work - done));
    co_await yield_now();
  }
}

// The same work on a thread of the pool: the loop is never held.
awaitable<void> resize_on_a_thread(nanoseconds work) { co_await to_thread(work, run_kind::cpu); }

// The heartbeat and the resize, side by side.
awaitable<void> with_heartbeat(int beats, awaitable<void> resize) {
  std::vector<task_handle> tasks{spawn(heartbeat(beats), "heartbeat"), spawn(std::move(resize), "resize images")};
  co_await gather(tasks);
}
// [/lesson]

// A variant: the heartbeat beside the resize `job` makes from the values.
template <class Job>
variant beside_heartbeat(std::string name, Job job) {
  return launched(
      std::move(name),
      [](const values&) {
        return std::vector<std::string>{"heartbeat", "resize images"};
      },
      [job](const values& v) { return with_heartbeat(static_cast<int>(v.at("work") / 100) + 3, job(v)); });
}

// The longest the heartbeat sat ready, woken but waiting for the loop.
double worst_heartbeat_wait_ms(const scenario_run& run) {
  const auto events = run.trace().by_lane()[run.task_lanes()[0]];
  nanos worst = 0;
  for (const span& s : lane_spans(events, run.now()))
    if (s.state == lane_state::ready) worst = std::max(worst, s.t1 - s.t0);
  return static_cast<double>(worst) / 1e6;
}

}  // namespace

lesson lesson_cpu() {
  lesson l;
  l.variants = {
      beside_heartbeat("one long computation", [](const values& v) { return resize_all(ms(v.at("work"))); }),
      beside_heartbeat("chunked",
                       [](const values& v) { return resize_in_chunks(ms(v.at("work")), ms(v.at("chunk"))); }),
      beside_heartbeat("to_thread", [](const values& v) { return resize_on_a_thread(ms(v.at("work"))); }),
  };
  l.predict.answer = [](const outcomes& o) { return worst_heartbeat_wait_ms(o.run("chunked")); };
  l.predict.why = [](const outcomes& o) {
    const auto ms_text = [](double ms) { return said(static_cast<nanos>(ms * 1e6)); };
    return "Between chunks the loop gets back and runs the heartbeat, so it waits about a chunk at worst (" +
           ms_text(worst_heartbeat_wait_ms(o.run("chunked"))) + "); one long computation kept it waiting " +
           ms_text(worst_heartbeat_wait_ms(o.run("one long computation"))) + ".";
  };
  return l;
}

}  // namespace loopscope::lessons
