// What the window shows, without pixels: the timeline's mapping, culling,
// folding, hit testing, ruler, lane store and density view, and the lesson
// prose parsed from Markdown, code coloured by its syntax.
#include <doctest/doctest.h>

#include <map>

#include "app/gui/code_marks.hpp"
#include "app/gui/loop_state.hpp"
#include "app/gui/markdown.hpp"
#include "app/gui/narration.hpp"
#include "app/gui/syntax.hpp"
#include "app/gui/timeline_model.hpp"
#include "core/sandbox.hpp"
#include "core/shown_source.hpp"
#include "helpers.hpp"
#include "lessons/lesson.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using namespace loopscope::testing;

namespace {
// The 1-based line of `code` where `text` first is.
int line_in(std::string_view code, std::string_view text) {
  const auto at = code.find(text);
  REQUIRE(at != std::string_view::npos);
  return static_cast<int>(std::count(code.begin(), code.begin() + static_cast<long>(at), '\n')) + 1;
}

time_axis axis_of(nanos t0, nanos t1, float width) {
  time_axis a;
  a.t0 = t0;
  a.t1 = t1;
  a.x0 = 100;
  a.width = width;
  return a;
}

// A sandbox run to its end, and its lanes as the window reads them.
std::pair<std::unique_ptr<scenario_run>, lane_store> ended_sandbox(strategy s, int tasks, int limit) {
  workload w;
  w.tasks = tasks;
  w.limit = limit;
  auto run = make_sandbox(s, w, loop_options{});
  run->run_to_end();
  lane_store lanes;
  lanes.sync(run->trace());
  return {std::move(run), std::move(lanes)};
}
}  // namespace

