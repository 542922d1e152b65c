// Metrics, durations, and the Chrome trace.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "core/chrome_trace.hpp"
#include "core/duration.hpp"
#include "core/report.hpp"
#include "helpers.hpp"

using namespace loopscope;
using namespace loopscope::testing;

TEST_SUITE("metrics") {
  TEST_CASE("durations read as people type them") {
    CHECK(parse_duration("250ms") == 250 * ms);
    CHECK(parse_duration("1s") == sec);
    CHECK(parse_duration("1.5s") == 1500 * ms);
    CHECK(parse_duration("40us") == 40'000);
    CHECK(parse_duration("40µs") == 40'000);
    CHECK(parse_duration("7ns") == 7);
    CHECK(parse_duration("0s") == 0);
    for (const char* bad : {"", "s", "1", "1.5", "-1s", "1 s", "1h", "ms", "1sec", "3601s", "1..5s"})
      CHECK_MESSAGE(!parse_duration(bad), bad);
    CHECK(duration_hint("2").find("add a unit") != std::string::npos);
    for (nanos d : {nanos{7}, nanos{40'000}, 250 * ms, 1500 * ms, 3 * sec})
      CHECK(parse_duration(duration_text(d)) == d);
    std::string bad;
    CHECK(parse_duration_list("1s, 250ms,2s", bad) == std::vector<nanos>{sec, 250 * ms, 2 * sec});
    CHECK_FALSE(parse_duration_list("1s,soon", bad));
    CHECK(bad == "soon");
  }

  TEST_CASE("long durations read in minutes and hours, never in exponents") {
    CHECK(format_duration(1'960 * sec) == "32 min 40 s");
    CHECK(format_duration(60 * sec) == "1 min");
    CHECK(format_duration(59 * sec) == "59 s");
    CHECK(format_duration(999'960'000) == "1 s");  // never "1e+03 ms"
    CHECK(format_duration(999'700) == "1 ms");
    CHECK(format_duration(999'400) == "999 µs");
    CHECK(format_duration(3'600 * sec) == "1 h");
    CHECK(format_duration(94'000 * sec) == "26 h 6 min");
    CHECK(format_duration(30'000LL * 3'600 * sec) == "30000 h");
    CHECK(format_figure(1960.0, "s") == "32 min 40 s");
  }

  TEST_CASE("percentiles are nearest-rank") {
    std::vector<nanos> v{10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    CHECK(percentile(v, 0.5) == 50);
    CHECK(percentile(v, 0.95) == 100);
    CHECK(percentile(v, 0.99) == 100);
    CHECK(percentile({}, 0.5) == 0);
    CHECK(percentile({7}, 0.99) == 7);
  }

  TEST_CASE("latency counts from creation, so starvation shows") {
    workload w;
    w.block[1] = 2 * sec;
    auto o = run_sandbox(strategy::gather, w);
    CHECK(o.m.latency_p50 == 3 * sec);
    CHECK(o.m.latency_p99 == 3 * sec);
  }

  TEST_CASE("speedup, concurrency and busy fraction") {
    workload w;
    w.tasks = 4;
    const nanos seq = sequential_makespan(w);
    CHECK(seq == 4 * sec);
    workload failing = w;  // the reference runs every task whatever the others raise
    failing.fail = {1};
    failing.timeout = 500 * ms;
    CHECK(sequential_makespan(failing) == 2 * sec);
    auto g = run_sandbox(strategy::gather, w);
    CHECK(g.m.mean_concurrency == doctest::Approx(4.0));
    CHECK(g.m.loop_busy_fraction == doctest::Approx(0.0));
    workload blocking;
    blocking.tasks = 1;
    blocking.block[1] = sec;
    auto b = run_sandbox(strategy::gather, blocking);
    CHECK(b.m.loop_busy_fraction == doctest::Approx(0.5));
    CHECK(warnings_of(b.m).size() == 1);
  }

  TEST_CASE("the speedup's reference, summed or run untraced, is the sequential run's makespan") {
    // What the reference was before it was summed: the traced sequential
    // run of every task, measured.
    auto traced = [](const workload& w) {
      auto run = make_sandbox(strategy::sequential, w, loop_options{}, true);
      run->run_to_end();
      return compute_metrics(run->trace(), run->now()).makespan;
    };
    std::vector<workload> cases;
    for (nanos d : {nanos{0}, 300 * ms, sec})
      for (bool fails : {false, true})
        for (std::optional<nanos> timeout : {std::optional<nanos>{}, std::optional<nanos>{500 * ms},
                                             std::optional<nanos>{sec}, std::optional<nanos>{2 * sec}})
          for (int extra = 0; extra < 3; ++extra) {
            workload w;
            w.tasks = 4;
            w.durations = {d, 2 * d, 0, sec};
            if (fails) w.fail = {1, 3};
            w.timeout = timeout;
            if (extra == 1) w.block = {{1, 700 * ms}, {4, 2 * sec}};
            if (extra == 2) w.cpu = {{2, sec}, {3, 250 * ms}};
            cases.push_back(w);
          }
    for (const workload& w : cases) {
      CHECK(sequential_makespan(w) == traced(w));
      CHECK(sequential_sum(w).has_value() == !w.timeout);
      auto untraced = make_sequential_reference(w);
      untraced->run_to_end();
      CHECK(untraced->returned() == traced(w));
    }
  }

  TEST_CASE("the streamed summary is the bytes nlohmann::json would write for it") {
    // Written as it goes, the summary must still read as a document dumped
    // whole: sorted keys, its indents, its numbers, its escapes.
    std::vector<std::pair<strategy, workload>> cases;
    cases.emplace_back(strategy::gather, workload{});
    workload mixed;
    mixed.tasks = 6;
    mixed.durations = {sec, 0, 333 * ms, 1, 2 * sec, 17 * ms};
    mixed.block[2] = 150 * ms;
    mixed.cpu[3] = 7 * ms;
    mixed.fail = {4};
    mixed.timeout = 1500 * ms;
    for (strategy how : all_strategies()) cases.emplace_back(how, mixed);
    for (const auto& [how, w] : cases) {
      auto o = run_sandbox(how, w);
      for (std::optional<nanos> reference : {std::optional<nanos>{}, std::optional<nanos>{sequential_makespan(w)}}) {
        const std::string streamed = summary_json(*o.run, o.m, reference);
        CHECK(nlohmann::json::parse(streamed).dump(2) == streamed);
      }
    }
  }

  TEST_CASE("the completion order follows the loop") {
    workload w;
    w.durations = {3 * sec, 1 * sec, 2 * sec, 1 * sec, 5 * sec};
    auto o = run_sandbox(strategy::gather, w);
    std::vector<lane_id> expect{o.run->task_lanes()[1], o.run->task_lanes()[3], o.run->task_lanes()[2],
                                o.run->task_lanes()[0], o.run->task_lanes()[4]};
    CHECK(o.m.completion_order == expect);
  }

  TEST_CASE("the Chrome trace parses, names every lane, and its slices nest per tid") {
    workload w;
    w.block[2] = 500 * ms;
    w.fail = {3};
    auto o = run_sandbox(strategy::taskgroup, w);
    std::ostringstream out;
    write_chrome_trace(out, {{"taskgroup \"quoted\"", &o.run->trace(), o.run->now()}});
    const auto j = nlohmann::json::parse(out.str());
    std::set<int> named;
    std::map<int, double> last_end;
    int slices = 0;
    for (const auto& e : j["traceEvents"]) {
      if (e["ph"] == "M" && e["name"] == "thread_name") named.insert(e["tid"].get<int>());
      if (e["ph"] == "X") {
        ++slices;
        const int tid = e["tid"];
        const double ts = e["ts"], dur = e["dur"];
        CHECK(dur > 0);
        CHECK(ts >= last_end[tid] - 1e-9);  // no overlap on one tid
        last_end[tid] = ts + dur;
      }
    }
    CHECK(named.size() == o.run->trace().lane_count());
    CHECK(slices > 0);
    CHECK(out.str().find("task 3 failed") != std::string::npos);
    CHECK(json_quote("a\"b\\c\n") == "\"a\\\"b\\\\c\\n\"");
  }
}
