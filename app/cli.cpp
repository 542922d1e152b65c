#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <thread>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "app/ascii_timeline.hpp"
#include "app/gui/gui.hpp"
#include "core/chrome_trace.hpp"
#include "core/duration.hpp"
#include "core/metrics.hpp"
#include "core/report.hpp"
#include "core/runtime.hpp"
#include "core/sandbox.hpp"
#include "lessons/10_server/server.hpp"
#include "lessons/lesson.hpp"

namespace loopscope {

namespace {

constexpr int exit_bad_input = 2;

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---- Reading flags ----

nanos duration_flag(const std::string& flag, const std::string& text) {
  if (auto d = parse_duration(text)) return *d;
  throw usage_error(flag + ": " + duration_hint(text));
}

int task_number(const std::string& flag, const std::string& text) {
  try {
    std::size_t used = 0;
    const int i = std::stoi(text, &used);
    if (used == text.size()) return i;
  } catch (const std::exception&) {
  }
  throw usage_error(flag + ": '" + text + "' is not a task number");
}

// "I:D" as --block and --cpu take it.
std::map<int, nanos> task_durations(const std::string& flag, const std::vector<std::string>& items) {
  std::map<int, nanos> out;
  for (const auto& item : items) {
    const auto colon = item.find(':');
    if (colon == std::string::npos)
      throw usage_error(flag + ": '" + item + "' should be TASK:DURATION, e.g. " + flag + " 1:2s");
    out[task_number(flag, item.substr(0, colon))] += duration_flag(flag, item.substr(colon + 1));
  }
  return out;
}

std::vector<nanos> duration_list(const std::string& flag, const std::string& text) {
  std::string bad;
  auto out = parse_duration_list(text, bad);
  if (!out) throw usage_error(flag + ": " + duration_hint(bad));
  if (out->empty()) throw usage_error(flag + ": give at least one duration, e.g. 1s,2s,3s");
  return *out;
}

// Every workload flag, shared by `run` and `compare`.
struct workload_flags {
  int tasks = 5;
  std::string duration = "1s";
  std::string durations;
  int limit = 2;
  std::vector<std::string> block, cpu;
  std::vector<int> fail;
  std::string timeout;
  std::string clock = "virtual";

  void add_to(CLI::App& app) {
    app.add_option("--tasks", tasks, "Number of tasks, numbered 1..N")->capture_default_str();
    auto* d = app.add_option("--duration", duration, "How long each task awaits sleep(), e.g. 250ms, 1s, 1.5s, 40us")
                  ->capture_default_str();
    auto* ds = app.add_option("--durations", durations, "One duration per task, comma-separated: 1s,2s,3s");
    d->excludes(ds);
    app.add_option("--limit", limit, "Semaphore permits for the bounded strategy")->capture_default_str();
    app.add_option("--block", block, "TASK:DURATION — the task calls a blocking sleep first (holds the loop)")
        ->take_all();
    app.add_option("--cpu", cpu, "TASK:DURATION — the task burns CPU on the loop first")->take_all();
    app.add_option("--fail", fail, "TASK — the task raises after its sleep")->take_all();
    app.add_option("--timeout", timeout, "wait_for around each task's body, counted from when the body starts");
    app.add_option("--clock", clock, "virtual (exact, instant) or real (steady_clock, really waits)")
        ->capture_default_str();
  }

