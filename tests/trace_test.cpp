// Trace invariants for every scenario, and the log read while written.
#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>

#include "helpers.hpp"

using namespace loopscope;
using namespace loopscope::testing;

TEST_SUITE("trace") {
  TEST_CASE("every scenario keeps the invariants") {
    std::vector<std::pair<std::string, workload>> workloads;
    workloads.emplace_back("plain", workload{});
    {
      workload w;
      w.block[1] = 2 * sec;
      w.cpu[3] = 300 * ms;
      workloads.emplace_back("block and cpu", w);
    }
    {
      workload w;
      w.durations = {1 * sec, 2 * sec, 3 * sec, 4 * sec, 5 * sec};
      w.fail = {2, 4};
      workloads.emplace_back("failures", w);
    }
    {
      workload w;
      w.tasks = 8;
      w.limit = 3;
      w.durations = {1 * sec, 2 * sec, 3 * sec, 4 * sec, 5 * sec, 1 * sec, 1 * sec, 1 * sec};
      w.timeout = 2500 * ms;
      w.block[2] = 3 * sec;
      workloads.emplace_back("timeouts and a block", w);
    }
    for (const auto& [name, w] : workloads)
      for (strategy how : all_strategies()) {
        auto o = run_sandbox(how, w);
        check_invariants(o.run->trace(), name + " / " + std::string(to_string(how)));
        CHECK(o.run->main_done());
      }
  }

  TEST_CASE("the log is readable while it is being written") {
    append_log<trace_event, 6, 4096> log;  // small chunks: many chunk boundaries
    constexpr std::size_t total = 200'000;
    std::atomic<bool> done{false};
    std::thread writer([&] {
      for (std::size_t i = 0; i < total; ++i)
        log.push(trace_event{static_cast<nanos>(i), static_cast<lane_id>(i % 7), lane_state::running, 0});
      done = true;
    });
    std::size_t checked = 0;
    while (!done || checked < log.size()) {
      const std::size_t n = log.size();
      for (; checked < n; ++checked) REQUIRE(log[checked].t == static_cast<nanos>(checked));
    }
    writer.join();
    CHECK(checked == total);
  }

  TEST_CASE("a full log refuses more, and recording can be switched off") {
    append_log<int, 2, 2> tiny;  // room for 8
    for (int i = 0; i < 8; ++i) CHECK(tiny.push(i));
    CHECK_FALSE(tiny.push(8));
    CHECK(tiny.size() == 8);
    CHECK(tiny[7] == 7);

    trace tr(1);
    const lane_id lane = tr.add_lane(lane_kind::task, "t");
    CHECK_FALSE(tr.overflowed());
    for (std::size_t i = 0; i < 10; ++i) tr.record(0, trace_event{0, lane, lane_state::ready, 0});
    CHECK(tr.by_lane()[lane].size() == 10);
    tr.set_recording(false);
    tr.record(0, trace_event{0, lane, lane_state::ready, 0});
    CHECK(tr.by_lane()[lane].size() == 10);
  }
}
