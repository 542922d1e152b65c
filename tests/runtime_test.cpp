// The runtime on the virtual clock: every shape exact to the nanosecond.
#include <doctest/doctest.h>

#include "core/pacer.hpp"
#include "helpers.hpp"

using namespace loopscope;
using namespace loopscope::testing;
using namespace std::chrono_literals;

TEST_SUITE("runtime") {
  TEST_CASE("sequential awaits add up: 1, 2, 3 s take 6 s") {
    workload w;
    w.tasks = 3;
    w.durations = {1 * sec, 2 * sec, 3 * sec};
    auto o = run_sandbox(strategy::sequential, w);
    CHECK(o.m.makespan == 6 * sec);
    CHECK(o.run->returned() == 6 * sec);
    CHECK(o.m.peak_concurrency == 1);
    CHECK(o.task(2).start == 1 * sec);
    CHECK(o.task(3).start == 3 * sec);
    CHECK(o.task(3).end == 6 * sec);
  }

  TEST_CASE("gather takes as long as the longest task: 1, 2, 3 s take 3 s") {
    workload w;
    w.tasks = 3;
    w.durations = {1 * sec, 2 * sec, 3 * sec};
    auto o = run_sandbox(strategy::gather, w);
    CHECK(o.m.makespan == 3 * sec);
    CHECK(o.run->returned() == 3 * sec);
    CHECK(o.m.peak_concurrency == 3);
    for (int i = 1; i <= 3; ++i) {
      CHECK(o.task(i).start == 0);
      CHECK(o.task(i).end == i * sec);
    }
  }

  TEST_CASE("bounded by a semaphore: ceil(N/K) rounds, peak K") {
    SUBCASE("five 1 s tasks, K=2: 3 s") {
      workload w;
      w.limit = 2;
      auto o = run_sandbox(strategy::bounded, w);
      CHECK(o.m.makespan == 3 * sec);
      CHECK(o.m.peak_concurrency == 2);
      // Permits go in task order: 1 and 2 first, 5 last.
      CHECK(o.task(1).end == 1 * sec);
      CHECK(o.task(3).end == 2 * sec);
      CHECK(o.task(5).end == 3 * sec);
      // Every task starts at once, then waits for a permit.
      CHECK(o.task(5).start == 0);
      CHECK(o.task(5).waiting == 3 * sec);
    }
    SUBCASE("ten 1 s tasks, K=3: 4 s") {
      workload w;
      w.tasks = 10;
      w.limit = 3;
      auto o = run_sandbox(strategy::bounded, w);
      CHECK(o.m.makespan == 4 * sec);
      CHECK(o.m.peak_concurrency == 3);
    }
  }

  TEST_CASE("a 2 s block in task 1 of a gather delays every other task by 2 s, ready meanwhile") {
    workload w;
    w.block[1] = 2 * sec;
    auto o = run_sandbox(strategy::gather, w);
    CHECK(o.task(1).start == 0);
    CHECK(o.task(1).running == 2 * sec);
    for (int i = 2; i <= 5; ++i) {
      CHECK(o.task(i).start == 2 * sec);
      CHECK(o.task(i).ready == 2 * sec);
      CHECK(o.task(i).end == 3 * sec);
    }
    CHECK(o.m.makespan == 3 * sec);
    CHECK(o.m.longest_slice == 2 * sec);
    REQUIRE(o.m.slow_slices.size() == 1);
    CHECK(o.m.slow_slices[0].lane == o.run->task_lanes()[0]);
    CHECK(o.m.ready_total == 8 * sec);
  }

  TEST_CASE("cpu work holds the loop as a block does") {
    workload w;
    w.tasks = 2;
    w.cpu[2] = 500 * ms;
    auto o = run_sandbox(strategy::gather, w);
    CHECK(o.task(2).running == 500 * ms);
    CHECK(o.task(1).end == 1 * sec);  // its timer ran out while task 2 computed...
    CHECK(o.task(2).end == 1500 * ms);
    CHECK(o.m.slow_slices.size() == 1);
  }

  TEST_CASE("gather: the first failure reaches the awaiter at once; the siblings finish") {
    workload w;
    w.durations = {1 * sec, 2 * sec, 3 * sec, 4 * sec, 5 * sec};
    w.fail = {2};
    auto o = run_sandbox(strategy::gather, w);
    CHECK(o.run->returned() == 2 * sec);
    CHECK(describe(o.run->error()) == "RuntimeError: task 2 failed");
    CHECK(o.task(2).final_state == lane_state::failed);
    for (int i : {1, 3, 4, 5}) {
      CHECK(o.task(i).final_state == lane_state::done);
      CHECK(o.task(i).end == i * sec);
    }
    CHECK(o.m.makespan == 5 * sec);
  }

  TEST_CASE("gather with return_exceptions waits for every task") {
    workload w;
    w.durations = {1 * sec, 2 * sec, 3 * sec, 4 * sec, 5 * sec};
    w.fail = {2};
    auto o = run_sandbox(strategy::gather_return_exceptions, w);
    CHECK(o.run->returned() == 5 * sec);
    CHECK_FALSE(o.run->error());
    CHECK(o.task(2).final_state == lane_state::failed);
  }

  TEST_CASE("taskgroup cancels the siblings at the failure and waits for them") {
    workload w;
    w.durations = {1 * sec, 2 * sec, 3 * sec, 4 * sec, 5 * sec};
    w.fail = {2};
    auto o = run_sandbox(strategy::taskgroup, w);
    CHECK(o.run->returned() == 2 * sec);
    CHECK(describe(o.run->error()).find("ExceptionGroup") == 0);
    CHECK(o.task(1).final_state == lane_state::done);
    CHECK(o.task(2).final_state == lane_state::failed);
    for (int i : {3, 4, 5}) {
      CHECK(o.task(i).final_state == lane_state::cancelled);
      CHECK(o.task(i).end == 2 * sec);
    }
    CHECK(o.m.makespan == 2 * sec);
  }

  TEST_CASE("sequential stops at a failure; later tasks never start") {
    workload w;
    w.fail = {2};
    auto o = run_sandbox(strategy::sequential, w);
    CHECK(o.run->returned() == 2 * sec);
    CHECK(o.task(2).final_state == lane_state::failed);
    CHECK_FALSE(o.task(3).spawned);
    CHECK_FALSE(o.task(5).spawned);
  }

  TEST_CASE("wait_for cancels the body at the deadline; the task fails with TimeoutError, as asyncio.timeout") {
    SUBCASE("gather: the slow tasks are cut at 1.5 s") {
      workload w;
      w.tasks = 3;
      w.durations = {1 * sec, 2 * sec, 3 * sec};
      w.timeout = 1500 * ms;
      auto o = run_sandbox(strategy::gather, w);
      CHECK(o.task(1).final_state == lane_state::done);
      CHECK(o.task(2).final_state == lane_state::failed);  // task.cancelled() is False: it raised TimeoutError
      CHECK(o.task(2).message == "TimeoutError");
      CHECK(o.task(2).end == 1500 * ms);
      CHECK(o.task(3).end == 1500 * ms);
      CHECK(describe(o.run->error()) == "TimeoutError");
      CHECK(o.run->returned() == 1500 * ms);
    }
    SUBCASE("bounded: counted from when the body starts, inside the semaphore") {
      workload w;
      w.tasks = 4;
      w.limit = 2;
      w.timeout = 500 * ms;
      auto o = run_sandbox(strategy::bounded, w);
      CHECK(o.task(1).end == 500 * ms);
      CHECK(o.task(3).end == 1000 * ms);
      CHECK(o.task(3).final_state == lane_state::failed);
    }
    SUBCASE("a task blocked past its deadline is cancelled at its next suspension") {
      workload w;
      w.tasks = 1;
      w.block[1] = 2 * sec;
      w.timeout = 1 * sec;
      auto o = run_sandbox(strategy::gather, w);
      CHECK(o.task(1).final_state == lane_state::failed);
      CHECK(o.task(1).end == 2 * sec);
    }
    SUBCASE("the body's cancellation point is on the lane: from there it runs its cleanup") {
      workload w;
      w.tasks = 1;
      w.duration = 3 * sec;
      w.timeout = 1 * sec;
      auto o = run_sandbox(strategy::gather, w);
      const auto events = o.run->trace().by_lane()[o.run->task_lanes()[0]];
      const auto point = std::find_if(events.begin(), events.end(), [](const trace_event& e) {
        return e.state == lane_state::running && e.detail == static_cast<std::uint8_t>(run_kind::cancelled);
      });
      REQUIRE(point != events.end());
      CHECK(point->t == 1 * sec);
    }
  }

  TEST_CASE("to_thread with a pool of 2 runs three 1 s jobs in 2 s and never blocks the loop") {
    loop_options options;
    options.pool_size = 2;
    event_loop loop(options);
    std::vector<nanos> ticks;
    auto job = []() -> awaitable<void> { co_await to_thread(1s); };
    auto ticker = [&]() -> awaitable<void> {
      for (int i = 0; i < 20; ++i) {
        co_await sleep(100ms);
        ticks.push_back(current_loop().now());
      }
    };
    auto main = [&]() -> awaitable<void> {
      std::vector<task_handle> jobs;
      for (int i = 1; i <= 3; ++i) jobs.push_back(spawn(job(), "job " + std::to_string(i)));
      auto ticking = spawn(ticker(), "ticker", lane_kind::helper);
      co_await gather(jobs);
      CHECK(current_loop().now() == 2 * sec);
      co_await ticking.join();
    };
    loop.spawn(main(), "main", lane_kind::main);
    loop.run();
    REQUIRE(ticks.size() == 20);
    for (std::size_t i = 0; i < ticks.size(); ++i) CHECK(ticks[i] == static_cast<nanos>(i + 1) * 100 * ms);
    const auto m = compute_metrics(loop.trace(), loop.now());
    CHECK(m.makespan == 2 * sec);
    CHECK(m.ready_total == 0);
    int workers = 0;
    for (const auto& l : m.lanes)
      if (l.kind == lane_kind::worker) {
        ++workers;
        CHECK(l.running > 0);
      }
    CHECK(workers == 2);
  }

  TEST_CASE("a task cancelled before its first step ends cancelled without running, whatever its body") {
    // Bodies that never suspend are the edge: Asio's co_spawn awaits once
    // more after them, and must not meet the cancellation there.
    for (const clock_kind clock : {clock_kind::virtual_clock, clock_kind::real_clock}) {
      loop_options options;
      options.clock = clock;
      event_loop loop(options);
      bool ran = false;
      std::vector<task_handle> children;
      loop.spawn(
          [](bool& ran, std::vector<task_handle>& children) -> awaitable<void> {
            for (int i = 0; i < 3; ++i) {
              children.push_back(spawn(
                  [](bool& ran) -> awaitable<void> {
                    ran = true;
                    co_return;
                  }(ran),
                  "child " + std::to_string(i)));
              children.back().cancel();
            }
            for (const auto& c : children) co_await c.wait();
          }(ran, children),
          "main");
      loop.run();
      CHECK_FALSE(ran);
      for (const auto& c : children) CHECK(c.state() == lane_state::cancelled);
    }
  }

  TEST_CASE("cancel one task by id from outside the loop") {
    workload w;
    w.tasks = 3;
    w.duration = 10 * sec;
    loop_options options;
    auto run = make_sandbox(strategy::gather_return_exceptions, w, options);
    run->run_until(2 * sec);
    run->cancel(run->task_lanes()[1]);
    run->run_to_end();
    const auto m = compute_metrics(run->trace(), run->now());
    CHECK(m.lanes[run->task_lanes()[1]].final_state == lane_state::cancelled);
    CHECK(m.lanes[run->task_lanes()[1]].end == 2 * sec);
    CHECK(m.lanes[run->task_lanes()[0]].end == 10 * sec);
    CHECK(m.lanes[run->task_lanes()[2]].final_state == lane_state::done);
  }

  TEST_CASE("a cancelled child reaches gather's awaiter as an error; the siblings run on") {
    workload w;
    w.tasks = 3;
    w.duration = 10 * sec;
    auto run = make_sandbox(strategy::gather, w, loop_options{});
    run->run_until(2 * sec);
    run->cancel(run->task_lanes()[1]);
    run->run_to_end();
    const auto m = compute_metrics(run->trace(), run->now());
    CHECK(describe(run->error()) == "CancelledError");
    CHECK(run->returned() == 2 * sec);
    CHECK(m.lanes[run->task_lanes()[0]].final_state == lane_state::done);
    CHECK(m.lanes[run->task_lanes()[0]].end == 10 * sec);
    CHECK(m.lanes[run->main_lane()].final_state == lane_state::done);
  }

  TEST_CASE("cancelling the awaiter of a gather cancels every child, as asyncio does") {
    workload w;
    w.duration = 10 * sec;
    auto run = make_sandbox(strategy::gather, w, loop_options{});
    run->run_until(1 * sec);
    run->cancel(run->main_lane());
    run->run_to_end();
    CHECK(run->now() == 1 * sec);
    const auto m = compute_metrics(run->trace(), run->now());
    for (lane_id lane : run->task_lanes()) CHECK(m.lanes[lane].final_state == lane_state::cancelled);
    CHECK(m.lanes[run->main_lane()].final_state == lane_state::cancelled);
  }

  TEST_CASE("step runs exactly one handler; run_until stops at the time asked") {
    workload w;
    w.tasks = 3;
    auto run = make_sandbox(strategy::gather, w, loop_options{});
    event_loop& l = run->loop();
    std::size_t steps = 0;
    while (l.next_due() == nanos{0}) {
      REQUIRE(l.step());
      CHECK(l.handlers_run() == ++steps);
    }
    CHECK(steps >= 4);  // main, three tasks' first slices, ...
    l.run_until(500 * ms);
    CHECK(l.now() == 500 * ms);
    CHECK_FALSE(l.finished());
    l.run_until(1 * sec);
    l.run();
    CHECK(l.finished());
    CHECK_FALSE(l.step());
  }

  TEST_CASE("pacing: the cursor follows the wall clock at the chosen speed; pause stops the loop") {
    workload w;
    w.tasks = 2;
    w.durations = {1 * sec, 3 * sec};
    auto run = make_sandbox(strategy::gather, w, loop_options{});
    pacer p({run.get()});
    p.set_speed(2.0);
    p.play();
    p.tick(250 * ms);  // 0.5 s of virtual time
    CHECK(p.cursor() == 500 * ms);
    CHECK_FALSE(run->loop().lane_finished(run->task_lanes()[0]));
    p.tick(300 * ms);  // 1.1 s
    CHECK(run->loop().lane_finished(run->task_lanes()[0]));
    p.pause();
    const auto before = run->loop().handlers_run();
    p.tick(10 * sec);
    CHECK(run->loop().handlers_run() == before);
    CHECK(p.cursor() == 1100 * ms);
    REQUIRE(p.step());
    CHECK(run->loop().handlers_run() == before + 1);
    p.set_speed(100);
    CHECK(p.speed() == pacer::max_speed);
    p.play();
    while (!p.finished()) p.tick(1 * sec);
    CHECK_FALSE(p.playing());
    CHECK(run->loop().lane_finished(run->task_lanes()[1]));
  }

  TEST_CASE("variants run side by side without affecting each other") {
    workload blocking;
    blocking.block[1] = 5 * sec;
    auto a = make_sandbox(strategy::gather, blocking, loop_options{});
    auto b = make_sandbox(strategy::gather, workload{}, loop_options{});
    pacer p({a.get(), b.get()});
    p.seek_forward(100 * sec);
    CHECK(compute_metrics(a->trace(), a->now()).makespan == 6 * sec);
    CHECK(compute_metrics(b->trace(), b->now()).makespan == 1 * sec);
  }

  TEST_CASE("restart tears every coroutine down mid-run") {
    // Destroying a loop mid-run cancels and unwinds every task; the
    // sanitizer builds prove nothing leaks and no handler is left.
    for (strategy how : all_strategies()) {
      workload w;
      w.tasks = 20;
      w.limit = 3;
      w.duration = 10 * sec;
      w.fail = {7};
      auto run = make_sandbox(how, w, loop_options{});
      run->run_until(3 * sec);
      run.reset();
      // Destroyed before a single handler ran: main unwinds while the run's
      // own members are still alive (the sanitizer builds would see it).
      make_sandbox(how, w, loop_options{}).reset();
      auto again = make_sandbox(how, w, loop_options{});
      again->run_to_end();
      CHECK(again->finished());
    }
  }

  TEST_CASE("a semaphore hands permits in FIFO order and a cancelled waiter gives its turn away") {
    event_loop loop;
    std::vector<int> order;
    semaphore sem(1);
    auto user = [&](int id, nanos hold) -> awaitable<void> {
      auto permit = co_await sem.acquire();
      order.push_back(id);
      co_await sleep(nanoseconds(hold));
    };
    auto main = [&]() -> awaitable<void> {
      auto a = spawn(user(1, sec), "a");
      auto b = spawn(user(2, sec), "b");
      auto c = spawn(user(3, sec), "c");
      co_await sleep(500ms);
      b.cancel();  // b is queued for the permit
      std::vector<task_handle> waiting{a, c};
      co_await gather(waiting, gather_mode::return_exceptions);
      CHECK(current_loop().now() == 2 * sec);
    };
    loop.spawn(main(), "main", lane_kind::main);
    loop.run();
    CHECK(order == std::vector<int>{1, 3});
    CHECK(sem.available() == 1);
    CHECK(sem.waiting() == 0);
  }

  TEST_CASE("yield_now lets every other ready task run before resuming") {
    event_loop loop;
    std::vector<std::string> log;
    auto chatty = [&](std::string name) -> awaitable<void> {
      for (int i = 0; i < 3; ++i) {
        log.push_back(name + std::to_string(i));
        co_await yield_now();
      }
    };
    loop.spawn(chatty("a"), "a");
    loop.spawn(chatty("b"), "b");
    loop.run();
    CHECK(log == std::vector<std::string>{"a0", "b0", "a1", "b1", "a2", "b2"});
  }

  TEST_CASE("timers that ran out during a block wake in deadline order after it") {
    event_loop loop;
    std::vector<int> woke;
    auto sleeper = [&](int id, nanos d) -> awaitable<void> {
      co_await sleep(nanoseconds(d));
      woke.push_back(id);
    };
    auto hog = []() -> awaitable<void> {
      block(3s);
      co_return;
    };
    loop.spawn(sleeper(1, 2 * sec), "one");
    loop.spawn(sleeper(2, 1 * sec), "two");
    loop.spawn(hog(), "hog");
    loop.run();
    CHECK(woke == std::vector<int>{2, 1});
    CHECK(loop.now() == 3 * sec);
  }
  // Each of these is a small asyncio program run under CPython 3.11 too:
  // the logs below are what it printed (times in seconds, virtual clock).
  TEST_CASE("a lock is fair: released, it goes to the first waiter a pass later, never to a latecomer") {
    event_loop loop;
    std::vector<std::pair<std::string, nanos>> log;
    lock door;
    auto note = [&](std::string what) { log.emplace_back(std::move(what), current_loop().now()); };
    auto user = [&](std::string name, nanoseconds hold) -> awaitable<void> {
      {
        auto held = co_await door.acquire();
        note(name + " in");
        co_await sleep(hold);
      }
      note(name + " out");
    };
    auto latecomer = [&]() -> awaitable<void> {
      co_await sleep(1s);
      note("late asks");  // the lock is free, but b was woken first
      auto held = co_await door.acquire();
      note("late in");
    };
    loop.spawn(user("a", 1s), "a");
    loop.spawn(user("b", 1s), "b");
    loop.spawn(latecomer(), "late");
    loop.run();
    CHECK(log == std::vector<std::pair<std::string, nanos>>{{"a in", 0},
                                                            {"a out", 1 * sec},
                                                            {"late asks", 1 * sec},
                                                            {"b in", 1 * sec},
                                                            {"b out", 2 * sec},
                                                            {"late in", 2 * sec}});
    CHECK_FALSE(door.locked());
  }

  TEST_CASE("a waiter woken by a release and cancelled before it runs passes the lock on") {
    event_loop loop;
    std::vector<std::pair<std::string, nanos>> log;
    lock door;
    task_handle b;
    auto note = [&](std::string what) { log.emplace_back(std::move(what), current_loop().now()); };
    auto first = [&]() -> awaitable<void> {
      {
        auto held = co_await door.acquire();
        co_await sleep(1s);
      }
      b.cancel();  // b's future is done: CancelledError is raised at its await all the same
      note("a out");
    };
    auto user = [&](std::string name) -> awaitable<void> {
      try {
        auto held = co_await door.acquire();
        note(name + " in");
        co_await sleep(1s);
      } catch (...) {
        note(name + " cancelled");
        throw;
      }
    };
    loop.spawn(first(), "a");
    b = loop.spawn(user("b"), "b");
    loop.spawn(user("c"), "c");
    loop.run();
    CHECK(log ==
          std::vector<std::pair<std::string, nanos>>{{"a out", 1 * sec}, {"b cancelled", 1 * sec}, {"c in", 1 * sec}});
    CHECK(b.cancelled());
    CHECK_FALSE(door.locked());
    CHECK(door.waiting() == 0);
  }

  TEST_CASE("a full queue makes put wait; join waits for task_done; cancelled workers end at their get") {
    event_loop loop;
    std::vector<std::pair<std::string, nanos>> log;
    queue<int> jobs(1);
    auto note = [&](std::string what) { log.emplace_back(std::move(what), current_loop().now()); };
    auto producer = [&]() -> awaitable<void> {
      for (int i = 1; i <= 3; ++i) {
        co_await jobs.put(i);
        note("put " + std::to_string(i));
      }
    };
    auto consumer = [&]() -> awaitable<void> {
      for (;;) {
        const int job = co_await jobs.get();
        note("got " + std::to_string(job));
        co_await sleep(1s);
        jobs.task_done();
      }
    };
    auto main = [&]() -> awaitable<void> {
      auto c = spawn(consumer(), "consumer");
      co_await spawn(producer(), "producer").join();
      note("produced");
      co_await jobs.join();
      note("joined");
      c.cancel();
      co_await c.wait();
      note(c.cancelled() ? "consumer cancelled" : "consumer ended");
    };
    loop.spawn(main(), "main", lane_kind::main);
    loop.run();
    CHECK(log == std::vector<std::pair<std::string, nanos>>{{"put 1", 0},
                                                            {"got 1", 0},
                                                            {"put 2", 0},
                                                            {"got 2", 1 * sec},
                                                            {"put 3", 1 * sec},
                                                            {"produced", 1 * sec},
                                                            {"got 3", 2 * sec},
                                                            {"joined", 3 * sec},
                                                            {"consumer cancelled", 3 * sec}});
    CHECK(jobs.empty());
    // The producer's waits are a queue's.
    bool producer_waited_on_queue = false;
    const auto per_lane = loop.trace().by_lane();
    for (lane_id lane = 0; lane < per_lane.size(); ++lane)
      if (loop.trace().lane(lane).name == "producer")
        for (const auto& e : per_lane[lane])
          producer_waited_on_queue |=
              e.state == lane_state::waiting && e.detail == static_cast<std::uint8_t>(wait_reason::queue);
    CHECK(producer_waited_on_queue);
  }

  TEST_CASE("a cancelled getter leaves the queue; an item put later goes to the next getter") {
    event_loop loop;
    queue<int> q;
    std::vector<std::string> got;
    auto getter = [&](std::string name) -> awaitable<void> {
      const int item = co_await q.get();
      got.push_back(name + std::to_string(item));
    };
    auto main = [&]() -> awaitable<void> {
      auto a = spawn(getter("a"), "a");
      auto b = spawn(getter("b"), "b");
      co_await sleep(1s);
      a.cancel();
      co_await yield_now();
      q.put_nowait(7);
      co_await b.wait();
      CHECK(a.cancelled());
    };
    loop.spawn(main(), "main", lane_kind::main);
    loop.run();
    CHECK(got == std::vector<std::string>{"b7"});
  }

  TEST_CASE("wait(FIRST_COMPLETED) returns at the first end with done and pending; it cancels nothing") {
    event_loop loop;
    std::vector<std::string> states;
    nanos returned = -1;
    auto fetch = [](nanoseconds d) -> awaitable<void> { co_await sleep(d); };
    auto main = [&]() -> awaitable<void> {
      std::vector<task_handle> ts{spawn(fetch(2s), "x"), spawn(fetch(1s), "y"), spawn(fetch(3s), "z")};
      co_await sleep(500ms);
      auto [done, pending] = co_await wait(ts, return_when::first_completed);
      returned = current_loop().now();
      CHECK(done == std::vector<task_handle>{ts[1]});
      CHECK(pending == std::vector<task_handle>{ts[0], ts[2]});
      CHECK_FALSE(pending[0].finished());
      for (const auto& t : pending) t.cancel();
      co_await gather(ts, gather_mode::return_exceptions);
      for (const auto& t : ts) states.push_back(t.cancelled() ? "cancelled" : "done");
      CHECK(current_loop().now() == 1 * sec);
    };
    loop.spawn(main(), "main", lane_kind::main);
    loop.run();
    CHECK(returned == 1 * sec);
    CHECK(states == std::vector<std::string>{"cancelled", "done", "cancelled"});
  }

  TEST_CASE("wait with the other conditions: all completed, first exception") {
    event_loop loop;
    auto fetch = [](nanoseconds d, bool fail) -> awaitable<void> {
      co_await sleep(d);
      if (fail) throw task_error("down");
    };
    auto main = [&]() -> awaitable<void> {
      std::vector<task_handle> ts{spawn(fetch(1s, false), "a"), spawn(fetch(2s, true), "b"),
                                  spawn(fetch(3s, false), "c")};
      auto first_error = co_await wait(ts, return_when::first_exception);
      CHECK(current_loop().now() == 2 * sec);
      CHECK(first_error.done.size() == 2);
      CHECK(first_error.pending == std::vector<task_handle>{ts[2]});
      auto all = co_await wait(ts);
      CHECK(current_loop().now() == 3 * sec);
      CHECK(all.done.size() == 3);
      CHECK(all.pending.empty());
    };
    loop.spawn(main(), "main", lane_kind::main);
    loop.run();
    CHECK(loop.now() == 3 * sec);
  }

  TEST_CASE("wait and as_completed wake their awaiter a pass after an awaiter of the task itself") {
    // asyncio: the task's end queues their done-callbacks; those complete
    // a future; that future queues the awaiter's wake-up.
    event_loop loop;
    std::vector<std::string> log;
    auto job = []() -> awaitable<void> { co_await sleep(1s); };
    auto j = loop.spawn(job(), "job");
    auto via_wait = [&]() -> awaitable<void> {
      std::vector<task_handle> just{j};
      co_await wait(just);
      log.push_back("wait");
    };
    auto via_as_completed = [&]() -> awaitable<void> {
      std::vector<task_handle> just{j};
      as_completed ends(just);
      co_await ends.next();
      log.push_back("as_completed");
    };
    auto via_await = [&]() -> awaitable<void> {
      co_await j.join();
      log.push_back("await");
    };
    auto via_sleep = [&]() -> awaitable<void> {
      co_await sleep(1s);
      log.push_back("sleep");
      co_await yield_now();
      log.push_back("sleep+1");
      co_await yield_now();
      log.push_back("sleep+2");
    };
    loop.spawn(via_wait(), "w");
    loop.spawn(via_as_completed(), "ac");
    loop.spawn(via_await(), "aw");
    loop.spawn(via_sleep(), "s");
    loop.run();
    CHECK(log == std::vector<std::string>{"sleep", "await", "sleep+1", "wait", "as_completed", "sleep+2"});
  }

  TEST_CASE("a sleep kept or handed on is an awaitable, on either clock") {
    for (const clock_kind clock : {clock_kind::virtual_clock, clock_kind::real_clock}) {
      CAPTURE(static_cast<int>(clock));
      loop_options options;
      options.clock = clock;
      event_loop loop(options);
      std::vector<std::string> log;
      awaitable<void> early = sleep(30ms);  // made before the loop runs, awaited inside it
      auto body = [&](awaitable<void> kept) -> awaitable<void> {
        co_await std::move(kept);
        log.push_back("kept");
        try {
          co_await wait_for(sleep(1s), 20ms);
        } catch (const timeout_error&) {
          log.push_back("timed out");
        }
        task_handle t = spawn(sleep(10ms), "napper");
        co_await t.join();
        log.push_back("joined");
        co_await sleep(0ms);
        log.push_back("yielded");
      };
      loop.spawn(body(std::move(early)), "main");
      loop.run();
      CHECK(log == std::vector<std::string>{"kept", "timed out", "joined", "yielded"});
      if (clock == clock_kind::virtual_clock) CHECK(loop.now() == 60 * ms);
    }
  }

  TEST_CASE("as_completed hands tasks back in the order they end, raising a failed one's error") {
    event_loop loop;
    std::vector<std::pair<std::string, nanos>> log;
    auto fetch = [](nanoseconds d, bool fail) -> awaitable<void> {
      co_await sleep(d);
      if (fail) throw task_error("y failed");
    };
    auto main = [&]() -> awaitable<void> {
      std::vector<task_handle> ts{spawn(fetch(2s, false), "x"), spawn(fetch(1s, true), "y"),
                                  spawn(fetch(3s, false), "z")};
      as_completed ends(ts);
      CHECK(ends.size() == 3);
      for (std::size_t i = 0; i < ends.size(); ++i) {
        std::exception_ptr e;
        task_handle t;
        try {
          t = co_await ends.next();
        } catch (...) {
          e = std::current_exception();
        }
        log.emplace_back(e ? describe(e) : std::string(t == ts[0] ? "x" : "z"), current_loop().now());
      }
    };
    loop.spawn(main(), "main", lane_kind::main);
    loop.run();
    CHECK(log == std::vector<std::pair<std::string, nanos>>{
                     {"RuntimeError: y failed", 1 * sec}, {"x", 2 * sec}, {"z", 3 * sec}});
  }

  TEST_CASE("a done-callback runs a pass after the task ends; an error nobody reads is never retrieved") {
    event_loop loop;
    std::vector<std::string> log;
    auto failing = []() -> awaitable<void> {
      co_await sleep(1s);
      throw task_error("mail server down");
    };
    auto main = [&]() -> awaitable<void> {
      auto read = spawn(failing(), "read");
      auto forgotten = spawn(failing(), "forgotten");
      read.add_done_callback([&](task_handle t) { log.push_back("callback: " + describe(t.error())); });
      co_await sleep(1s);
      log.push_back("main at 1 s");  // its timer was set first: it runs before the tasks end
      co_await yield_now();
      log.push_back("main a pass later");  // queued before the callback, which the end queued
      co_await yield_now();
      log.push_back("main two passes later");
      (void)forgotten;
    };
    loop.spawn(main(), "main", lane_kind::main);
    loop.run();
    CHECK(log == std::vector<std::string>{"main at 1 s", "main a pass later",
                                          "callback: RuntimeError: mail server down", "main two passes later"});
    REQUIRE(loop.never_retrieved().size() == 1);
    CHECK(loop.trace().lane(loop.never_retrieved()[0]).name == "forgotten");
  }
}