  workload build(bool& real) const {
    if (clock != "virtual" && clock != "real")
      throw usage_error("--clock: '" + clock + "' is not a clock; use virtual or real");
    real = clock == "real";
    workload w;
    w.tasks = tasks;
    w.limit = limit;
    if (tasks < 1 || tasks > workload::max_tasks)
      throw usage_error("--tasks must be between 1 and " + std::to_string(workload::max_tasks) + ", not " +
                        std::to_string(tasks));
    w.duration = duration_flag("--duration", duration);
    if (!durations.empty()) w.durations = duration_list("--durations", durations);
    w.block = task_durations("--block", block);
    w.cpu = task_durations("--cpu", cpu);
    w.fail = std::set<int>(fail.begin(), fail.end());
    if (!timeout.empty()) w.timeout = duration_flag("--timeout", timeout);
    if (auto why = w.invalid()) throw usage_error(*why);
    return w;
  }
};

// Fails before the run, not after it, when the file cannot be written.
std::ofstream open_output(const std::string& flag, const std::string& path) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw usage_error(flag + ": cannot write '" + path + "': " + std::strerror(errno));
  return out;
}

std::string percent(double f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", f * 100);
  return buf;
}

// ---- Running ----

std::atomic<bool> interrupted{false};
extern "C" void on_interrupt(int) { interrupted = true; }

// Ctrl-C during a run cancels every task, as asyncio.run does on
// KeyboardInterrupt; the run then ends and its summary is still printed.
class interrupt_scope {
 public:
  interrupt_scope() {
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &previous_);
  }
  ~interrupt_scope() { sigaction(SIGINT, &previous_, nullptr); }

 private:
  struct sigaction previous_ {};
};

