// What the window decides, without a window: the runs a page shows and how
// they are driven, the settings it keeps, the grading of a prediction, when
// a screenshot is taken, and the sandbox's workload form.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/gui/capture.hpp"
#include "app/gui/key_taps.hpp"
#include "app/gui/predict.hpp"
#include "app/gui/run_set.hpp"
#include "app/gui/settings.hpp"
#include "app/gui/workload_form.hpp"
#include "helpers.hpp"
#include "lessons/lesson.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using namespace loopscope::testing;

namespace {

// The sandbox's plan for these strategies and this workload.
run_plan sandbox_plan(std::vector<strategy> strategies, workload w) {
  return {strategies.size(),
          [strategies, w](std::size_t i, clock_kind clock) -> std::unique_ptr<scenario_run> {
            loop_options o;
            o.clock = clock;
            return make_sandbox(strategies[i], w, o);
          },
          [w] { return std::optional<nanos>(sequential_makespan(w)); }};
}

// Ticks until the runs are made (a large plan is prepared off this thread;
// under the sanitizers on a busy machine, that can take a while).
void until_prepared(run_set& runs) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  // Made, and (a large run) its figures at the cursor computed too.
  while ((runs.preparing() || runs.figures_pending()) && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    runs.tick(0);
  }
  REQUIRE_FALSE(runs.preparing());
  REQUIRE_FALSE(runs.figures_pending());
}

}  // namespace

