// Trace invariants for every scenario, and the log read while written.
#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>

#include "core/lane_events.hpp"
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

  TEST_CASE("events grouped in one array are the events of each lane, in order") {
    auto equal = [](std::span<const trace_event> a, const std::vector<trace_event>& b) {
      return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) {
               return x.t == y.t && x.lane == y.lane && x.state == y.state && x.detail == y.detail && x.site == y.site;
             });
    };
    workload w;
    w.tasks = 12;
    w.limit = 3;
    w.block[2] = sec;
    w.fail = {5};
    auto o = run_sandbox(strategy::bounded, w);
    const trace& tr = o.run->trace();
    const auto per_lane = tr.by_lane();
    const lane_events all = group_by_lane(tr);
    CHECK(all.first_lane() == 0);
    CHECK(all.end_lane() == tr.lane_count());
    std::size_t total = 0;
    for (lane_id l = 0; l < per_lane.size(); ++l) {
      CHECK(equal(all.of(l), per_lane[l]));
      total += per_lane[l].size();
    }
    CHECK(all.size() == total);
    const lane_events some = group_by_lane(tr, 3, 7);
    CHECK(some.first_lane() == 3);
    CHECK(some.end_lane() == 7);
    for (lane_id l = 0; l < per_lane.size(); ++l)
      CHECK(equal(some.of(l), l >= 3 && l < 7 ? per_lane[l] : std::vector<trace_event>{}));
    CHECK(group_by_lane(tr, 5, 1'000'000).end_lane() == tr.lane_count());
    CHECK(group_by_lane(tr, 1'000'000).size() == 0);
  }
}