TEST_SUITE("view") {
  TEST_CASE("a wait's tooltip says the line of the shown code it was awaited at") {
    namespace ls = loopscope::lessons;
    const ls::lesson& l = *ls::find("gather");
    auto run = ls::make_run(l, *l.find_variant("gather"), ls::defaults(l));
    run->run_to_end();
    const auto lanes = run->trace().by_lane();
    const auto& events = lanes[run->task_lanes().front()];
    int waits = 0;
    for (const auto& e : events) {
      if (e.state != lane_state::waiting) continue;
      ++waits;
      const std::string where = gui::where_awaited(run.get(), l.code, events, e.t);
      INFO(where);
      CHECK(where.find("at line ") == 0);
      CHECK(where.find("sleep") != std::string::npos);  // a page's fetch waits at its sleep
    }
    CHECK(waits >= 1);
    CHECK(gui::where_awaited(nullptr, l.code, events, 0).empty());
  }

  TEST_CASE("at the cursor, the code marks where every task is: its await's line, in its state") {
    namespace ls = loopscope::lessons;
    const ls::lesson& l = *ls::find("semaphore");  // 12 requests, 3 at once, 500 ms each
    auto run = ls::make_run(l, *l.find_variant("bounded"), ls::defaults(l));
    run->run_to_end();
    lane_store lanes;
    lanes.sync(run->trace());
    const std::vector<marked_run> runs{{run.get(), &lanes}};
    auto line_of = [&](std::string_view text) { return line_in(l.code, text); };
    // At 1.2 s: requests 7-9 are in their call (a timer), 10-12 wait for a
    // permit; the main task waits for them all.
    const auto marks = marks_at(runs, 1'200'000'000);
    const code_mark* sleeping = nullptr;
    const code_mark* queued = nullptr;
    for (const code_mark& m : marks) {
      if (m.line == line_of("co_await sleep(latency)")) sleeping = &m;
      if (m.line == line_of("limit.acquire()")) queued = &m;
    }
    REQUIRE(sleeping != nullptr);
    REQUIRE(queued != nullptr);
    CHECK(sleeping->tasks.size() == 3);
    CHECK(sleeping->lead().state == lane_state::waiting);
    CHECK(sleeping->lead().detail == static_cast<std::uint8_t>(wait_reason::timer));
    CHECK(queued->tasks.size() == 3);
    CHECK(queued->lead().detail == static_cast<std::uint8_t>(wait_reason::semaphore));
    CHECK(mark_label(*queued, runs) == "3 tasks");
    CHECK(mark_tooltip(*queued, runs) ==
          "request 10 \u00b7 waiting for a semaphore permit\nrequest 11 \u00b7 waiting for a semaphore "
          "permit\nrequest 12 \u00b7 waiting for a semaphore permit");
    std::vector<std::string> names;
    for (const parked_task& t : queued->tasks) names.push_back(lanes.info(t.lane).name);
    CHECK(names == std::vector<std::string>{"request 10", "request 11", "request 12"});
    // Marks are in line order, each line once; before the start there are
    // none, and none after the end.
    for (std::size_t i = 1; i < marks.size(); ++i) CHECK(marks[i - 1].line < marks[i].line);
    CHECK(marks_at(runs, -1).empty());
    CHECK(marks_at(runs, run->now() + 1).empty());
    // Two tasks are named; two variants are told apart.
    code_mark two = *queued;
    two.tasks.resize(2);
    CHECK(mark_label(two, runs) == "request 10, request 11");
    const std::vector<marked_run> both{{run.get(), &lanes}, {run.get(), &lanes}};
    two.tasks[1].run = 1;
    CHECK(mark_label(two, both) == "bounded: request 10 · bounded: request 11");
  }

  TEST_CASE("the sandbox's shown code: a task blocking before its first await is at its call, then at its sleep") {
    workload w;
    w.tasks = 3;
    w.duration = 1'000'000'000;
    w.block[2] = 300'000'000;
    auto run = make_sandbox(strategy::gather, w, loop_options{});
    const shown_source& code = sandbox_code();
    run->show_code({std::string(code.file), code.first_line, code.lines()});
    run->run_to_end();
    lane_store lanes;
    lanes.sync(run->trace());
    const std::vector<marked_run> runs{{run.get(), &lanes}};
    const int call = line_in(code.code, "block(nanoseconds(t.blocks))");
    const int sleep = line_in(code.code, "co_await sleep(nanoseconds(t.sleeps))");
    // At 0.1 s task 2 holds the loop in its call; task 1 sleeps; task 3 is
    // ready, about to run its body, not yet at any line of it.
    std::map<std::string, std::pair<int, lane_state>> at;
    for (const code_mark& m : marks_at(runs, 100'000'000))
      for (const parked_task& p : m.tasks) at[lanes.info(p.lane).name] = {m.line, p.state};
    CHECK(at["task 1"] == std::pair{sleep, lane_state::waiting});
    CHECK(at["task 2"] == std::pair{call, lane_state::running});
    CHECK(at.count("task 3") == 0);
    // At 0.5 s all three sleep at the same line, and main waits at gather.
    const auto later = marks_at(runs, 500'000'000);
    REQUIRE(later.size() == 2);
    CHECK(later[0].line == sleep);
    CHECK(later[0].tasks.size() == 3);
    CHECK(later[1].line == line_in(code.code, "co_await gather(std::move(started), mode)"));
    CHECK(mark_label(later[1], runs) == "main");
  }

  TEST_CASE("the loop at a moment: who runs, the ready queue in the order they will run, timers by deadline") {
    namespace ls = loopscope::lessons;
    {
      // Lesson 5, the blocking driver, mid-block: request 2 holds the loop
      // in its blocking call; 3, 4 and 5 are ready, in the order they run.
      const ls::lesson& l = *ls::find("blocking");
      auto run = ls::make_run(l, *l.find_variant("blocking driver"), ls::defaults(l));
      run->run_to_end();
      lane_store lanes;
      lanes.sync(run->trace());
      const nanos t = 450'000'000;
      const loop_state s = loop_at(lanes, t);
      REQUIRE(s.running);
      CHECK(lanes.info(s.running->lane).name == "request 2");
      CHECK(s.running->detail == static_cast<std::uint8_t>(run_kind::blocking));
      CHECK(s.running->since == 300'000'000);
      // The order they will run: when each next starts running, after t.
      std::vector<std::pair<nanos, std::string>> next_runs;
      for (const loop_entry& e : s.ready) {
        for (const trace_event& ev : lanes.events(e.lane))
          if (ev.t > t && ev.state == lane_state::running) {
            next_runs.emplace_back(ev.t, lanes.info(e.lane).name);
            break;
          }
      }
      REQUIRE(next_runs.size() == 3);
      CHECK(std::is_sorted(next_runs.begin(), next_runs.end()));
      CHECK(next_runs.front().second == "request 3");
      CHECK(s.timers.empty());
      CHECK(s.done == 1);
      REQUIRE(s.last);
      CHECK(lanes.info(s.last->lane).name == "request 1");
      CHECK(s.last_end == 300'000'000);
      // Request 2 is marked at its blocking call, in the blocking colour's
      // state, and the story says where it holds the loop.
      const std::vector<marked_run> runs{{run.get(), &lanes}};
      const int call = line_in(l.code, "{ block(latency); }");
      bool marked = false;
      for (const code_mark& m : marks_at(runs, t))
        for (const parked_task& p : m.tasks)
          if (lanes.info(p.lane).name == "request 2") {
            marked = true;
            CHECK(m.line == call);
            CHECK(p.state == lane_state::running);
            CHECK(p.detail == static_cast<std::uint8_t>(run_kind::blocking));
            CHECK(mark_tooltip(m, runs) == "request 2 \u00b7 blocking the loop in this call");
          }
      CHECK(marked);
      bool told = false;
      for (const narrated& n : narrate(runs.front(), t, 8))
        told |= n.text ==
                "0.300 s \u00b7 request 2 makes a blocking call at line " + std::to_string(call) + ": the loop is held";
      CHECK(told);
    }
    {
      // Lesson 4 at 1.2 s: three asleep in their call until 1.5 s, three
      // queued at the semaphore, main waiting for them all.
      const ls::lesson& l = *ls::find("semaphore");
      auto run = ls::make_run(l, *l.find_variant("bounded"), ls::defaults(l));
      run->run_to_end();
      lane_store lanes;
      lanes.sync(run->trace());
      const loop_state s = loop_at(lanes, 1'200'000'000, &lanes);  // the whole run: deadlines known
      CHECK_FALSE(s.running);
      CHECK(s.ready.empty());
      REQUIRE(s.timers.size() == 3);
      for (const loop_entry& e : s.timers) {
        CHECK(e.since == 1'000'000'000);
        CHECK(e.due == std::optional<nanos>(1'500'000'000));
      }
      // Without the whole run (a guess is asked for), nothing ahead is told.
      for (const loop_entry& e : loop_at(lanes, 1'200'000'000).timers) CHECK_FALSE(e.due);
      CHECK(s.waiting[static_cast<std::size_t>(wait_reason::semaphore)] == 3);
      CHECK(s.waiting[static_cast<std::size_t>(wait_reason::child)] == 1);
      CHECK(s.done == 6);
      // Before anything ran, nothing has: every task not started.
      const loop_state before = loop_at(lanes, -1);
      CHECK(before.not_started == static_cast<int>(run->task_lanes().size()) + 1);
      CHECK_FALSE(before.last);
    }
  }

  TEST_CASE("the run told in sentences, up to the cursor, forward and back") {
    namespace ls = loopscope::lessons;
    const ls::lesson& l = *ls::find("semaphore");
    auto run = ls::make_run(l, *l.find_variant("bounded"), ls::defaults(l));
    run->run_to_end();
    lane_store lanes;
    lanes.sync(run->trace());
    const marked_run r{run.get(), &lanes};
    auto texts = [&](nanos t, std::size_t count) {
      std::vector<std::string> out;
      for (const narrated& n : narrate(r, t, count)) out.push_back(n.text);
      return out;
    };
    auto has = [](const std::vector<std::string>& lines, const std::string& text) {
      return std::find(lines.begin(), lines.end(), text) != lines.end();
    };
    // Lines of the lesson's shown C++.
    auto line_of = [&](std::string_view text) { return "line " + std::to_string(line_in(l.code, text)); };
    const std::string sleep_line = line_of("co_await sleep(latency)"), acquire_line = line_of("limit.acquire()");
    // From the start: every task created, the first three get permits and
    // sleep; the rest queue at the semaphore.
    const auto start = texts(0, 1000);
    CHECK(has(start, "0.000 s \u00b7 request 1 waits for a timer at " + sleep_line));
    CHECK(has(start, "0.000 s \u00b7 request 4 waits for a semaphore permit at " + acquire_line));
    // At 0.5 s, in the order it happened: request 2's call ends, its permit
    // wakes request 5, then request 2 finishes.
    const auto at_half = texts(500'000'000, 12);
    REQUIRE(at_half.size() == 12);
    const auto resumed = std::find(at_half.begin(), at_half.end(), "0.500 s \u00b7 request 2 resumed at " + sleep_line);
    REQUIRE(resumed != at_half.end());
    REQUIRE(resumed + 2 < at_half.end());
    CHECK(*(resumed + 1) == "0.500 s \u00b7 request 5 got a permit: ready");
    CHECK(*(resumed + 2) == "0.500 s \u00b7 request 2 finished");
    CHECK(has(at_half, "0.500 s \u00b7 request 5 waits for a timer at " + sleep_line));
    // Nothing after the cursor; and back is the same as before.
    for (const narrated& n : narrate(r, 500'000'000, 50)) CHECK(n.t <= 500'000'000);
    (void)texts(1'500'000'000, 12);
    CHECK(texts(500'000'000, 12) == at_half);
    CHECK(texts(-1, 12).empty());
    // The end: main's last word.
    CHECK(texts(run->now(), 1) == std::vector<std::string>{"2.000 s \u00b7 main finished"});
  }

  TEST_CASE("time and pixels map both ways; zoom keeps the time under the mouse") {
    auto a = axis_of(0, 1000 * ms, 1000);
    CHECK(a.to_x(0) == doctest::Approx(100));
    CHECK(a.to_x(500 * ms) == doctest::Approx(600));
    CHECK(a.to_t(600) == 500 * ms);
    const nanos under = a.to_t(350);
    a.zoom_around(350, 4.0);
    CHECK(a.t1 - a.t0 == 250 * ms);
    CHECK(std::llabs(a.to_t(350) - under) <= 1);
    a.pan_px(100);  // drag right: earlier times come into view
    CHECK(a.t0 == under - 62'500'000 - 25 * ms);
    a.fit(2 * sec);
    CHECK(a.t0 == 0);
    CHECK(a.t1 > 2 * sec);
  }

  TEST_CASE("items are culled to the visible range and cut at the cursor") {
    std::vector<trace_event> ev{{0, 0, lane_state::ready, 0},
                                {100 * ms, 0, lane_state::running, 0},
                                {200 * ms, 0, lane_state::waiting, 1},
                                {700 * ms, 0, lane_state::running, 0},
                                {800 * ms, 0, lane_state::done, 0}};
    std::vector<lane_item> items;
    SUBCASE("everything visible") {
      build_lane_items(ev, axis_of(0, 1000 * ms, 1000), 1000 * ms, items);
      REQUIRE(items.size() == 5);
      CHECK(items[2].state == lane_state::waiting);
      CHECK(items[2].x0 == doctest::Approx(300));
      CHECK(items[4].marker);
      CHECK(items[4].state == lane_state::done);
    }
    SUBCASE("a window in the middle starts with the span covering its left edge") {
      build_lane_items(ev, axis_of(300 * ms, 400 * ms, 1000), 1000 * ms, items);
      REQUIRE(items.size() == 1);
      CHECK(items[0].state == lane_state::waiting);
      CHECK(items[0].x0 == doctest::Approx(100));
      CHECK(items[0].x1 == doctest::Approx(1100));
    }
    SUBCASE("nothing after the cursor") {
      build_lane_items(ev, axis_of(0, 1000 * ms, 1000), 450 * ms, items);
      REQUIRE(items.size() == 3);
      CHECK(items.back().t1 == 450 * ms);
      for (const auto& it : items) CHECK_FALSE(it.marker);
    }
  }

  TEST_CASE("spans under 3 px fold into one counted item showing the longest state") {
    std::vector<trace_event> ev;
    // 100 alternating 1 ms spans over 100 ms on a 100 px axis: 1 px each.
    for (int i = 0; i < 100; ++i)
      ev.push_back({i * ms, 0, i % 2 ? lane_state::waiting : lane_state::running, static_cast<std::uint8_t>(1)});
    ev.push_back({100 * ms, 0, lane_state::done, 0});
    std::vector<lane_item> items;
    build_lane_items(ev, axis_of(0, 100 * ms, 100), 200 * ms, items);
    std::uint32_t spans = 0;
    std::vector<lane_item> spans_only;
    for (const auto& it : items)
      if (!it.marker) spans_only.push_back(it);
    for (std::size_t i = 0; i < spans_only.size(); ++i) {
      spans += spans_only[i].folded;
      // Every fold is at least 3 px wide, but the last: nothing is left to join it.
      if (i + 1 < spans_only.size()) CHECK(spans_only[i].x1 - spans_only[i].x0 >= 2.99f);
    }
    CHECK(spans == 100);
    CHECK(items.size() < 40);
  }

  TEST_CASE("hit testing finds the span under the mouse, and markers first") {
    std::vector<lane_item> items{{0, 50, 0, 1, lane_state::running, 0, 1, false},
                                 {50, 90, 1, 2, lane_state::waiting, 1, 1, false},
                                 {90, 90, 2, 2, lane_state::done, 0, 1, true}};
    CHECK(hit_test(items, 10)->state == lane_state::running);
    CHECK(hit_test(items, 60)->state == lane_state::waiting);
    CHECK(hit_test(items, 88)->marker);
    CHECK(hit_test(items, 200) == nullptr);
  }

  TEST_CASE("the ruler picks 1-2-5 steps and units that suit the zoom") {
    auto seconds_axis = axis_of(0, 10 * sec, 1000);
    auto t = ruler_ticks(seconds_axis, 90);
    REQUIRE(t.size() >= 2);
    CHECK(t[1].t - t[0].t == 1 * sec);
    CHECK(t[1].label == "1 s");
    auto micro_axis = axis_of(0, 50'000, 1000);
    t = ruler_ticks(micro_axis, 90);
    CHECK(t[1].t - t[0].t == 5'000);
    CHECK(t[1].label == "5 µs");
    CHECK(format_tick(1'500'000'000, 100'000'000) == "1.5 s");
    CHECK(format_tick(250 * ms, 50 * ms) == "250 ms");
    CHECK(format_tick(7, 1) == "7 ns");
  }

  TEST_CASE("the lane store reads only what was appended, and the density counts states") {
    workload w;
    w.tasks = 4;
    w.limit = 2;
    auto run = make_sandbox(strategy::bounded, w, loop_options{});
    lane_store lanes;
    CHECK(lanes.sync(run->trace()));
    const std::size_t early = lanes.event_count();
    CHECK_FALSE(lanes.sync(run->trace()));
    run->run_to_end();
    CHECK(lanes.sync(run->trace()));
    CHECK(lanes.event_count() > early);
    std::size_t total = 0;
    for (const auto& events : run->trace().by_lane()) total += events.size();
    CHECK(lanes.event_count() == total);

    const auto d = compute_density(lanes, run->now());
    CHECK(d.peak == 4);  // all four tasks are alive at t=0: two with permits, two waiting for one
    const auto mid = d.index_at(500 * ms);
    CHECK(d.waiting[mid] == 4);  // two on timers, two on the semaphore
    CHECK(d.running[mid] == 0);
  }

  TEST_CASE("the density is each task's state in force, counted, at every step and between steps") {
    for (const strategy s : {strategy::sequential, strategy::gather, strategy::bounded}) {
      const auto [run, lanes] = ended_sandbox(s, 7, 3);
      for (const nanos cursor : {run->now(), run->now() / 2, nanos{0}}) {
        const auto d = compute_density(lanes, cursor);
        std::vector<nanos> probes;
        for (std::size_t i = 0; i < d.t.size(); ++i) {
          probes.push_back(d.t[i]);
          if (i + 1 < d.t.size()) probes.push_back((d.t[i] + d.t[i + 1]) / 2);
        }
        for (const nanos t : probes) {
          int counted[3] = {0, 0, 0};  // running, ready, waiting
          if (t < cursor) {
            for (lane_id id = 0; id < lanes.lane_count(); ++id) {
              if (lanes.info(id).kind != lane_kind::task) continue;
              const trace_event* in_force = nullptr;
              for (const trace_event& e : lanes.events(id))
                if (e.t <= t) in_force = &e;
              if (in_force == nullptr || is_terminal(in_force->state)) continue;
              ++counted[in_force->state == lane_state::running ? 0 : in_force->state == lane_state::ready ? 1 : 2];
            }
          }
          const std::size_t at = d.index_at(t);
          CAPTURE(t);
          CHECK(d.running[at] == counted[0]);
          CHECK(d.ready[at] == counted[1]);
          CHECK(d.waiting[at] == counted[2]);
        }
      }
    }
  }

  TEST_CASE("the figures from the window's lanes are the figures from the trace") {
    for (const strategy s : {strategy::sequential, strategy::gather, strategy::bounded}) {
      const auto [run, lanes] = ended_sandbox(s, 9, 2);
      for (const nanos now : {run->now(), run->now() / 3}) {
        const run_metrics a = compute_metrics(run->trace(), now);
        const run_metrics b = metrics_of(run->trace(), lanes, now);
        CHECK(a.makespan == b.makespan);
        CHECK(a.window == b.window);
        CHECK(a.peak_concurrency == b.peak_concurrency);
        CHECK(a.ready_total == b.ready_total);
        CHECK(a.latency_p99 == b.latency_p99);
        CHECK(a.completion_order == b.completion_order);
        CHECK(a.concurrency == b.concurrency);
        REQUIRE(a.lanes.size() == b.lanes.size());
        for (std::size_t i = 0; i < a.lanes.size(); ++i) {
          CHECK(a.lanes[i].running == b.lanes[i].running);
          CHECK(a.lanes[i].waiting == b.lanes[i].waiting);
          CHECK(a.lanes[i].end == b.lanes[i].end);
        }
      }
    }
  }

  TEST_CASE("lesson prose: headings, paragraphs, lists, emphasis and inline code") {
    const auto blocks = parse_markdown(
        "# Title\n\nA *suspended* task holds **nothing**: `await` hands the\nloop back.\n\n"
        "## Watch\n\n- first item\n- second `code`\n");
    REQUIRE(blocks.size() == 5);
    CHECK(blocks[0].kind == md_block::heading);
    CHECK(blocks[0].level == 1);
    CHECK(blocks[0].runs[0].text == "Title");
    CHECK(blocks[1].kind == md_block::paragraph);
    std::string text;
    for (const auto& r : blocks[1].runs) text += r.text;
    CHECK(text == "A suspended task holds nothing: await hands the loop back.");
    CHECK(blocks[1].runs[1].style == md_style::emphasis);
    CHECK(blocks[1].runs[3].style == md_style::strong);
    CHECK(blocks[1].runs[5].style == md_style::code);
    CHECK(blocks[2].level == 2);
    CHECK(blocks[3].kind == md_block::bullet);
    CHECK(blocks[4].runs.back().style == md_style::code);
  }

  TEST_CASE("every lesson's prose parses into headings and paragraphs") {
    for (const auto& l : lessons::all()) {
      const auto blocks = parse_markdown(l.prose);
      INFO(l.id);
      REQUIRE(blocks.size() > 3);
      CHECK(blocks[0].kind == md_block::heading);
    }
  }
  TEST_CASE("code is coloured: keywords, the words that suspend, strings, comments, numbers") {
    auto spans = [](std::string_view text, code_language lang) {
      std::vector<std::pair<std::string, token_kind>> out;
      for (const code_token& t : highlight(text, lang))
        out.emplace_back(std::string(text.substr(t.begin, t.end - t.begin)), t.kind);
      return out;
    };
    using v = std::vector<std::pair<std::string, token_kind>>;
    CHECK(spans("async def main():\n    await asyncio.sleep(1.5)  # wait\n", code_language::python) ==
          v{{"async", token_kind::suspend},
            {"def", token_kind::keyword},
            {"await", token_kind::suspend},
            {"1.5", token_kind::number},
            {"# wait", token_kind::comment}});
    // Strings, with their prefixes and escapes; triple quotes across lines;
    // a word that only starts like a keyword is plain.
    CHECK(
        spans(R"(print(f"it's {x}\" done", 'a#b') # c)", code_language::python) ==
        v{{R"(f"it's {x}\" done")", token_kind::string}, {"'a#b'", token_kind::string}, {"# c", token_kind::comment}});
    CHECK(spans("'''one\nawait two'''\nawaiting = 1", code_language::python) ==
          v{{"'''one\nawait two'''", token_kind::string}, {"1", token_kind::number}});
    // C++: co_await, comments of both kinds, a raw string, digit separators.
    CHECK(spans("co_await sleep(1'000ms); // one\n/* two\nlines */ auto s = R\"x(a\"b)x\";", code_language::cpp) ==
          v{{"co_await", token_kind::suspend},
            {"1'000ms", token_kind::number},
            {"// one", token_kind::comment},
            {"/* two\nlines */", token_kind::comment},
            {"auto", token_kind::keyword},
            {"R\"x(a\"b)x\"", token_kind::string}});
    // Unterminated things end with their line, or with the text; nothing
    // reaches past the end.
    for (std::string_view text : {"\"open", "'''open", "/* open", "R\"(open", "x = 'a\n'b'"})
      for (const code_language lang : {code_language::python, code_language::cpp})
        for (const code_token& t : highlight(text, lang)) {
          CHECK(t.begin < t.end);
          CHECK(t.end <= text.size());
        }
    CHECK(spans("x = 'a\nz'", code_language::python) == v{{"'a", token_kind::string}, {"'", token_kind::string}});
    CHECK(spans("x = 'a\nb'", code_language::python) == v{{"'a", token_kind::string}, {"b'", token_kind::string}});
    // Every lesson's code: tokens in order, never overlapping, and the
    // Python twin's awaits coloured as words that suspend.
    for (const auto& l : lessons::all()) {
      INFO(l.id);
      for (const auto& [text, lang] : {std::pair{std::string_view(l.code), code_language::cpp},
                                       std::pair{std::string_view(l.python), code_language::python}}) {
        std::uint32_t at = 0;
        for (const code_token& t : highlight(text, lang)) {
          CHECK(t.begin >= at);
          at = t.end;
        }
      }
      std::size_t coloured = 0;
      for (const code_token& t : highlight(l.python, code_language::python))
        coloured += t.kind == token_kind::suspend && l.python.compare(t.begin, t.end - t.begin, "await") == 0;
      CHECK(coloured > 0);
    }
    CHECK(language_of("crawl.py") == code_language::python);
    CHECK(language_of("lesson.cpp") == code_language::cpp);
  }
}