// Runs a loop to its end. A real-clock run shows its progress on stderr
// when that is a terminal.
void drive(event_loop& loop) {
  interrupt_scope scope;
  bool cancelled = false;
  auto cancel_once = [&] {
    if (interrupted && !cancelled) {
      loop.cancel_all();
      cancelled = true;
    }
  };
  if (loop.clock() == clock_kind::virtual_clock) {
    for (std::size_t n = 0; loop.step(); ++n)
      if ((n & 0xffff) == 0) cancel_once();
    return;
  }
  const bool show = isatty(STDERR_FILENO) != 0;
  loop.start();
  while (!loop.finished()) {
    cancel_once();
    if (show)
      std::fprintf(stderr, "\r  running on the real clock: %.1f s, %zu coroutines alive%s   ",
                   static_cast<double>(loop.now()) / 1e9, loop.live_tasks(), cancelled ? ", cancelling" : "");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  loop.wait();
  if (show) std::fprintf(stderr, "\r\033[K");
}

struct finished_run {
  std::unique_ptr<scenario_run> run;
  run_metrics metrics;
};

// Drives a run that was just made to its end, and measures it.
finished_run run_to_end(std::unique_ptr<scenario_run> run) {
  finished_run f;
  f.run = std::move(run);
  drive(*f.run->loop);
  f.metrics = compute_metrics(f.run->loop->trace(), f.run->loop->now());
  return f;
}

finished_run run_one(strategy how, const workload& w, bool real) {
  loop_options options;
  options.clock = real ? clock_kind::real_clock : clock_kind::virtual_clock;
  return run_to_end(make_sandbox(how, w, options));
}

constexpr int exit_interrupted = 130;

int finish_status() {
  if (!interrupted) return 0;
  std::cerr << "loopscope: interrupted; every task was cancelled\n";
  return exit_interrupted;
}

// `sequential`: the reference for the speedup, when there is one.
void print_summary(std::ostream& out, const finished_run& f, std::optional<nanos> sequential) {
  const scenario_run& r = *f.run;
  const run_metrics& m = f.metrics;
  const std::size_t tasks = r.task_lanes.size();
  const auto figures = r.figures();
  // A scenario that measures itself may draw only a sample of its units.
  const char* what = figures.empty() ? (tasks == 1 ? " task" : " tasks") : (tasks == 1 ? " lane" : " lanes");
  out << r.variant << " · " << tasks << what << " · " << to_string(r.loop->clock()) << " clock\n";
  out << "  returned after " << format_seconds(r.returned) << "; the last task ended at " << format_seconds(m.makespan)
      << " (makespan)\n";
  if (r.error) out << "  the await raised " << describe(r.error) << "\n";
  if (sequential && m.makespan > 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2fx", static_cast<double>(*sequential) / static_cast<double>(m.makespan));
    out << "  speedup " << buf << " against sequential (" << format_seconds(*sequential) << ")\n";
  }
  char conc[64];
  std::snprintf(conc, sizeof conc, "%d, mean %.2f · ", m.peak_concurrency, m.mean_concurrency);
  // A scenario that measures itself reports its own figures below instead
  // of the concurrency and latency of its lanes, which are only a sample.
  out << "  " << (figures.empty() ? "peak concurrency " + std::string(conc) : std::string()) << "loop busy "
      << percent(m.loop_busy_fraction) << " · ready total " << format_seconds(m.ready_total) << " · longest slice "
      << format_seconds(m.longest_slice) << "\n";
  if (figures.empty())
    out << "  latency p50 " << format_seconds(m.latency_p50) << " · p95 " << format_seconds(m.latency_p95)
        << " · p99 " << format_seconds(m.latency_p99) << "\n";
  for (const auto& w : warnings_of(m)) out << "  warning: " << w << "\n";
  if (!figures.empty()) {
    out << "  measured:\n";
    for (const auto& fig : figures) out << "    " << fig.label << ": " << format_figure(fig.value, fig.unit) << "\n";
  }
  if (const std::string b = r.banner(); !b.empty()) out << "  " << b << "\n";
}

int run_command(const workload_flags& flags, const std::string& strategy_name, bool json, const std::string& trace_path,
                int width) {
  const auto how = parse_strategy(strategy_name);
  if (!how) {
    std::string names;
    for (strategy s : all_strategies()) names += (names.empty() ? "" : ", ") + std::string(to_string(s));
    throw usage_error("--strategy: '" + strategy_name + "' is not a strategy; use one of " + names);
  }
  bool real = false;
  const workload w = flags.build(real);
  std::ofstream trace_file;
  if (!trace_path.empty()) trace_file = open_output("--trace", trace_path);

  finished_run f = run_one(*how, w, real);
  const nanos sequential = sequential_makespan(w);

  if (trace_file.is_open()) {
    write_chrome_trace(trace_file, {{std::string(to_string(*how)), &f.run->loop->trace(), f.run->loop->now()}});
    trace_file.close();
    if (!trace_file) {
      std::cerr << "loopscope: error: writing '" << trace_path << "' failed\n";
      return 1;
    }
  }
  if (json) {
    std::cout << summary_json(*f.run, f.metrics, sequential) << "\n";
    return finish_status();
  }
  print_summary(std::cout, f, sequential);
  std::cout << "\n"
            << ascii_timeline({{std::string(to_string(*how)), &f.run->loop->trace(), f.run->loop->now()}},
                              f.metrics.window, width)
            << ascii_legend();
  if (!trace_path.empty()) std::cout << "trace written to " << trace_path << " (open it in ui.perfetto.dev)\n";
  return finish_status();
}

int compare_command(const workload_flags& flags, const std::vector<std::string>& names, const std::string& trace_path,
                    int width) {
  std::vector<strategy> hows;
  for (const auto& n : names) {
    auto s = parse_strategy(n);
    if (!s) throw usage_error("--strategies: '" + n + "' is not a strategy");
    hows.push_back(*s);
  }
  if (hows.empty()) throw usage_error("--strategies: name at least one strategy");
  bool real = false;
  const workload w = flags.build(real);
  std::ofstream trace_file;
  if (!trace_path.empty()) trace_file = open_output("--trace", trace_path);

  const nanos sequential = sequential_makespan(w);
  std::vector<finished_run> runs;
  nanos t_end = 0;
  for (strategy how : hows) {
    runs.push_back(run_one(how, w, real));
    t_end = std::max(t_end, runs.back().metrics.window);
  }
  std::vector<ascii_variant> lanes;
  std::vector<trace_source> sources;
  for (const auto& f : runs) {
    print_summary(std::cout, f, sequential);
    const std::string title = f.run->variant + " — makespan " + format_seconds(f.metrics.makespan);
    lanes.push_back({title, &f.run->loop->trace(), f.run->loop->now()});
    sources.push_back({f.run->variant, &f.run->loop->trace(), f.run->loop->now()});
  }
  std::cout << "\n" << ascii_timeline(lanes, t_end, width) << ascii_legend();
  if (trace_file.is_open()) {
    write_chrome_trace(trace_file, sources);
    std::cout << "trace written to " << trace_path << "\n";
  }
  return finish_status();
}

// ---- Lessons ----

int list_command() {
  for (const auto& l : lessons::all())
    std::printf("%2d  %-12s %s\n      %s\n", l.number, l.id.c_str(), l.title.c_str(), l.summary.c_str());
  std::printf("\nRun one headless:  loopscope run --lesson ID [--set NAME=VALUE]... [--json]\n");
  return 0;
}

int lesson_command(const std::string& id, const std::vector<std::string>& sets, const std::string& variant, bool json,
                   const std::string& trace_path, int width) {
  const lessons::lesson* l = lessons::find(id);
  if (l == nullptr) throw usage_error("--lesson: there is no lesson '" + id + "' (loopscope list shows them)");
  lessons::values values = lessons::defaults(*l);
  for (const auto& s : sets)
    if (auto why = lessons::assign(*l, values, s)) throw usage_error("--set: " + *why);
  std::size_t chosen = l->variants.size();
  if (!variant.empty()) {
    const auto it = std::find(l->variants.begin(), l->variants.end(), variant);
    if (it == l->variants.end()) {
      std::string names;
      for (const auto& v : l->variants) names.append(names.empty() ? "" : ", ").append(v);
      throw usage_error("--variant: lesson '" + id + "' has no variant '" + variant + "' (it has: " + names + ")");
    }
    chosen = static_cast<std::size_t>(it - l->variants.begin());
  }
  std::ofstream trace_file;
  if (!trace_path.empty()) trace_file = open_output("--trace", trace_path);

  // Every variant runs: the prediction's answer is computed from all of them.
  std::vector<finished_run> runs;
  for (std::size_t i = 0; i < l->variants.size(); ++i) runs.push_back(run_to_end(l->make(i, values, loop_options{})));
  std::vector<lessons::outcome> outcomes;
  for (const auto& f : runs) outcomes.push_back({f.run.get(), &f.metrics});
  const double answer = l->predict.answer(outcomes);

  if (trace_file.is_open()) {
    std::vector<trace_source> sources;
    for (const auto& f : runs) sources.push_back({f.run->variant, &f.run->loop->trace(), f.run->loop->now()});
    write_chrome_trace(trace_file, sources);
  }
  if (json) {
    if (chosen < runs.size()) {
      std::cout << summary_json(*runs[chosen].run, runs[chosen].metrics, std::nullopt) << "\n";
      return finish_status();
    }
    nlohmann::json j;
    j["lesson"] = l->id;
    j["title"] = l->title;
    j["params"] = values;
    j["prediction"] = {{"question", l->predict.text}, {"answer", answer}, {"unit", l->predict.unit}};
    if (!l->predict.choices.empty()) j["prediction"]["choices"] = l->predict.choices;
    j["variants"] = nlohmann::json::array();
    for (const auto& f : runs) j["variants"].push_back(nlohmann::json::parse(summary_json(*f.run, f.metrics, std::nullopt)));
    std::cout << j.dump(2) << "\n";
    return finish_status();
  }
  std::cout << "Lesson " << l->number << ": " << l->title << "\n  " << l->predict.text << "\n  answer: ";
  if (l->predict.choices.empty())
    std::printf("%.3g %s\n\n", answer, l->predict.unit.c_str());
  else
    std::cout << l->predict.choices[static_cast<std::size_t>(answer)] << "\n\n";
  nanos t_end = 0;
  std::vector<ascii_variant> lanes;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (chosen < runs.size() && i != chosen) continue;
    print_summary(std::cout, runs[i], std::nullopt);
    t_end = std::max(t_end, runs[i].metrics.window);
    lanes.push_back({runs[i].run->variant + " — makespan " + format_seconds(runs[i].metrics.makespan),
                     &runs[i].run->loop->trace(), runs[i].run->loop->now()});
  }
  std::cout << "\n" << ascii_timeline(lanes, t_end, width) << ascii_legend();
  return finish_status();
}

