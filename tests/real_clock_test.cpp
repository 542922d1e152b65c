// The real clock: the same shapes within generous tolerances, and a real
// blocking call really holds the loop. These run under ThreadSanitizer too.
#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace loopscope;
using namespace loopscope::testing;
using namespace std::chrono_literals;

TEST_SUITE("real_clock") {
  TEST_CASE("gather on the real clock takes about the longest task") {
    workload w;
    w.durations = {50 * ms, 100 * ms, 150 * ms, 100 * ms, 50 * ms};
    auto o = run_sandbox(strategy::gather, w, clock_kind::real_clock);
    CHECK(o.m.makespan >= 150 * ms);
    CHECK(o.m.makespan < 150 * ms + 400 * ms);
    CHECK(o.m.peak_concurrency == 5);
  }

  TEST_CASE("sequential on the real clock takes at least the sum") {
    workload w;
    w.tasks = 3;
    w.duration = 60 * ms;
    auto o = run_sandbox(strategy::sequential, w, clock_kind::real_clock);
    CHECK(o.m.makespan >= 180 * ms);
    CHECK(o.m.makespan < 180 * ms + 400 * ms);
  }

  TEST_CASE("bounded on the real clock keeps to its limit") {
    workload w;
    w.tasks = 6;
    w.limit = 2;
    w.duration = 50 * ms;
    auto o = run_sandbox(strategy::bounded, w, clock_kind::real_clock);
    CHECK(o.m.makespan >= 150 * ms);
    CHECK(o.m.peak_concurrency == 2);
  }

  TEST_CASE("a real blocking sleep really holds the loop") {
    workload w;
    w.tasks = 3;
    w.duration = 20 * ms;
    w.block[1] = 200 * ms;
    auto o = run_sandbox(strategy::gather, w, clock_kind::real_clock);
    CHECK(o.task(1).running >= 200 * ms);
    for (int i = 2; i <= 3; ++i) {
      CHECK(o.task(i).start >= 200 * ms);
      CHECK(o.task(i).ready >= 150 * ms);
    }
    CHECK(o.m.slow_slices.size() >= 1);
  }

  TEST_CASE("to_thread on real threads: a pool of 2 runs three 100 ms jobs in about 200 ms") {
    loop_options options;
    options.clock = clock_kind::real_clock;
    options.pool_size = 2;
    event_loop loop(options);
    int ticks = 0;
    auto job = []() -> awaitable<void> { co_await to_thread(100ms); };
    auto ticker = [&]() -> awaitable<void> {
      for (int i = 0; i < 5; ++i) {
        co_await sleep(20ms);
        ++ticks;
      }
    };
    auto main = [&]() -> awaitable<void> {
      std::vector<task_handle> jobs;
      for (int i = 0; i < 3; ++i) jobs.push_back(spawn(job(), "job"));
      auto t = spawn(ticker(), "ticker", lane_kind::helper);
      co_await gather(jobs);
      co_await t.join();
    };
    loop.spawn(main(), "main", lane_kind::main);
    loop.run();
    const auto m = compute_metrics(loop.trace(), loop.now());
    CHECK(ticks == 5);
    CHECK(m.makespan >= 200 * ms);
    CHECK(m.makespan < 200 * ms + 400 * ms);
    CHECK(m.longest_slice < 100 * ms);  // the loop never ran a job itself (a job is 100 ms)
    int busy_workers = 0;
    for (const auto& l : m.lanes) busy_workers += l.kind == lane_kind::worker && l.running >= 90 * ms;
    CHECK(busy_workers == 2);
  }

  TEST_CASE("two real loops side by side: a block in one does not slow the other") {
    workload blocking;
    blocking.tasks = 2;
    blocking.duration = 10 * ms;
    blocking.block[1] = 300 * ms;
    workload quick;
    quick.tasks = 2;
    quick.duration = 50 * ms;
    loop_options options;
    options.clock = clock_kind::real_clock;
    auto a = make_sandbox(strategy::gather, blocking, options);
    auto b = make_sandbox(strategy::gather, quick, options);
    a->start();
    b->start();
    b->wait();
    a->wait();
    const auto mb = compute_metrics(b->trace(), b->now());
    CHECK(mb.makespan < 300 * ms);  // not held for the other loop's 300 ms block
    CHECK(compute_metrics(a->trace(), a->now()).makespan >= 300 * ms);
  }

  TEST_CASE("the trace is read every few milliseconds while the real loop writes it") {
    workload w;
    w.tasks = 200;
    w.duration = 100 * ms;
    w.limit = 20;
    loop_options options;
    options.clock = clock_kind::real_clock;
    auto run = make_sandbox(strategy::bounded, w, options);
    run->start();
    std::size_t reads = 0;
    while (!run->finished()) {
      const auto m = compute_metrics(run->trace(), run->now());
      CHECK(m.peak_concurrency <= 20);  // the semaphore's permits, while the run is live too
      ++reads;
      std::this_thread::sleep_for(5ms);
    }
    run->wait();
    CHECK(reads > 3);
    CHECK(compute_metrics(run->trace(), run->now()).makespan >= 1000 * ms);
  }

  TEST_CASE("cancel from another thread, and restart mid-run") {
    workload w;
    w.tasks = 3;
    w.duration = 5 * sec;
    loop_options options;
    options.clock = clock_kind::real_clock;
    auto run = make_sandbox(strategy::gather_return_exceptions, w, options);
    run->start();
    std::this_thread::sleep_for(50ms);
    run->cancel(run->task_lanes()[0]);  // from this thread, not the loop's
    // The cancellation lands on the loop's thread: task 1 ends cancelled at
    // once, while the others still wait their 5 s.
    run_metrics m;
    for (int i = 0; i < 200; ++i) {
      m = compute_metrics(run->trace(), run->now());
      if (m.lanes[run->task_lanes()[0]].ended) break;
      std::this_thread::sleep_for(10ms);
    }
    CHECK(m.lanes[run->task_lanes()[0]].final_state == lane_state::cancelled);
    CHECK(m.lanes[run->task_lanes()[0]].end < 2 * sec);
    CHECK_FALSE(m.lanes[run->task_lanes()[1]].ended);
    CHECK_FALSE(m.lanes[run->task_lanes()[2]].ended);
    CHECK_FALSE(run->finished());
    const auto t0 = std::chrono::steady_clock::now();
    run.reset();  // tears the rest down without waiting 5 s
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  }
}
