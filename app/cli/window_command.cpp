// No command: the window, with the page, size, theme and workload given on
// the command line; its headless modes (--screenshot, --bench-frames).
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <memory>

#include "app/cli/commands.hpp"
#include "app/cli/flags.hpp"
#include "app/gui/gui.hpp"
#include "app/paths.hpp"
#include "app/traced_script.hpp"
#include "core/agreement.hpp"
#include "lessons/lesson.hpp"

namespace loopscope::cli {

namespace {

struct window_flags {
  std::string lesson = "sandbox", screenshot, timeline_png, at, size, theme, predict, layout, tab;
  std::string panels;
  workload_flags work;
  int bench = 0, bench_tasks = 10'000, bench_rerun = 100'000;
};

// "1280x800": digits, an x, digits, and nothing else.
bool read_size(std::string_view text, int& w, int& h) {
  auto whole = [](std::string_view t, int& out) {
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return !t.empty() && t[0] != '-' && ec == std::errc() && end == t.data() + t.size();
  };
  const auto x = text.find('x');
  return x != std::string_view::npos && whole(text.substr(0, x), w) && whole(text.substr(x + 1), h);
}

int open_window(const CLI::App& app, const window_flags& f) {
  // Ctrl-C and SIGTERM close the window, its settings saved, from the start:
  // what comes before it opens (looking for a CPython) can take a while.
  gui::catch_close_signals();
  gui::gui_options o;
  o.page = f.lesson;
  // A lesson by its number, as loopscope list prints it: --lesson 3.
  if (const lessons::lesson* l = o.page == "sandbox" ? nullptr : lessons::find(o.page)) o.page = l->id;
  o.page_given = app.count("--lesson") > 0;
  o.screenshot = f.screenshot;
  o.timeline_png = f.timeline_png;
  if (app.count("--timeline-png") > 0 && f.timeline_png.empty()) throw usage_error("--timeline-png: empty value");
  if (app.count("--layout") > 0 && f.screenshot.empty()) throw usage_error("--layout goes with --screenshot");
  for (const char* flag : {"--predict", "--layout"}) {
    if (app.count(flag) == 0) continue;
    if (f.screenshot.empty() && f.timeline_png.empty())
      throw usage_error(std::string(flag) + " goes with --screenshot or --timeline-png");
    if ((flag[2] == 'p' ? f.predict : f.layout).empty()) throw usage_error(std::string(flag) + ": empty value");
  }
  if (app.count("--predict") > 0) o.predict = f.predict;
  if (app.count("--tab") > 0) {
    if (f.tab != "lesson" && f.tab != "cpp" && f.tab != "python" && f.tab != "loop")
      throw usage_error("--tab: '" + f.tab + "' is not lesson, cpp, python or loop");
    if (o.page == "code") throw usage_error("--tab: the page of your code has no tabs");
    if (o.page == "sandbox" && f.tab != "cpp" && f.tab != "lesson")
      throw usage_error("--tab: the sandbox shows its code (cpp) or not (lesson), and has no '" + f.tab + "'");
    o.tab = f.tab;
  }
  o.layout = f.layout;
  if (!f.at.empty()) o.at = duration_flag("--at", f.at);
  if (!f.size.empty()) {
    int w = 0, h = 0;
    if (!read_size(f.size, w, h) || w < 320 || h < 240 || w > 16384 || h > 16384)
      throw usage_error("--size: '" + f.size + "' should be WIDTHxHEIGHT, from 320x240 to 16384x16384, e.g. 1280x800");
    o.width = w;
    o.height = h;
  }
  if (!f.theme.empty()) {
    if (f.theme != "dark" && f.theme != "light") throw usage_error("--theme: '" + f.theme + "' is not dark or light");
    o.dark = f.theme == "dark";
  }
  if (!f.panels.empty()) o.strategies = strategies_flag("--strategies", f.panels);
  if (o.strategies.size() > 4) throw usage_error("--strategies: at most 4 panels");
  // Workload flags given on the command line shape the sandbox.
  if (!f.work.first_given(app).empty()) {
    clock_kind clock{};
    o.work = f.work.build(clock);
    o.real_clock = clock == clock_kind::real_clock;
    constexpr int window_max_tasks = 100'000;  // every panel keeps its lanes and a shadow run
    if (o.work->tasks > window_max_tasks)
      throw usage_error("--tasks: the window shows at most " + std::to_string(window_max_tasks) +
                        " tasks; for more, use loopscope run");
  }
  // CPython beside the engine in every lesson: its twin traced on the
  // virtual clock, when a CPython 3.11+ is there to run it.
  const bool python = !python_problem("python3");
  if (python) {
    o.twin = [](const lessons::lesson& l, const std::string& variant,
                const lessons::values& values) -> std::unique_ptr<scenario_run> {
      trace_request r = twin_request(l, variant, values);
      r.name = "CPython: " + variant;
      // A twin that computes nothing is traced with no step taking time:
      // exact however busy the machine is.
      if (const lessons::variant* v = l.find_variant(variant)) {
        auto engine = lessons::make_run(l, *v, values);
        engine->run_to_end();
        r.step_time = computes(engine->trace());
      }
      traced_script t = trace_script(r, [] { return false; });
      if (!t.run->ending() || t.run->ending()->code != 0)
        throw std::runtime_error("the Python twin of '" + variant + "' did not run to its end (exit status " +
                                 std::to_string(t.status) + ")");
      take_harness_outcome(*t.run);  // main ends where the variant's await did
      // Its waits point at lines of the lesson's Python, as the window shows it.
      t.run->show_code({r.script, 1, static_cast<int>(std::count(l.python.begin(), l.python.end(), '\n')) + 1});
      return std::move(t.run);
    };
  }
  o.examples = example_dir().string();
  if (python) {
    o.trace_file = [](const std::string& script, clock_kind clock, double limit,
                      std::function<bool()> stop) -> std::unique_ptr<scenario_run> {
      trace_request r;
      r.script = script;
      r.clock = clock;
      r.limit_seconds = limit;
      r.discard_stdout = true;  // its prints are in the stream, shown with their times
      r.name = "your script";
      traced_script t = trace_script(r, stop);
      show_script(*t.run);
      return std::move(t.run);
    };
  }
  return gui::run_app(o);
}

}  // namespace

command add_window(CLI::App& app) {
  auto f = std::make_shared<window_flags>();
  app.add_option(
         "--lesson", f->lesson,
         "The page to open: a lesson (its name or number, as loopscope list shows), sandbox, or code (your own script)")
      ->capture_default_str();
  app.add_option("--screenshot", f->screenshot, "Render one frame to this PNG and exit (needs a display, e.g. Xvfb)");
  app.add_option("--timeline-png", f->timeline_png,
                 "Write the whole timeline to this PNG, as Save PNG does (every variant and lane, with the legend), "
                 "and exit (needs a display, e.g. Xvfb)");
  app.add_option("--at", f->at, "With --screenshot or --timeline-png: the time to show, e.g. 2.5s (default: the end)");
  app.add_option("--predict", f->predict,
                 "With --screenshot or --timeline-png: the lesson's question asked (ask), skipped (skip, the default), "
                 "or answered "
                 "with this guess (a number; a choice's number from 1)");
  app.add_option(
      "--tab", f->tab,
      "The lesson's tab to open: lesson (the prose, the default), cpp, python or loop (its queues at the cursor); "
      "in the sandbox, cpp opens its code");
  app.add_option("--layout", f->layout, "With --screenshot: write where each variant's header was drawn (JSON)");
  app.add_option("--size", f->size, "Window size WIDTHxHEIGHT, e.g. 1280x800");
  app.add_option("--theme", f->theme, "dark or light (default: as last time)");
  app.add_option("--strategies", f->panels, "Strategies of the sandbox panels, comma-separated (at most 4)");
  app.add_option("--bench-frames", f->bench, "Headless: time building this many frames of a large timeline");
  app.add_option("--bench-tasks", f->bench_tasks, "With --bench-frames: tasks in the timeline")->capture_default_str();
  app.add_option("--bench-rerun-tasks", f->bench_rerun,
                 "With --bench-frames: tasks of the sandbox re-run that frames are timed during")
      ->capture_default_str();
  f->work.add_to(app);
  return {nullptr, [f, &app] {
            if (f->bench > 0)
              return gui::bench_frames(f->bench, std::clamp(f->bench_tasks, 1, 100'000),
                                       std::clamp(f->bench_rerun, 1, 100'000));
            return open_window(app, *f);
          }};
}

}  // namespace loopscope::cli