// ---- serve ----

struct serve_flags {
  int port = 8000;
  std::string delay = "100ms", idle = "15s";
  int pool = 4;
  void add_to(CLI::App& app) {
    app.add_option("--port", port, "TCP port on 127.0.0.1; 0 picks a free one")->capture_default_str();
    app.add_option("--delay", delay, "What each route's database call takes, e.g. 100ms")->capture_default_str();
    app.add_option("--pool", pool, "Threads behind /offload (1-256)")->capture_default_str();
    app.add_option("--idle", idle, "Close a connection silent this long, e.g. 15s")->capture_default_str();
  }
};

void print_route_table(std::ostream& out, const lessons::web::server_report& r) {
  for (const auto& route : r.by_route) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-10s %10s answered", route.route.c_str(),
                  format_figure(static_cast<double>(route.requests), "").c_str());
    out << line;
    if (route.requests > 0)
      out << " · in the server p50 " << format_figure(route.p50_s, "s") << " · p95 " << format_figure(route.p95_s, "s")
          << " · p99 " << format_figure(route.p99_s, "s");
    out << "\n";
  }
}

int serve_command(const serve_flags& f) {
  namespace web = lessons::web;
  web::server_settings s;
  if (f.port < 0 || f.port > 65535) throw usage_error("--port: " + std::to_string(f.port) + " is not a port (0-65535)");
  if (f.pool < 1 || f.pool > 256) throw usage_error("--pool: " + std::to_string(f.pool) + " threads; use 1 to 256");
  s.port = static_cast<std::uint16_t>(f.port);
  s.delay = nanoseconds(duration_flag("--delay", f.delay));
  s.idle_timeout = nanoseconds(duration_flag("--idle", f.idle));
  if (s.idle_timeout.count() <= 0) throw usage_error("--idle: must be more than 0");
  s.pool = f.pool;

  // SIGINT and SIGTERM are taken by this thread alone (sigwait): every
  // thread started from here on inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  loop_options options;
  options.record = false;  // a server may run for days: count, do not trace
  std::unique_ptr<web::server_run> server;
  try {
    server = web::make_server(s, options);
  } catch (const std::exception& e) {
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
    std::string why = e.what();
    if (f.port != 0) why.append(" (another port with --port, or --port 0 for a free one)");
    throw std::runtime_error(why);
  }
  const auto started = std::chrono::steady_clock::now();
  std::cout << "serving on " << server->address() << " · delay " << format_duration(s.delay.count()) << " · pool "
            << s.pool << (s.pool == 1 ? " thread" : " threads") << " · idle timeout "
            << format_duration(s.idle_timeout.count()) << "\n"
            << "  routes: /async (awaits)  /blocking (blocks the loop)  /offload (thread pool)  /cpu (computes)\n"
            << "  try:    curl -i " << server->address() << "/async\n"
            << "          wrk -c 64 -d 10s " << server->address() << "/blocking\n"
            << "  Ctrl-C (or SIGTERM) stops it and prints what it served.\n"
            << std::flush;
  server->loop->start();
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::cout << "\nstopping (" << (signal_number == SIGTERM ? "SIGTERM" : "SIGINT") << "): closing the listener and "
            << server->report().open_connections << " open connections\n";
  server->stop();
  server->loop->wait();
  const auto r = server->report();
  const double up = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto count = [](std::uint64_t n, const char* what) {
    return format_figure(static_cast<double>(n), "").append(" ").append(what).append(n == 1 ? "" : "s");
  };
  std::cout << "served for " << format_figure(up, "s") << ": " << count(r.connections, "connection") << ", "
            << count(r.requests, "request") << "\n";
  print_route_table(std::cout, r);
  std::cout << "  status 200: " << r.ok << " · 400: " << r.bad_request << " · 404: " << r.not_found
            << " · 405: " << r.bad_method << " · 413/431: " << r.too_large << " · 408: " << r.timed_out << "\n";
  return 0;
}

