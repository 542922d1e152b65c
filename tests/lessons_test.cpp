// The lessons: every one runs at its defaults and its slider extremes, every
// claim its prose makes holds on the virtual clock, and real asyncio,
// running the lesson's own .py, agrees with the engine.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/agreement.hpp"
#include "core/cpython_run.hpp"
#include "helpers.hpp"
#include "lessons/front_matter.hpp"
#include "lessons/lesson.hpp"
#include "lessons/runner.hpp"
#include "process.hpp"

using namespace loopscope;
using namespace loopscope::testing;
namespace ls = loopscope::lessons;

namespace {

using ls::run_lesson;

const ls::lesson& lesson(std::string_view id) {
  const ls::lesson* l = ls::find(id);
  REQUIRE(l != nullptr);
  return *l;
}

// Every value set a learner can reach with the sliders' ends, and the defaults.
std::vector<ls::values> spread_of(const ls::lesson& l) {
  std::vector<ls::values> sets{ls::defaults(l)};
  ls::values lo = ls::defaults(l), hi = ls::defaults(l);
  for (const auto& p : l.params) {
    lo[p.name] = p.min;
    hi[p.name] = p.max;
    ls::values one = ls::defaults(l);
    one[p.name] = p.max;
    sets.push_back(one);
  }
  sets.push_back(lo);
  sets.push_back(hi);
  return sets;
}

double page_latency_sequential(int i, double latency) {
  constexpr double factor[] = {1.0, 1.5, 0.5};
  return latency * factor[(i - 1) % 3];
}

}  // namespace

