// Lesson 6: CPU-bound work.
#include "core/metrics.hpp"
#include "lessons/lesson.hpp"
#include "lessons/support.hpp"

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
awaitable<void> resize_on_a_thread(nanoseconds work) {
  co_await to_thread(work, run_kind::cpu);
}

template <class Job>
awaitable<void> with_heartbeat(scenario_run& run, std::vector<task_handle>& tasks, int beats, Job job) {
  start_task(run, tasks, 1, heartbeat(beats));
  start_task(run, tasks, 2, std::move(job));
  auto both = gather(tasks);
  co_await std::move(both);
}
// [/lesson]

// The longest the heartbeat sat ready, woken but waiting for the loop.
double worst_heartbeat_wait_ms(const outcome& o) {
  const auto events = o.run->loop->trace().by_lane()[o.run->task_lanes[0]];
  nanos worst = 0;
  for (const span& s : lane_spans(events, o.run->loop->now()))
    if (s.state == lane_state::ready) worst = std::max(worst, s.t1 - s.t0);
  return static_cast<double>(worst) / 1e6;
}

}  // namespace

lesson lesson_cpu() {
  lesson l;
  l.id = "cpu";
  l.title = "CPU-bound work";
  l.summary = "A long computation hogs the loop; chunks with sleep(0) share it; a thread takes it off the loop.";
  l.params = {{"work", "computation", 100, 3000, 1000, "ms", "CPU time the resize needs"},
              {"chunk", "chunk", 5, 1000, 50, "ms", "Computation between two sleep(0)s"}};
  l.variants = {"one long computation", "chunked", "to_thread"};
  l.make = [](std::size_t variant, const values& v, const loop_options& options) {
    const nanoseconds work = ms_of(v.at("work")), chunk = ms_of(v.at("chunk"));
    const int beats = static_cast<int>(v.at("work") / 100) + 3;
    const std::vector<std::string> names{"heartbeat", "resize images"};
    if (variant == 0)
      return make_run(options, "one long computation", names, [=](scenario_run& r, std::vector<task_handle>& t) {
        return with_heartbeat(r, t, beats, resize_all(work));
      });
    if (variant == 1)
      return make_run(options, "chunked", names, [=](scenario_run& r, std::vector<task_handle>& t) {
        return with_heartbeat(r, t, beats, resize_in_chunks(work, chunk));
      });
    return make_run(options, "to_thread", names, [=](scenario_run& r, std::vector<task_handle>& t) {
      return with_heartbeat(r, t, beats, resize_on_a_thread(work));
    });
  };
  l.fastest_scale = 0.25;  // the heartbeat's 100 ms must stay far above 1 ms
  l.predict = {"Chunked: what is the longest the heartbeat waits for the loop, in milliseconds?", "ms", {},
               [](const std::vector<outcome>& runs) { return worst_heartbeat_wait_ms(runs[1]); }};
  return l;
}

}  // namespace loopscope::lessons