int window_command(const CLI::App& app, const workload_flags& flags, const std::string& lesson,
                   const std::string& screenshot, const std::string& at_text, const std::string& size_text,
                   const std::string& theme, const std::vector<std::string>& panels) {
  gui::gui_options o;
  o.page = lesson;
  o.page_given = app.count("--lesson") > 0;
  o.screenshot = screenshot;
  if (!at_text.empty()) o.at = duration_flag("--at", at_text);
  if (!size_text.empty()) {
    int w = 0, h = 0;
    char x = 0;
    if (std::sscanf(size_text.c_str(), "%d%c%d", &w, &x, &h) != 3 || x != 'x' || w < 320 || h < 240 || w > 16384 ||
        h > 16384)
      throw usage_error("--size: '" + size_text + "' should be WIDTHxHEIGHT, e.g. 1280x800");
    o.width = w;
    o.height = h;
  }
  if (!theme.empty()) {
    if (theme != "dark" && theme != "light") throw usage_error("--theme: '" + theme + "' is not dark or light");
    o.dark = theme == "dark";
  }
  for (const auto& n : panels) {
    auto s = parse_strategy(n);
    if (!s) throw usage_error("--strategies: '" + n + "' is not a strategy");
    o.strategies.push_back(*s);
  }
  if (o.strategies.size() > 4) throw usage_error("--strategies: at most 4 panels");
  // Workload flags given on the command line shape the sandbox.
  bool any_workload_flag = false;
  for (const char* f : {"--tasks", "--duration", "--durations", "--limit", "--block", "--cpu", "--fail", "--timeout",
                        "--clock"})
    any_workload_flag = any_workload_flag || app.count(f) > 0;
  if (any_workload_flag) {
    o.work = flags.build(o.real_clock);
    constexpr int window_max_tasks = 100'000;  // every panel keeps its lanes and a shadow run
    if (o.work->tasks > window_max_tasks)
      throw usage_error("--tasks: the window shows at most " + std::to_string(window_max_tasks) +
                        " tasks; for more, use loopscope run");
  }
  return gui::run_app(o);
}

}  // namespace