TEST_SUITE("lessons") {
  TEST_CASE("the registry finds every lesson folder, in the order of their numbers, with its texts") {
    // The folders are the curriculum: lessons/NN_id/ is lesson NN, "id".
    std::vector<std::pair<int, std::string>> folders;
    for (const auto& entry : std::filesystem::directory_iterator(LOOPSCOPE_LESSONS_DIR)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_directory() && name.size() > 3 && std::isdigit(name[0]) && std::isdigit(name[1]) && name[2] == '_')
        folders.emplace_back(std::stoi(name.substr(0, 2)), name.substr(3));
    }
    std::sort(folders.begin(), folders.end());
    const auto& all = ls::all();
    REQUIRE(all.size() == folders.size());
    REQUIRE(all.size() >= 10);
    for (std::size_t i = 0; i < all.size(); ++i) {
      const auto& l = all[i];
      INFO(l.id);
      CHECK(l.number == folders[i].first);
      CHECK(l.id == folders[i].second);
      CHECK(ls::find(l.id) == &l);
      CHECK(ls::find(std::to_string(l.number)) == &l);
      CHECK(l.variants.size() >= 2);
      CHECK(l.prose.find("# ") == 0);
      CHECK(l.prose.find("Take away") != std::string_view::npos);
      CHECK(l.code.find("awaitable<void>") != std::string_view::npos);
      CHECK(l.code.find("[lesson]") == std::string_view::npos);
      CHECK(l.python.find("import asyncio") != std::string_view::npos);
      CHECK(l.python.find("harness") == std::string_view::npos);  // the lesson, not the test plumbing
      CHECK_FALSE(l.predict.text.empty());
    }
    CHECK(ls::find("nosuch") == nullptr);
  }

  TEST_CASE("a new lesson is one folder: the build registers it with nothing else to edit") {
    // The registry is generated from whatever folders there are; here from
    // a copy of lesson 1 and a lesson 15 nobody has named anywhere.
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("loopscope_lessons_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "15_fresh");
    fs::copy(fs::path(LOOPSCOPE_LESSONS_DIR) / "01_await", dir / "01_await");
    for (const char* part : {"lesson.md", "lesson.py"}) fs::copy(dir / "01_await" / part, dir / "15_fresh" / part);
    std::ofstream(dir / "15_fresh" / "lesson.cpp") << "// [lesson]\nawaitable<void> fresh();\n// [/lesson]\n";
    const auto r = run_process(std::string(LOOPSCOPE_CMAKE) + " -DDIR=" + dir.string() + " -DOUT=" +
                               (dir / "registered.cpp").string() + " -P " LOOPSCOPE_LESSONS_DIR "/embed.cmake 2>&1");
    INFO(r.out);
    REQUIRE(r.code == 0);
    std::ifstream in(dir / "registered.cpp");
    const std::string generated((std::istreambuf_iterator<char>(in)), {});
    const auto first = generated.find("{1, \"await\", &lesson_await");
    const auto fresh = generated.find("{15, \"fresh\", &lesson_fresh");
    CHECK(first != std::string::npos);
    CHECK(fresh != std::string::npos);
    CHECK(first < fresh);
    CHECK(generated.find("lesson lesson_fresh();") != std::string::npos);
    CHECK(generated.find("awaitable<void> fresh();") != std::string::npos);  // its shown code, embedded
    fs::remove_all(dir);
  }

  TEST_CASE("every wait in lessons 1-8 is on a line of the shown code that awaits") {
    for (const auto& l : ls::all()) {
      if (l.real_clock_only) continue;
      std::vector<std::string> lines;
      std::string_view code = l.code;
      for (std::size_t at = 0; at <= code.size();) {
        const auto end = std::min(code.find('\n', at), code.size());
        lines.emplace_back(code.substr(at, end - at));
        at = end + 1;
      }
      auto r = run_lesson(l, ls::defaults(l));
      for (const auto& run : r.runs) {
        std::size_t mapped = 0;
        const auto per_lane = run->trace().by_lane();
        for (lane_id lane = 0; lane < per_lane.size(); ++lane) {
          if (run->trace().lane(lane).kind == lane_kind::worker) continue;
          for (const auto& e : per_lane[lane]) {
            if (e.state != lane_state::waiting) continue;
            // After main's await has returned, main only watches the rest end.
            if (lane == run->main_lane() && e.t >= run->returned()) continue;
            const auto line = run->shown_line(e.site);
            INFO(l.id << " / " << run->variant() << " / " << run->trace().lane(lane).name);
            REQUIRE(line);  // every wait of a lesson's task is in its shown code
            ++mapped;
            CHECK(lines[static_cast<std::size_t>(*line - 1)].find("co_await") != std::string::npos);
          }
        }
        CHECK(mapped > 0);
      }
    }
  }

  TEST_CASE("every lesson runs at its defaults and slider extremes, and its traces keep the invariants") {
    for (const auto& l : ls::all())
      if (!l.real_clock_only)  // lessons 9 and 10 measure for real: the real_lessons suite
        for (const auto& v : spread_of(l)) {
          auto r = run_lesson(l, v);
          for (std::size_t i = 0; i < r.runs.size(); ++i) {
            CHECK(r.runs[i]->finished());
            CHECK(r.runs[i]->main_done());
            check_invariants(r.runs[i]->trace(), l.id + " / " + r.runs[i]->variant());
          }
          CHECK((!r.answer || std::isfinite(*r.answer)));
          if (!r.answer) CHECK_FALSE(l.predict.none.empty());  // says why there is none
        }
  }

  TEST_CASE("a lesson's block of facts: summary, parameters, question; a wrong line is named") {
    ls::lesson l;
    std::string_view prose;
    const std::string md =
        "---\nsummary: One line.\nparam: units = 1000 in 10..10000 (100000) units | N | How many\n"
        "param: failing = 2 in 1..10 | failing call | The call that fails\nquestion: Which?\nchoice: this\n"
        "choice: that\n---\n# The title\n\nProse.\n";
    REQUIRE_FALSE(ls::read_front_matter(md, l, prose));
    CHECK(l.title == "The title");
    CHECK(l.summary == "One line.");
    REQUIRE(l.params.size() == 2);
    CHECK(l.params[0].name == "units");
    CHECK(l.params[0].label == "N");
    CHECK(l.params[0].value == 1000);
    CHECK(l.params[0].min == 10);
    CHECK(l.params[0].max == 10000);
    CHECK(l.params[0].cli_max == 100000);
    CHECK(l.params[0].unit == "units");
    CHECK(l.params[0].help == "How many");
    CHECK(l.params[1].unit.empty());
    CHECK(l.predict.text == "Which?");
    CHECK(l.predict.choices == std::vector<std::string>{"this", "that"});
    CHECK(prose.substr(0, 11) == "# The title");
    for (const auto& [bad, line] : std::vector<std::pair<std::string, int>>{
             {"# No block\n", 1},
             {"---\nsummary: s\nparam: x = 5 in 1..3 | x | help\nquestion: q\n---\n# T\n", 3},
             {"---\nsummary: s\nparam: x = five in 1..9 | x | help\nquestion: q\n---\n# T\n", 3},
             {"---\nsummary: s\nparam: x = 5 in 1..9\nquestion: q\n---\n# T\n", 3},
             {"---\nsummary: s\ncolour: red\n---\n# T\n", 3},
             {"---\nsummary: s\nquestion: q\n", 4},
             {"---\nsummary: s\nquestion: q\n---\nNo title\n", 5}}) {
      INFO(bad);
      ls::lesson broken;
      const auto e = ls::read_front_matter(bad, broken, prose);
      REQUIRE(e);
      CHECK(e->line == line);
      CHECK_FALSE(e->why.empty());
    }
  }

  TEST_CASE("parameters: unknown, malformed and out-of-range values are refused; the app clamps") {
    const auto& l = lesson("semaphore");
    auto v = ls::defaults(l);
    CHECK_FALSE(ls::assign(l, v, "limit=5"));
    CHECK(v["limit"] == 5);
    CHECK(ls::assign(l, v, "limit=500")->find("out of range") != std::string::npos);
    CHECK(ls::assign(l, v, "limit=five")->find("not a number") != std::string::npos);
    CHECK(ls::assign(l, v, "speed=2")->find("no parameter") != std::string::npos);
    CHECK(ls::assign(l, v, "limit")->find("NAME=VALUE") != std::string::npos);
    v["limit"] = 500;
    v["requests"] = 0;
    const auto notes = ls::clamp(l, v);
    CHECK(notes.size() == 2);
    CHECK(v["limit"] == 20);
    CHECK(v["requests"] == 1);
  }

  TEST_CASE("lesson 1: a coroutine suspends at its await and resumes when the timer fires") {
    const auto& l = lesson("await");
    for (const auto& v : spread_of(l)) {
      auto r = run_lesson(l, v);
      const nanos home = static_cast<nanos>(v.at("home") * 1e6), about = static_cast<nanos>(v.at("about") * 1e6);
      CHECK(r.metrics[0].makespan == home);
      CHECK(r.metrics[1].makespan == std::max(home, about));  // waits overlap: the longer one
      CHECK(r.answer.value() == doctest::Approx(static_cast<double>(std::max(home, about)) / 1e9));
      // ready -> running -> waiting for a timer -> ready -> running -> done
      const auto lanes = r.runs[0]->trace().by_lane();
      std::vector<lane_state> states;
      for (const auto& e : lanes[r.runs[0]->task_lanes()[0]]) states.push_back(e.state);
      CHECK(states == std::vector<lane_state>{lane_state::ready, lane_state::running, lane_state::waiting,
                                              lane_state::ready, lane_state::running, lane_state::done});
      CHECK(lanes[r.runs[0]->task_lanes()[0]][2].detail == static_cast<std::uint8_t>(wait_reason::timer));
    }
  }

  TEST_CASE("lesson 2: a loop of awaits costs the sum; nothing overlaps") {
    const auto& l = lesson("sequential");
    for (const auto& v : spread_of(l)) {
      auto r = run_lesson(l, v);
      const int pages = static_cast<int>(v.at("pages"));
      double sum = 0, longest = 0;
      for (int i = 1; i <= pages; ++i) {
        sum += page_latency_sequential(i, v.at("latency"));
        longest = std::max(longest, page_latency_sequential(i, v.at("latency")));
      }
      CHECK(static_cast<double>(r.metrics[0].makespan) / 1e6 == doctest::Approx(sum).epsilon(1e-9));
      CHECK(static_cast<double>(r.metrics[1].makespan) / 1e6 == doctest::Approx(longest).epsilon(1e-9));
      CHECK(r.metrics[0].peak_concurrency == 1);
      CHECK(r.metrics[0].loop_busy_fraction < 0.01);
      CHECK(r.answer.value() == doctest::Approx(sum / 1e3));
    }
  }

  TEST_CASE("lesson 3: gather takes as long as the slowest fetch; the speedup is sum over max") {
    const auto& l = lesson("gather");
    for (const auto& v : spread_of(l)) {
      auto r = run_lesson(l, v);
      nanos longest = 0, sum = 0;
      for (lane_id lane : r.runs[1]->task_lanes()) {
        const auto& st = r.metrics[1].lanes[lane];
        CHECK(st.start == 0);  // every fetch starts at once
        longest = std::max(longest, st.end);
      }
      for (lane_id lane : r.runs[0]->task_lanes()) sum += r.metrics[0].lanes[lane].end - r.metrics[0].lanes[lane].start;
      CHECK(r.metrics[1].makespan == longest);
      CHECK(r.metrics[0].makespan == sum);
      CHECK(r.metrics[1].peak_concurrency == static_cast<int>(v.at("pages")));
      CHECK(r.answer.value() == doctest::Approx(static_cast<double>(sum) / static_cast<double>(longest)));
    }
  }

  TEST_CASE("lesson 4: a semaphore of k: ceil(N/k) rounds, never more than k in flight") {
    const auto& l = lesson("semaphore");
    for (const auto& v : spread_of(l)) {
      auto r = run_lesson(l, v);
      const int n = static_cast<int>(v.at("requests")), k = static_cast<int>(v.at("limit"));
      const nanos d = static_cast<nanos>(v.at("latency") * 1e6);
      CHECK(r.metrics[0].makespan == d);
      CHECK(r.metrics[0].peak_concurrency == n);
      CHECK(r.metrics[1].makespan == ((n + k - 1) / k) * d);
      CHECK(r.metrics[1].peak_concurrency == std::min(n, k));
      CHECK(r.answer.value() == doctest::Approx(static_cast<double>(((n + k - 1) / k) * d) / 1e9));
    }
  }

  TEST_CASE("lesson 5: a blocking driver serialises every request and keeps the others ready") {
    const auto& l = lesson("blocking");
    for (const auto& v : spread_of(l)) {
      auto r = run_lesson(l, v);
      const int n = static_cast<int>(v.at("requests")), pool = static_cast<int>(v.at("pool"));
      const nanos q = static_cast<nanos>(v.at("query") * 1e6);
      CHECK(r.metrics[0].makespan == n * q);
      for (int i = 1; i <= n; ++i) CHECK(r.metrics[0].lanes[r.runs[0]->task_lanes()[i - 1]].end == i * q);
      CHECK(r.metrics[0].ready_total >= q * n * (n - 1) / 2);  // request i waits (i - 1) queries, ready
      if (q >= slow_slice_threshold) CHECK(r.metrics[0].slow_slices.size() == static_cast<std::size_t>(n));
      CHECK(r.metrics[1].makespan == q);  // the async driver: every query at once
      CHECK(r.metrics[1].ready_total == 0);
      CHECK(r.metrics[2].makespan == ((n + pool - 1) / pool) * q);  // to_thread: the pool is the limit
      CHECK(r.metrics[2].longest_slice == 0);                       // and the loop is never held
      CHECK(r.answer.value() == doctest::Approx(static_cast<double>(n * q) / 1e9));
    }
  }

  TEST_CASE("lesson 6: computing holds the loop; chunks share it; a thread frees it") {
    const auto& l = lesson("cpu");
    for (const auto& v : spread_of(l)) {
      auto r = run_lesson(l, v);
      const nanos work = static_cast<nanos>(v.at("work") * 1e6), chunk = static_cast<nanos>(v.at("chunk") * 1e6);
      // Read off the heartbeat's events: from each ready to what followed it.
      auto worst_wait = [&](std::size_t variant) {
        const auto events = r.runs[variant]->trace().by_lane()[r.runs[variant]->task_lanes()[0]];
        nanos worst = 0;
        for (std::size_t i = 0; i + 1 < events.size(); ++i)
          if (events[i].state == lane_state::ready) worst = std::max(worst, events[i + 1].t - events[i].t);
        return worst;
      };
      CHECK(r.metrics[0].longest_slice == work);
      CHECK(worst_wait(0) >= work - 100 * ms);  // the heartbeat sat ready for most of the computation
      // Woken during a chunk, it waits for that chunk to end and for two more:
      // its timer's callback is queued behind the resize's next chunk, and
      // its wake-up behind the one after.
      CHECK(worst_wait(1) < 3 * chunk);
      if (work >= 100 * ms + 3 * chunk) CHECK(worst_wait(1) >= 2 * chunk);
      CHECK(worst_wait(1) <= worst_wait(0));  // equal when one chunk is the whole work
      CHECK(r.metrics[1].longest_slice <= chunk);
      CHECK(worst_wait(2) == 0);  // on a thread, the loop keeps time
      CHECK(r.metrics[2].longest_slice == 0);
      CHECK(r.answer.value() < 3 * static_cast<double>(chunk) / 1e6);
      if (work >= 100 * ms + 3 * chunk) CHECK(r.answer.value() >= 2 * static_cast<double>(chunk) / 1e6);
    }
  }

  TEST_CASE("lesson 7: gather raises at once and leaves the others running; TaskGroup cancels them") {
    const auto& l = lesson("errors");
    for (const auto& v : spread_of(l)) {
      auto r = run_lesson(l, v);
      const int calls = static_cast<int>(v.at("calls")), failing = static_cast<int>(v.at("failing"));
      const double latency = v.at("latency");
      auto end_of = [&](int i) { return static_cast<nanos>(latency * 1e6 * i / calls); };
      if (failing > calls) {  // nobody fails
        for (const auto& run : r.runs) CHECK_FALSE(run->error());
        CHECK_FALSE(r.answer);  // no call failed: the question has no answer in this run
        continue;
      }
      CHECK(r.runs[0]->returned() == end_of(failing));  // gather: at the failure
      CHECK(describe(r.runs[0]->error()).find("RuntimeError: API call") == 0);
      CHECK(r.runs[1]->returned() == end_of(calls));  // return_exceptions: at the end, no error
      CHECK_FALSE(r.runs[1]->error());
      CHECK(r.runs[2]->returned() == end_of(failing));  // TaskGroup: the others stopped at once
      CHECK(describe(r.runs[2]->error()).find("ExceptionGroup") == 0);
      for (int i = 1; i <= calls; ++i) {
        const auto gathered = r.metrics[0].lanes[r.runs[0]->task_lanes()[i - 1]].final_state;
        const auto grouped = r.metrics[2].lanes[r.runs[2]->task_lanes()[i - 1]].final_state;
        CHECK(gathered == (i == failing ? lane_state::failed : lane_state::done));
        CHECK(grouped == (i == failing ? lane_state::failed : i < failing ? lane_state::done : lane_state::cancelled));
      }
      if (failing < calls)
        CHECK(r.answer == std::optional<double>(1));  // the calls still out are cancelled
      else
        CHECK_FALSE(r.answer);  // the failing call was the last one out
    }
  }

  TEST_CASE("\"Open the sandbox\" carries a lesson's work: the sandbox runs it as the lesson's variants do") {
    // The lesson's variant each sandbox strategy is, where it has one.
    const std::map<strategy, std::vector<std::string>> same = {
        {strategy::sequential, {"sequential", "await in a loop"}},
        {strategy::gather, {"gather", "two timers"}},
        {strategy::bounded, {"bounded"}},
        {strategy::gather_return_exceptions, {"return_exceptions"}},
        {strategy::taskgroup, {"TaskGroup"}}};
    int mapped = 0;
    for (const auto& l : ls::all()) {
      if (!l.sandbox) continue;
      ++mapped;
      for (const auto& v : spread_of(l)) {
        const auto carried = l.sandbox(v);
        // A failing call past the calls has no task to fail in the sandbox:
        // the window then opens it as it was.
        if (carried.work.invalid() && v != ls::defaults(l)) continue;
        REQUIRE_FALSE(carried.work.invalid());
        const auto r = run_lesson(l, v);
        const auto o = r.by_name();
        int compared = 0;
        for (strategy how : carried.strategies) {
          for (const auto& name : same.at(how)) {
            if (l.find_variant(name) == nullptr) continue;
            INFO(l.id << " / " << name);
            const auto s = run_sandbox(how, carried.work);
            CHECK(s.m.makespan == o.metrics(name).makespan);
            CHECK(s.run->returned() == o.run(name).returned());
            const auto type = [](const std::string& e) { return e.substr(0, e.find(':')); };
            CHECK(type(describe(s.run->error())) == type(describe(o.run(name).error())));
            ++compared;
          }
        }
        CHECK(compared >= 1);
      }
    }
    CHECK(mapped == 5);  // lessons 1, 2, 3, 4 and 7
  }

  TEST_CASE("lesson 8: wait_for cancels at the await, the cleanup runs, then TimeoutError") {
    const auto& l = lesson("timeouts");
    for (const auto& v : spread_of(l)) {
      auto r = run_lesson(l, v);
      const nanos latency = static_cast<nanos>(v.at("latency") * 1e6),
                  timeout = static_cast<nanos>(v.at("timeout") * 1e6), close = static_cast<nanos>(v.at("close") * 1e6);
      CHECK(r.metrics[0].makespan == latency + close);
      const auto& fetch = r.metrics[1].lanes[r.runs[1]->task_lanes()[0]];
      if (timeout <= latency) {  // at equal times the deadline wins, as in asyncio
        CHECK(fetch.final_state == lane_state::cancelled);
        CHECK(describe(r.runs[1]->error()) == "TimeoutError");
        CHECK(r.runs[1]->returned() == timeout + close);  // only after the cleanup
        CHECK(fetch.end == timeout + close);
      } else {
        CHECK(fetch.final_state == lane_state::done);
        CHECK_FALSE(r.runs[1]->error());
      }
      if (timeout <= latency)
        CHECK(r.answer.value() == doctest::Approx(static_cast<double>(r.runs[1]->returned()) / 1e9));
      else
        CHECK_FALSE(r.answer);  // no TimeoutError: the answer does not exist
    }
  }

  TEST_CASE("lesson 11: a forgotten task's error reaches nobody; kept in a set, its done-callback logs it") {
    const auto& l = lesson("background");
    for (const auto& v : spread_of(l)) {
      auto r = run_lesson(l, v);
      const int orders = static_cast<int>(v.at("orders")), failing = static_cast<int>(v.at("failing"));
      const nanos save = static_cast<nanos>(v.at("save") * 1e6), mail = static_cast<nanos>(v.at("mail") * 1e6);
      const bool fails = failing <= orders;
      const auto o = r.by_name();
      // Awaited: each response waits for its mail; the failure reaches the handler and ends the run.
      const auto& awaited = o.run("awaited");
      CHECK(awaited.returned() == (fails ? failing : orders) * (save + mail));
      CHECK(
          describe(awaited.error()) ==
          (fails ? "RuntimeError: receipt " + std::to_string(failing) + ": the mail server said 554" : std::string()));
      for (const char* name : {"forgotten", "kept in a set"}) {
        INFO(name);
        const auto& run = o.run(name);
        const auto& m = o.metrics(name);
        CHECK_FALSE(run.error());  // the handler never hears of it
        CHECK(run.returned() == orders * save);
        CHECK(m.makespan == orders * save + mail);  // the receipts outlive the responses
        for (int i = 1; i <= orders; ++i) {
          const auto& st = m.lanes[run.task_lanes()[static_cast<std::size_t>(i - 1)]];
          CHECK(st.end == i * save + mail);
          CHECK(st.final_state == (i == failing ? lane_state::failed : lane_state::done));
        }
      }
      CHECK(o.figure("forgotten", "never_retrieved") == (fails ? 1 : 0));
      CHECK(o.figure("forgotten", "errors_logged") == 0);
      CHECK(o.figure("kept in a set", "never_retrieved") == 0);
      CHECK(o.figure("kept in a set", "errors_logged") == (fails ? 1 : 0));
      CHECK(o.figure("kept in a set", "background_left") == 0);
      CHECK(o.figure("awaited", "never_retrieved") == 0);
      if (fails)
        CHECK(r.answer == std::optional<double>(2));  // nobody
      else
        CHECK_FALSE(r.answer);
    }
  }

  TEST_CASE(
      "lesson 12: a bounded queue makes the producer wait for the workers; join, then the workers are cancelled") {
    const auto& l = lesson("queue");
    for (const auto& v : spread_of(l)) {
      auto r = run_lesson(l, v);
      const auto o = r.by_name();
      const int orders = static_cast<int>(v.at("orders")), workers = static_cast<int>(v.at("workers")),
                maxsize = static_cast<int>(v.at("maxsize"));
      const nanos interval = static_cast<nanos>(1000.0 / v.at("rate") * 1e6),
                  job = static_cast<nanos>(v.at("job") * 1e6);
      auto producer_end = [&](std::string_view variant) {
        return o.metrics(variant).lanes[o.run(variant).task_lanes().front()].end;
      };
      auto producer_waited_on_queue = [&](std::string_view variant) {
        const auto lanes = o.run(variant).trace().by_lane();
        for (const auto& e : lanes[o.run(variant).task_lanes().front()])
          if (e.state == lane_state::waiting && e.detail == static_cast<std::uint8_t>(wait_reason::queue)) return true;
        return false;
      };
      for (const char* name : {"unbounded", "bounded", "too few workers"}) {
        INFO(name);
        const auto& run = o.run(name);
        const auto& m = o.metrics(name);
        CHECK_FALSE(run.error());
        CHECK(run.returned() == m.makespan);
        for (std::size_t i = 1; i < run.task_lanes().size(); ++i) {  // the workers: cancelled at join's return
          CHECK(m.lanes[run.task_lanes()[i]].final_state == lane_state::cancelled);
          CHECK(m.lanes[run.task_lanes()[i]].end == m.makespan);
        }
        // No worker can finish more than one order per job time.
        const int crew = static_cast<int>(run.task_lanes().size()) - 1;
        CHECK(m.makespan >= interval + ((orders + crew - 1) / crew) * job);
      }
      // Unbounded: the producer never waits for room.
      CHECK(producer_end("unbounded") == orders * interval);
      CHECK_FALSE(producer_waited_on_queue("unbounded"));
      // Bounded: when it puts its last order, at most maxsize wait and one per worker is in hand.
      const int behind = std::max(0, orders - maxsize - workers);
      CHECK(producer_end("bounded") >= interval + ((behind + workers - 1) / workers) * job);
      CHECK(producer_waited_on_queue("bounded") == (producer_end("bounded") > orders * interval));
      // One worker: when orders come faster than it works, it sets the pace alone.
      if (interval <= job) CHECK(o.metrics("too few workers").makespan == interval + orders * job);
      CHECK(r.answer.value() == doctest::Approx(static_cast<double>(producer_end("bounded")) / 1e9));
    }
  }

  TEST_CASE("lesson 13: read, await, write loses every deposit but one; a lock fixes it; a lock too wide serialises") {
    const auto& l = lesson("races");
    for (const auto& v : spread_of(l)) {
      auto r = run_lesson(l, v);
      const auto o = r.by_name();
      const int n = static_cast<int>(v.at("deposits"));
      const nanos check = static_cast<nanos>(v.at("check") * 1e6), ledger = static_cast<nanos>(v.at("ledger") * 1e6);
      const nanos open = 100 * ms;
      // Every deposit reads the balance before any writes it back.
      CHECK(o.figure("no lock", "balance") == 100);
      CHECK(o.figure("no lock", "lost_updates") == n - 1);
      CHECK(o.metrics("no lock").makespan == open + check + ledger);
      CHECK(o.figure("lock", "balance") == 100 * n);
      CHECK(o.metrics("lock").makespan == open + check + n * ledger);  // only the ledger writes queue
      CHECK(o.figure("lock held too long", "balance") == 100 * n);
      CHECK(o.metrics("lock held too long").makespan == open + n * (check + ledger));  // everything queues
      for (const char* name : {"no lock", "lock", "lock held too long"}) {
        INFO(name);
        const auto& run = o.run(name);
        const auto lanes = run.trace().by_lane();
        int lock_waits = 0;
        for (lane_id lane : run.task_lanes()) {
          std::vector<wait_reason> reasons;
          for (const auto& e : lanes[lane])
            if (e.state == lane_state::waiting) reasons.push_back(static_cast<wait_reason>(e.detail));
          REQUIRE_FALSE(reasons.empty());
          CHECK(reasons.front() == wait_reason::event);  // the bank opens for everyone at once
          lock_waits += static_cast<int>(std::count(reasons.begin(), reasons.end(), wait_reason::lock));
        }
        CHECK(lock_waits == (std::string_view(name) == "no lock" ? 0 : n - 1));  // all but the first wait their turn
      }
      CHECK(r.answer.value() == 100);
    }
  }

  TEST_CASE(
      "lesson 14: first completed returns with the fastest mirror; forgotten losers run on, cancelled ones stop") {
    const auto& l = lesson("first");
    for (const auto& v : spread_of(l)) {
      auto r = run_lesson(l, v);
      const auto o = r.by_name();
      const std::vector<nanos> latency{static_cast<nanos>(v.at("eu") * 1e6), static_cast<nanos>(v.at("us") * 1e6),
                                       static_cast<nanos>(v.at("asia") * 1e6)};
      const nanos fastest = *std::min_element(latency.begin(), latency.end()),
                  slowest = *std::max_element(latency.begin(), latency.end());
      CHECK(o.run("gather all").returned() == slowest);
      CHECK(o.run("first, forget the rest").returned() == fastest);
      CHECK(o.metrics("first, forget the rest").makespan == slowest);  // the losers run to their end
      CHECK(o.run("first, cancel the rest").returned() == fastest);
      CHECK(o.metrics("first, cancel the rest").makespan == fastest);
      for (std::size_t i = 0; i < 3; ++i) {
        const auto& forgot = o.metrics("first, forget the rest").lanes[o.run("first, forget the rest").task_lanes()[i]];
        const auto& cut = o.metrics("first, cancel the rest").lanes[o.run("first, cancel the rest").task_lanes()[i]];
        CHECK(forgot.final_state == lane_state::done);
        CHECK(forgot.end == latency[i]);
        CHECK(cut.final_state == (latency[i] == fastest ? lane_state::done : lane_state::cancelled));
        CHECK(cut.end == fastest);
      }
      CHECK(r.answer.value() == doctest::Approx(static_cast<double>(slowest) / 1e9));
    }
  }

  TEST_CASE("CPython agrees: the lesson's .py, traced on the virtual clock, and the engine, task by task") {
    // Both clocks are virtual, so both runs are exact: the same tasks end in
    // the same states at the same times, in the same order (compare_runs,
    // as `run --lesson N --cpython` and the window ask it). A twin that
    // computes (lesson 6) spends real CPU time, which the tracer counts:
    // there, times agree within a tolerance (options_for).
    const std::string stream = "/tmp/loopscope_lesson_twin_" + std::to_string(::getpid()) + ".jsonl";
    for (const auto& l : ls::all()) {
      if (l.real_clock_only) continue;  // their twins are checked in the real_lessons suite
      for (const auto& v : {ls::defaults(l), spread_of(l).back()}) {
        for (const auto& variant : l.variants) {
          auto engine = ls::make_run(l, variant, v);
          engine->run_to_end();
          const auto m = compute_metrics(engine->trace(), engine->now());
          const agreement_options options = options_for(*engine, m);

          // A twin that does not compute is traced with no step taking time:
          // exact however busy the machine is.
          char folder[8];
          std::snprintf(folder, sizeof folder, "%02d_", l.number);
          const char* interpreter = std::getenv("LOOPSCOPE_PYTHON");  // ./dev conformance tries each one
          std::string cmd = std::string(interpreter != nullptr ? interpreter : "python3") +
                            " " LOOPSCOPE_TRACER " --out " + stream + " " +
                            (options.check_order ? "--no-step-time " : "") + "-- " LOOPSCOPE_LESSONS_DIR "/";
          cmd += folder + l.id + "/lesson.py --variant '" + variant.name + "'";
          for (const auto& [name, value] : v) cmd += " --set " + name + "=" + std::to_string(value);
          INFO(cmd);
          // A twin that computes measures this machine, and a busy machine
          // stretches its times: it gets three tries to run undisturbed.
          std::optional<agreement> agreed;
          process_result python{};
          for (int tries = 1; tries <= 3 && !(agreed && agreed->agrees()); ++tries) {
            python = run_process(cmd);
            REQUIRE(python.code == 0);
            const auto traced = read_tracer_file(stream);
            agreed = compare_runs(*engine, m, *traced, compute_metrics(traced->trace(), traced->now()), options);
            if (options.check_order) break;
          }
          INFO(agreed->badge());
          CHECK(agreed->tasks > 0);
          const auto py = nlohmann::json::parse(python.out);
          const double engine_returned = static_cast<double>(engine->returned()) / 1e9;
          if (!options.check_order && !agreed->agrees()) {
            // Three tries and the machine never let the computing twin run
            // undisturbed: a busy machine only ever makes it slower. The
            // same tasks still end in the same states, and never sooner.
            MESSAGE(
                "the machine was too busy to time a computing twin; its times were not compared: " << agreed->badge());
            const auto traced = read_tracer_file(stream);
            const auto tm = compute_metrics(traced->trace(), traced->now());
            agreement_options loose = options;
            loose.tolerance = std::max(tm.makespan, m.makespan);
            CHECK(compare_runs(*engine, m, *traced, tm, loose).agrees());
            CHECK(py["returned_s"].get<double>() >= engine_returned - static_cast<double>(options.tolerance) / 1e9);
            continue;
          }
          CHECK(agreed->agrees());
          // When the variant's await returned, as the twin saw it.
          const double tolerance = static_cast<double>(options.tolerance) / 1e9;
          CHECK(py["returned_s"].get<double>() ==
                doctest::Approx(engine_returned).epsilon(0).scale(1).epsilon(tolerance));
        }
      }
    }
    std::remove(stream.c_str());
  }
}