TEST_SUITE("window") {
  TEST_CASE("a run set paces its runs on one axis: play, step, seek, end") {
    workload w;
    w.tasks = 3;
    w.durations = {1 * sec, 2 * sec, 3 * sec};
    run_set runs;
    runs.reset(sandbox_plan({strategy::sequential, strategy::gather}, w), false);
    until_prepared(runs);
    REQUIRE(runs.size() == 2);
    CHECK(runs.run(0).variant() == "sequential");
    CHECK(runs.end() == 6 * sec);  // the longest variant, run ahead on the virtual clock
    CHECK(runs.reference() == std::optional<nanos>(6 * sec));
    CHECK(runs.cursor() == 0);
    CHECK(runs.playing());

    runs.set_speed(2.0);
    runs.tick(0.5);  // a second of the run
    CHECK(runs.cursor() == 1 * sec);
    runs.pause();
    runs.tick(10);
    CHECK(runs.cursor() == 1 * sec);  // paused: nothing moves
    const auto before = runs.run(1).handlers_run() + runs.run(0).handlers_run();
    runs.step();
    CHECK(runs.run(1).handlers_run() + runs.run(0).handlers_run() == before + 1);

    runs.seek(3 * sec);
    CHECK(runs.cursor() == 3 * sec);
    CHECK(runs.run(1).finished());  // gather: 3 s
    CHECK_FALSE(runs.run(0).finished());
    CHECK_FALSE(runs.finished());
    runs.run_to_end();
    CHECK(runs.finished());
    CHECK(runs.metrics(0).makespan == 6 * sec);
    CHECK(runs.metrics(1).makespan == 3 * sec);
    CHECK(runs.lanes(1).lane_count() == runs.run(1).trace().lane_count());
  }

  TEST_CASE("travel: to a later moment at once, to an earlier one by replaying exactly to it") {
    workload w;
    w.tasks = 3;
    w.durations = {1 * sec, 2 * sec, 3 * sec};
    run_set runs;
    runs.reset(sandbox_plan({strategy::gather}, w), false);
    until_prepared(runs);
    runs.pause();
    runs.travel_to(2500 * ms);
    CHECK(runs.cursor() == 2500 * ms);
    // The runs have run as far as the cursor: the 2 s task has ended.
    auto ended = [&](std::size_t task) {
      const lane_store& lanes = runs.lanes(0);
      const auto& events = lanes.events(runs.run(0).task_lanes()[task]);
      return !events.empty() && is_terminal(events.back().state);
    };
    CHECK(runs.run(0).now() == 2500 * ms);
    CHECK(ended(1));
    CHECK_FALSE(ended(2));
    runs.travel_to(1500 * ms);
    until_prepared(runs);
    CHECK(runs.cursor() == 1500 * ms);
    CHECK(runs.run(0).now() == 1500 * ms);
    CHECK(ended(0));
    CHECK_FALSE(ended(1));
    CHECK_FALSE(runs.playing());
    CHECK_FALSE(runs.finished());
  }

  TEST_CASE("a recording (a traced script) is travelled, not re-made: play, step, back, start, seek back") {
    workload w;
    w.tasks = 3;
    w.durations = {1 * sec, 2 * sec, 3 * sec};
    auto makes = std::make_shared<int>(0);
    run_plan plan;
    plan.count = 1;
    plan.recorded = true;
    plan.make = [w, makes](std::size_t, clock_kind) -> std::unique_ptr<scenario_run> {
      ++*makes;
      loop_options o;
      auto run = make_sandbox(strategy::gather, w, o);
      run->run_to_end();  // recorded to its end, as a traced script is
      return run;
    };
    run_set runs;
    runs.reset(plan, false);
    until_prepared(runs);
    REQUIRE(runs.size() == 1);
    CHECK(runs.end() == 3 * sec);
    runs.run_to_end();
    CHECK(runs.cursor() == 3 * sec);
    CHECK(runs.finished());

    runs.step_back();  // to the moment before: the 2 s task's end
    CHECK(runs.cursor() == 2 * sec);
    CHECK_FALSE(runs.finished());
    runs.to_start();
    CHECK(runs.cursor() == 0);
    runs.step();  // to the next moment anything happened
    CHECK(runs.cursor() > 0);
    CHECK(runs.cursor() <= 1 * sec);
    runs.seek(2500 * ms);
    CHECK(runs.cursor() == 2500 * ms);
    runs.seek(500 * ms);  // back, too
    CHECK(runs.cursor() == 500 * ms);
    runs.play();
    runs.tick(1.0);
    CHECK(runs.cursor() == 1500 * ms);
    runs.tick(10);
    CHECK(runs.cursor() >= 3 * sec);
    CHECK(runs.finished());
    CHECK_FALSE(runs.playing());
    CHECK(*makes == 1);  // never made again
  }

  TEST_CASE("a slider moved mid-run: the new runs catch up with the cursor; restart goes back to 0") {
    workload w;
    w.tasks = 2;
    w.duration = 2 * sec;
    run_set runs;
    runs.reset(sandbox_plan({strategy::gather}, w), false);
    until_prepared(runs);
    runs.seek(1 * sec);
    w.duration = 4 * sec;
    runs.reset(sandbox_plan({strategy::gather}, w), true);
    until_prepared(runs);
    CHECK(runs.cursor() == 1 * sec);
    CHECK(runs.end() == 4 * sec);
    CHECK_FALSE(runs.playing());  // it was paused by the seek, and stays so
    runs.restart();
    until_prepared(runs);
    CHECK(runs.cursor() == 0);
  }

  TEST_CASE("a large plan is prepared off the UI thread; asking to end while it is made is kept") {
    workload w;
    w.tasks = 60'000;
    w.duration = 1 * sec;
    run_set runs;
    runs.reset(sandbox_plan({strategy::gather, strategy::bounded}, w), false);
    runs.run_to_end();  // whether or not it is still being made
    until_prepared(runs);
    CHECK(runs.finished());
    CHECK(runs.metrics(0).makespan == 1 * sec);
    CHECK(runs.metrics(1).makespan == 30'000 * sec);  // limit 2
    CHECK(runs.density(0).peak > 0);                  // thousands of lanes: a density band
    // So large a run is shown as a recording, made in full off the UI
    // thread: the frames never run its handlers. Its figures follow the
    // cursor, computed off the UI thread as well.
    CHECK(runs.recorded());
    CHECK(runs.current_notice().text.find("large run") != std::string::npos);
    runs.seek(500'000'000);
    until_prepared(runs);
    CHECK(runs.cursor() == 500'000'000);
    CHECK(runs.metrics(0).makespan == 0);  // nothing has ended yet at the cursor
    CHECK(runs.metrics(0).peak_concurrency == 60'000);
  }

  TEST_CASE("a plan superseded while it is made is dropped, not installed") {
    workload big;
    big.tasks = 80'000;
    workload small;
    small.tasks = 2;
    run_set runs;
    runs.reset(sandbox_plan({strategy::gather}, big), false);
    runs.reset(sandbox_plan({strategy::sequential}, small), false);
    until_prepared(runs);
    REQUIRE(runs.size() == 1);
    CHECK(runs.run(0).variant() == "sequential");
    CHECK(runs.run(0).task_lanes().size() == 2);
  }

  TEST_CASE("real clock, in turn: held for the prediction, then each variant starts when the one before ends") {
    const auto* lesson = lessons::find("semaphore");
    REQUIRE(lesson != nullptr);
    lessons::values v = lessons::defaults(*lesson);
    v["requests"] = 2;
    v["latency"] = 30;
    run_set runs;
    runs.set_real_only(true);
    runs.hold_real_start(true);
    runs.reset({lesson->variants.size(),
                [lesson, v](std::size_t i, clock_kind clock) {
                  lessons::run_setup s;
                  s.loop.clock = clock;
                  return lessons::make_run(*lesson, lesson->variants[i], v, s);
                },
                {}},
               false);
    until_prepared(runs);
    CHECK(runs.real_clock());
    CHECK(runs.waiting_to_start());
    CHECK_FALSE(runs.started(0));
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    runs.tick(0);
    CHECK_FALSE(runs.run(0).main_done());  // held: nothing ran
    runs.play();
    CHECK(runs.started(0));
    CHECK_FALSE(runs.started(1));  // in turn
    for (int i = 0; i < 400 && !runs.finished(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      runs.tick(0);
    }
    CHECK(runs.finished());
    CHECK(runs.started(1));
    // The second began after the first was done.
    CHECK(runs.run(0).main_done());
    CHECK(runs.run(1).main_done());
    CHECK(runs.metrics(1).makespan >= 30 * ms);
  }

  TEST_CASE("a server still serving after its load: the clock stands at the last thing that happened") {
    const auto* lesson = lessons::find("server");
    REQUIRE(lesson != nullptr);
    lessons::values v = lessons::defaults(*lesson);
    v["requests"] = 2;
    v["delay"] = 10;
    run_set runs;
    runs.set_real_only(true);
    runs.reset({1,
                [lesson, v](std::size_t, clock_kind clock) {
                  lessons::run_setup s;
                  s.loop.clock = clock;
                  return lessons::make_run(*lesson, lesson->variants.front(), v, s);
                },
                {}},
               false);
    until_prepared(runs);
    runs.play();
    for (int i = 0; i < 2000 && !runs.finished(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      runs.tick(0);
    }
    REQUIRE(runs.finished());
    runs.tick(0);
    const nanos at = runs.cursor();
    const double busy = runs.metrics(0).loop_busy_fraction;
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    runs.tick(0);
    CHECK(runs.cursor() == at);  // the server's loop went on; nothing happened on it
    CHECK(runs.metrics(0).loop_busy_fraction == busy);
    CHECK(runs.run(0).now() > at);
  }

  TEST_CASE("a run that cannot be made says why and shows nothing") {
    run_set runs;
    runs.reset({1,
                [](std::size_t, clock_kind) -> std::unique_ptr<scenario_run> {
                  throw std::runtime_error("cannot listen on 127.0.0.1:80: Permission denied");
                },
                {}},
               false);
    until_prepared(runs);
    CHECK(runs.size() == 0);
    CHECK(runs.failure().find("Permission denied") != std::string::npos);
    CHECK_FALSE(runs.current_notice().ok);
  }

  TEST_CASE("the trace is exported from the run set, not from a draw; a bad path is said") {
    workload w;
    w.tasks = 2;
    run_set runs;
    runs.reset(sandbox_plan({strategy::gather}, w), false);
    until_prepared(runs);
    runs.run_to_end();
    const std::string path = "/tmp/loopscope_window_trace_" + std::to_string(::getpid()) + ".json";
    const notice ok = runs.export_trace(path);
    CHECK(ok.ok);
    std::ifstream in(path);
    CHECK(nlohmann::json::parse(in)["traceEvents"].size() > 4);
    std::remove(path.c_str());
    const notice bad = runs.export_trace("/nonexistent-dir/trace.json");
    CHECK_FALSE(bad.ok);
    CHECK(bad.text.find("Could not write") == 0);
  }

  TEST_CASE("playback requests: keys and buttons are one request, applied once") {
    workload w;
    w.tasks = 2;
    run_set runs;
    runs.reset(sandbox_plan({strategy::gather}, w), false);
    until_prepared(runs);
    playback_request a, b;
    a.toggle_play = true;
    b.speed = 4.0;
    a |= b;
    runs.apply(a);
    CHECK_FALSE(runs.playing());
    CHECK(runs.speed() == 4.0);
    playback_request end;
    end.to_end = true;
    runs.apply(end);
    CHECK(runs.finished());
  }

  TEST_CASE("settings: a round trip, damaged lines skipped, sizes kept sane") {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("loopscope_settings_" + std::to_string(::getpid())) / "s.ini")
            .string();
    settings s;
    s.x = 10;
    s.width = 1280;
    s.dark = false;
    s.page = "gather";
    s.font_scale = 1.5f;
    s.done = {"await", "gather"};
    REQUIRE(save_settings(s, path));
    const settings back = load_settings(path);
    CHECK(back.x == 10);
    CHECK(back.width == 1280);
    CHECK_FALSE(back.dark);
    CHECK(back.page == "gather");
    CHECK(back.font_scale == doctest::Approx(1.5));
    CHECK(back.done == s.done);
    std::ofstream(path) << "width=huge\nheight=99999999\nnonsense\npage=errors\nfont_scale=40\n";
    const settings damaged = load_settings(path);
    CHECK(damaged.width == settings{}.width);
    CHECK(damaged.height == 16384);
    CHECK(damaged.page == "errors");
    CHECK(damaged.font_scale == doctest::Approx(font_scale_max));       // held to what still fits
    CHECK(load_settings("/nonexistent/settings.ini").page == "await");  // a first launch opens lesson 1
    std::filesystem::remove_all(std::filesystem::path(path).parent_path());
  }

  TEST_CASE("predict: within 5% is right, within 25% close; choices are right or not") {
    CHECK(grade_number(2.0, 2.0).how == verdict::right);
    CHECK(grade_number(2.08, 2.0).how == verdict::right);
    CHECK(grade_number(2.4, 2.0).how == verdict::close);
    CHECK(grade_number(4.0, 2.0).how == verdict::far);
    CHECK(grade_number(0.0, 0.0).how == verdict::right);
    CHECK(grade_number(3.0, 0.0).how == verdict::far);
    CHECK(grade_number(0.01, 0.0).how == verdict::right);
    CHECK(grade_choice(1, 1).how == verdict::right);
    CHECK(grade_choice(0, 1).how == verdict::far);
    prediction p;
    CHECK(p.asking());
    CHECK_FALSE(p.reveals());
    CHECK(p.lock(false));
    CHECK(p.locked());
    CHECK(p.reveals());
    p.ask_again();
    CHECK(p.asking());
  }

  TEST_CASE("predict first: nothing chosen at first, a slider moved asks again, the feedback explains") {
    prediction choice;
    CHECK(choice.choice == -1);  // nothing pre-selected
    CHECK_FALSE(choice.can_lock(true));
    CHECK_FALSE(choice.lock(true));
    CHECK(choice.asking());
    choice.choice = 1;
    CHECK(choice.lock(true));

    prediction p;
    p.guess = 4;
    REQUIRE(p.lock(false));
    p.settings_changed();  // the guess was for other settings
    CHECK(p.asking());
    CHECK_FALSE(p.reveals());
    p.skip();
    p.settings_changed();  // a skipped question stays skipped
    CHECK(p.state() == prediction::phase::skipped);

    prediction guessed;
    guessed.guess = 4;
    REQUIRE(guessed.lock(false));
    const std::string why = "the waits overlap";
    auto f = judge(guessed, "s", {}, 2.2, "", why);
    CHECK(f.headline == "You said 4 s; it took 2.2 s: far off.");
    CHECK(f.how == verdict::far);
    CHECK(f.why == why);
    guessed.guess = 2.6f;
    CHECK(judge(guessed, "s", {}, 2.2, "", why).how == verdict::close);
    guessed.guess = 2.2f;
    CHECK(judge(guessed, "s", {}, 2.2, "", why).how == verdict::right);
    CHECK(judge(guessed, "x", {}, 5, "", why).headline.find("it was 5x") != std::string::npos);

    prediction picked;
    picked.choice = 0;
    REQUIRE(picked.lock(true));
    f = judge(picked, "", {"they run to the end", "they are cancelled"}, 1, "", why);
    CHECK(f.how == verdict::far);
    CHECK(f.headline == "You said they run to the end; in the run, they are cancelled.");

    prediction skipped;
    skipped.skip();
    f = judge(skipped, "s", {}, std::nullopt, "no TimeoutError in this run", why);
    CHECK_FALSE(f.how);
    CHECK(f.headline == "From the run: no TimeoutError in this run.");
    CHECK(f.why.empty());  // no answer: nothing to explain
  }

  TEST_CASE("step back: one handler back, exactly; Step forward again gives the same states; Home: the start") {
    workload w;
    w.durations = {1 * sec, 2 * sec};
    w.tasks = 2;
    run_set runs;
    runs.reset(sandbox_plan({strategy::gather}, w), false);
    until_prepared(runs);
    runs.run_to_end();
    REQUIRE(runs.finished());
    REQUIRE(runs.cursor() == 2 * sec);
    // Every lane's events so far: the state of the runs, as drawn.
    auto snapshot = [&] {
      std::vector<std::vector<trace_event>> all;
      for (lane_id id = 0; id < runs.lanes(0).lane_count(); ++id) all.push_back(runs.lanes(0).events(id));
      return all;
    };
    auto same = [](const std::vector<std::vector<trace_event>>& a, const std::vector<std::vector<trace_event>>& b) {
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].size() != b[i].size()) return false;
        for (std::size_t k = 0; k < a[i].size(); ++k)
          if (a[i][k].t != b[i][k].t || a[i][k].state != b[i][k].state || a[i][k].detail != b[i][k].detail ||
              a[i][k].site != b[i][k].site)
            return false;
      }
      return true;
    };
    const std::size_t all_handlers = runs.run(0).handlers_run();
    // One handler back, exactly: then Step runs that handler again, to the
    // same states.
    const auto at_end = snapshot();
    runs.step_back();
    until_prepared(runs);
    CHECK(runs.run(0).handlers_run() == all_handlers - 1);
    CHECK_FALSE(runs.finished());
    CHECK_FALSE(runs.playing());
    runs.step();
    CHECK(runs.run(0).handlers_run() == all_handlers);
    CHECK(same(snapshot(), at_end));
    // Back, handler by handler, past the 2 s task's end to the moment before.
    for (int n = 0; n < 50 && runs.cursor() == 2 * sec; ++n) {
      runs.step_back();
      until_prepared(runs);
    }
    CHECK(runs.cursor() == 1 * sec);  // the latest moment before 2 s
    CHECK(runs.metrics(0).lanes[runs.run(0).task_lanes()[0]].final_state == lane_state::done);
    CHECK_FALSE(runs.metrics(0).lanes[runs.run(0).task_lanes()[1]].ended);
    // Forward and back at any handler give the same states.
    for (int n = 0; n < 3; ++n) {
      const auto before = snapshot();
      const std::size_t handlers = runs.run(0).handlers_run();
      runs.step();
      runs.step_back();
      until_prepared(runs);
      CHECK(runs.run(0).handlers_run() == handlers);
      CHECK(same(snapshot(), before));
      runs.step_back();
      until_prepared(runs);
    }
    runs.to_start();
    until_prepared(runs);
    CHECK(runs.cursor() == 0);
    runs.run_to_end();
    CHECK(runs.cursor() == 2 * sec);  // and forward again to the same end
  }

  TEST_CASE("a screenshot waits for the layout, drives the runs to the time asked, then is taken") {
    workload w;
    w.tasks = 2;
    w.duration = 2 * sec;
    run_set runs;
    runs.reset(sandbox_plan({strategy::gather}, w), false);
    until_prepared(runs);
    screenshot_plan shot(1 * sec, true);
    CHECK_FALSE(shot.frame(runs));  // frame 1: the layout settles
    CHECK_FALSE(shot.frame(runs));  // frame 2
    CHECK(runs.cursor() == 0);
    CHECK_FALSE(shot.frame(runs));  // frame 3: driven to 1 s
    CHECK(runs.cursor() == 1 * sec);
    CHECK(shot.frame(runs));  // frame 4: the picture
    screenshot_plan to_end(std::nullopt, true);
    for (int i = 0; i < 3; ++i) to_end.frame(runs);
    CHECK(to_end.frame(runs));
    CHECK(runs.finished());

    // A question left open: the runs are shown as they are.
    run_set held;
    held.reset(sandbox_plan({strategy::gather}, w), false);
    until_prepared(held);
    held.pause();
    screenshot_plan asked(std::nullopt, false);
    for (int i = 0; i < 3; ++i) CHECK_FALSE(asked.frame(held));
    CHECK(asked.frame(held));
    CHECK(held.cursor() == 0);
  }

  TEST_CASE("the sandbox form: a spread, a typed list, knobs kept within the tasks") {
    workload_form f;
    f.work.tasks = 4;
    f.work.duration = 1 * sec;
    f.spread_percent = 50;
    const workload spread = f.effective();
    REQUIRE(spread.durations.size() == 4);
    CHECK(*std::min_element(spread.durations.begin(), spread.durations.end()) == 500 * ms);
    CHECK(*std::max_element(spread.durations.begin(), spread.durations.end()) == 1500 * ms);
    f.set_durations_text("1s,2s");
    CHECK(f.durations_note.find("2 durations for 4 tasks") == 0);
    f.set_durations_text("1s,2s,3s,4s");
    CHECK(f.durations_note.empty());
    CHECK(f.effective().durations[3] == 4 * sec);  // the list wins over the spread
    f.set_durations_text("1s,soon");
    CHECK_FALSE(f.durations_note.empty());
    f.work.block[4] = 1 * sec;
    f.work.fail = {3};
    f.work.limit = 9;
    f.work.tasks = 2;
    f.fit_to_tasks();
    CHECK(f.work.block.empty());
    CHECK(f.work.fail.empty());
    CHECK(f.work.limit == 2);
    CHECK(f.fit_note.find("Only 2 tasks now") == 0);
    workload given;
    given.tasks = 2;
    given.durations = {250 * ms, 2 * sec};
    f.load(given);
    CHECK(f.durations_text == "250ms,2s");
  }
}

TEST_SUITE("window") {
  TEST_CASE("a key tap shorter than a frame counts, in the frame after it, once") {
    key_taps taps;
    taps.begin_frame();
    CHECK_FALSE(taps.tapped(262));
    // A clicker's press (and release) between two frames.
    taps.note_press(262);
    CHECK_FALSE(taps.tapped(262));  // not before the next frame starts
    taps.begin_frame();
    CHECK(taps.tapped(262));
    CHECK_FALSE(taps.tapped(263));
    taps.begin_frame();
    CHECK_FALSE(taps.tapped(262));  // one press, one frame
    // Two presses between frames: both keys count in the next.
    taps.note_press(262);
    taps.note_press(263);
    taps.begin_frame();
    CHECK(taps.tapped(262));
    CHECK(taps.tapped(263));
  }
}