int cli_main(int argc, char** argv) {
  CLI::App app{"Loopscope: watch an event loop run real coroutines.\n"
               "With no command it opens the window; `run` and `compare` work without one."};
  app.set_version_flag("--version", "loopscope 0.1.0");
  app.require_subcommand(0, 1);

  // ---- The window ----
  std::string lesson = "sandbox", screenshot, at_text, size_text, theme;
  int bench = 0, bench_tasks = 10'000;
  std::vector<std::string> panels;
  workload_flags window_flags;
  app.add_option("--lesson", lesson, "The page to open: a lesson (loopscope list) or sandbox")->capture_default_str();
  app.add_option("--screenshot", screenshot, "Render one frame to this PNG and exit (needs a display, e.g. Xvfb)");
  app.add_option("--at", at_text, "With --screenshot: the time to show, e.g. 2.5s (default: the end)");
  app.add_option("--size", size_text, "Window size WIDTHxHEIGHT, e.g. 1280x800");
  app.add_option("--theme", theme, "dark or light (default: as last time)");
  app.add_option("--strategies", panels, "Strategies of the sandbox panels, comma-separated (at most 4)")
      ->delimiter(',');
  app.add_option("--bench-frames", bench, "Headless: time building this many frames of a large timeline");
  app.add_option("--bench-tasks", bench_tasks, "With --bench-frames: tasks in the timeline")->capture_default_str();
  window_flags.add_to(app);

  int width = 0;
  // ---- run ----
  auto* run = app.add_subcommand("run", "Run the sandbox workload headless and print a summary");
  workload_flags run_flags;
  std::string strategy_name = "gather";
  bool json = false;
  std::string trace_path;
  run->add_option("--strategy", strategy_name,
                  "sequential | gather | gather-return-exceptions | bounded | taskgroup")
      ->capture_default_str();
  run_flags.add_to(*run);
  run->add_flag("--json", json, "Print exactly one JSON object (the run summary) instead of text");
  run->add_option("--trace", trace_path, "Write a Chrome trace (Perfetto, chrome://tracing) to FILE");
  run->add_option("--width", width, "Columns for the text timeline (default: the terminal's)");
  std::string run_lesson, run_variant;
  std::vector<std::string> sets;
  run->add_option("--lesson", run_lesson, "Run a lesson's variants instead of the sandbox (loopscope list)");
  run->add_option("--set", sets, "With --lesson: NAME=VALUE for one of its parameters (repeatable)");
  run->add_option("--variant", run_variant, "With --lesson: print only this variant, its summary in the sandbox's shape");

  // ---- serve ----
  auto* serve = app.add_subcommand("serve", "Run lesson 10's web server alone on 127.0.0.1 until Ctrl-C or SIGTERM");
  serve_flags serve_options;
  serve_options.add_to(*serve);

  // ---- list ----
  auto* list = app.add_subcommand("list", "List the lessons with a line on each");

  // ---- compare ----
  auto* compare = app.add_subcommand("compare", "Run one workload under several strategies on one time axis");
  workload_flags compare_flags;
  std::vector<std::string> strategies{"sequential", "gather", "bounded"};
  std::string compare_trace;
  compare->add_option("--strategies", strategies, "Strategies to compare, comma-separated")
      ->delimiter(',')
      ->capture_default_str();
  compare_flags.add_to(*compare);
  compare->add_option("--trace", compare_trace, "Write every variant into one Chrome trace FILE");
  compare->add_option("--width", width, "Columns for the text timeline (default: the terminal's)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "loopscope: error: " << e.what() << " (see loopscope --help)\n";
    return exit_bad_input;
  }

  if (width <= 0) width = terminal_width();
  try {
    if (*list) return list_command();
    if (*serve) return serve_command(serve_options);
    if (*run && !run_lesson.empty()) {
      for (const char* f : {"--strategy", "--tasks", "--duration", "--durations", "--limit", "--block", "--cpu", "--fail",
                            "--timeout", "--clock"})
        if (run->count(f) > 0)
          throw usage_error(std::string(f) + " is a sandbox flag; a lesson takes --set NAME=VALUE (loopscope list)");
      return lesson_command(run_lesson, sets, run_variant, json, trace_path, width);
    }
    if (!sets.empty() || !run_variant.empty()) throw usage_error("--set and --variant go with --lesson NAME");
    if (*run) return run_command(run_flags, strategy_name, json, trace_path, width);
    if (*compare) return compare_command(compare_flags, strategies, compare_trace, width);
    if (bench > 0) return gui::bench_frames(bench, std::clamp(bench_tasks, 1, 100'000));
    return window_command(app, window_flags, lesson, screenshot, at_text, size_text, theme, panels);
  } catch (const usage_error& e) {
    std::cerr << "loopscope: error: " << e.what() << "\n";
    return exit_bad_input;
  } catch (const std::exception& e) {
    std::cerr << "loopscope: failed: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace loopscope
