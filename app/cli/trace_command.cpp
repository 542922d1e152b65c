// loopscope trace: a learner's own asyncio script, run by CPython under the
// tracer, shown as `loopscope run` shows a run.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cli/commands.hpp"
#include "app/cli/flags.hpp"
#include "app/cli/output.hpp"
#include "app/traced_script.hpp"
#include "core/report.hpp"

namespace loopscope::cli {

namespace {

// Real time a script may take before it is interrupted, when no
// --limit-seconds is given: a virtual-clock script is instant unless it
// never ends; a server on the real clock is watched for a while.
constexpr double default_limit_virtual_s = 10, default_limit_real_s = 60;

struct trace_flags {
  std::string clock = "virtual";
  bool json = false;
  std::string trace_path;
  std::string python = "python3";
  std::string limit;
  int width = 0;
};

double limit_flag(const std::string& text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v < 0 || v > 86'400)
    throw usage_error("--limit-seconds: '" + text + "' is not a number of seconds from 0 (no limit) to 86400");
  return v;
}

std::string file_name(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

// A blocking call (time.sleep on the loop) that held the loop for a slow
// slice or more, and where in the script it was made.
struct blocking_call {
  lane_id lane;
  nanos start, duration;
  site_id site;
};

std::vector<blocking_call> slow_blocking_calls(const scenario_run& run) {
  std::vector<blocking_call> out;
  const auto per_lane = run.trace().by_lane();
  for (lane_id lane = 0; lane < per_lane.size(); ++lane) {
    const auto& events = per_lane[lane];
    for (std::size_t k = 0; k < events.size(); ++k) {
      const trace_event& e = events[k];
      if (e.state != lane_state::running || e.detail != static_cast<std::uint8_t>(run_kind::blocking)) continue;
      const nanos end = k + 1 < events.size() ? events[k + 1].t : run.now();
      if (end - e.t >= slow_slice_threshold) out.push_back({lane, e.t, end - e.t, e.site});
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  return out;
}

std::string line_of(const scenario_run& run, site_id site) {
  if (site == no_site || site >= run.trace().site_count()) return "an unknown line";
  const code_site& s = run.trace().site(site);
  return "line " + std::to_string(s.line) + " of " + file_name(s.file);
}

std::string where(const script_failure& f) {
  if (f.line <= 0) return {};
  return " (line " + std::to_string(f.line) + " of " + file_name(f.file) + ")";
}

// How the script ended, in the summary's voice; empty lines are left out.
std::vector<std::string> ending_lines(const traced_script& t, double limit) {
  const cpython_run& run = *t.run;
  std::vector<std::string> out;
  const bool interrupted = t.interrupted || (run.ending() && run.ending()->how == "interrupt");
  if (const auto& f = run.failure(); f && !(interrupted && f->type == "KeyboardInterrupt")) {
    const std::string error = f->type + (f->message.empty() ? "" : ": " + f->message);
    out.push_back((f->type == "SyntaxError" || f->type == "IndentationError" || f->type == "TabError"
                       ? "the script does not compile: "
                       : "the script raised ") +
                  error + where(*f));
  }
  char limit_text[32];
  std::snprintf(limit_text, sizeof limit_text, "%g s", limit);
  if (const auto& e = run.ending()) {
    if (e->how == "exit" && e->code != 0 && !run.failure())
      out.push_back("the script exited with status " + std::to_string(e->code));
    if (e->how == "time-limit")
      out.push_back(std::string("stopped at the time limit (") + limit_text +
                    " of real time; --limit-seconds): what it did until then");
    if (e->how == "killed")
      out.push_back(std::string("stopped at the time limit (") + limit_text +
                    "); it did not unwind when interrupted and was ended hard");
    if (e->how == "interrupt") out.push_back("interrupted (Ctrl-C): what it did until then");
    out.push_back("CPython " + run.python_version() + " ran it in " + format_duration(e->wall) + " of real time");
  } else {
    out.push_back("the event stream stopped early: the Python process " +
                  (t.status > 128 ? "was killed by signal " + std::to_string(t.status - 128)
                                  : "exited with status " + std::to_string(t.status)) +
                  (t.ended_hard ? " (it did not stop in time)" : "") +
                  (run.truncated() ? "; its last line was cut short" : ""));
  }
  for (const auto& note : run.notes()) out.push_back("note: " + note);
  return out;
}

std::string json_of(const traced_script& t, const run_metrics& m) {
  using nlohmann::json;
  const cpython_run& run = *t.run;
  json j = json::parse(summary_json(run, m, std::nullopt));
  j["script"] = run.script();
  j["python"] = run.python_version();
  if (const auto& e = run.ending())
    j["exit"] = {{"how", e->how}, {"code", e->code}, {"wall_s", static_cast<double>(e->wall) / 1e9}};
  else
    j["exit"] = {{"how", "died"}, {"code", t.status}, {"wall_s", nullptr}};
  if (const auto& f = run.failure())
    j["exception"] = {
        {"type", f->type}, {"message", f->message}, {"file", f->file}, {"line", f->line > 0 ? json(f->line) : json()}};
  else
    j["exception"] = nullptr;
  json output = json::array();
  for (const auto& o : run.output())
    output.push_back(
        {{"t_s", static_cast<double>(o.t) / 1e9}, {"stream", o.stream == 2 ? "stderr" : "stdout"}, {"text", o.text}});
  j["output"] = std::move(output);
  json blocking = json::array();
  for (const auto& b : slow_blocking_calls(run)) {
    const bool known = b.site != no_site && b.site < run.trace().site_count();
    blocking.push_back({{"task", run.trace().lane(b.lane).name},
                        {"start_s", static_cast<double>(b.start) / 1e9},
                        {"duration_s", static_cast<double>(b.duration) / 1e9},
                        {"file", known ? json(run.trace().site(b.site).file) : json()},
                        {"line", known ? json(run.trace().site(b.site).line) : json()}});
  }
  j["blocking_calls"] = std::move(blocking);
  j["notes"] = run.notes();
  j["truncated"] = run.truncated();
  return j.dump(2);
}

int exit_status(const traced_script& t) {
  const cpython_run& run = *t.run;
  if (t.interrupted || (run.ending() && run.ending()->how == "interrupt")) return exit_interrupted;
  if (!run.ending() || run.ending()->how != "exit" || run.ending()->code != 0 || run.failure()) return exit_failed;
  return 0;
}

int run_trace(const trace_flags& f, const std::vector<std::string>& rest, bool python_given) {
  if (rest.empty()) throw usage_error("give the script to trace: loopscope trace [OPTIONS] script.py [ARGS...]");
  if (f.clock != "virtual" && f.clock != "real")
    throw usage_error("--clock: '" + f.clock + "' is not a clock; use virtual or real");
  trace_request r;
  r.clock = f.clock == "real" ? clock_kind::real_clock : clock_kind::virtual_clock;
  r.limit_seconds = f.limit.empty()
                        ? (r.clock == clock_kind::real_clock ? default_limit_real_s : default_limit_virtual_s)
                        : limit_flag(f.limit);
  r.python = f.python;
  r.script = rest.front();
  r.args.assign(rest.begin() + 1, rest.end());
  r.output_to_stderr = f.json;
  std::error_code ec;
  if (!std::filesystem::exists(r.script, ec)) throw usage_error(r.script + ": no such file");
  if (!std::filesystem::is_regular_file(r.script, ec)) throw usage_error(r.script + ": not a file");
  std::ofstream trace_file;
  if (!f.trace_path.empty()) trace_file = open_output("--trace", f.trace_path);
  if (const auto problem = python_problem(r.python)) {
    if (python_given) throw usage_error("--python: " + *problem);
    std::cerr << "loopscope: failed: " << *problem << "\n";
    return exit_failed;
  }

  traced_script t;
  try {
    t = trace_script(r, was_interrupted);
  } catch (const stream_error& e) {
    std::cerr << "loopscope: failed: the tracer's event stream: " << e.what() << "\n";
    return exit_failed;
  } catch (const std::runtime_error& e) {
    std::cerr << "loopscope: " << (was_interrupted() ? "" : "failed: ") << e.what() << "\n";
    return was_interrupted() ? exit_interrupted : exit_failed;
  }
  cpython_run& run = *t.run;
  show_script(run);
  const run_metrics m = compute_metrics(run.trace(), run.now());

  if (const int failed = write_trace(trace_file, f.trace_path, {{run.variant(), &run.trace(), run.now()}}))
    return failed;
  if (f.json) {
    std::cout << json_of(t, m) << "\n";
    return exit_status(t);
  }
  if (!run.output().empty()) std::cout << "\n";
  print_summary(std::cout, run, m, std::nullopt);
  for (const auto& b : slow_blocking_calls(run))
    std::cout << "  blocking call at " << line_of(run, b.site) << ": " << run.trace().lane(b.lane).name
              << " held the loop for " << format_seconds(b.duration) << " from t=" << format_seconds(b.start) << "\n";
  for (const auto& line : ending_lines(t, r.limit_seconds)) std::cout << "  " << line << "\n";
  if (run.trace().lane_count() > 0)  // a script that made no task (or did not compile) has no lanes
    std::cout << "\n"
              << ascii_timeline({lanes_of(run, m)}, m.window, f.width > 0 ? f.width : terminal_width())
              << ascii_legend();
  if (!f.trace_path.empty()) std::cout << "trace written to " << f.trace_path << " (open it in ui.perfetto.dev)\n";
  const int status = exit_status(t);
  if (status == exit_interrupted) finish_status();  // says so on stderr
  return status;
}

}  // namespace

void drop_script_separator(CLI::App& app, std::vector<char*>& args) {
  if (args.size() < 3 || std::string_view(args[1]) != "trace") return;
  const CLI::App* trace = app.get_subcommand("trace");
  for (std::size_t i = 2; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--") {
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
    if (arg.empty() || arg[0] != '-') return;  // the script: what follows is its own
    if (arg.find('=') != std::string_view::npos) continue;
    const CLI::Option* opt = trace->get_option_no_throw(std::string(arg));
    if (opt != nullptr && opt->get_items_expected_min() > 0) ++i;  // its value
  }
}

command add_trace(CLI::App& app) {
  auto f = std::make_shared<trace_flags>();
  auto* trace = app.add_subcommand(
      "trace",
      "Run a Python asyncio script under the tracer (CPython 3.11+) and show its tasks as `run` does; options go "
      "before the script, everything after it is the script's own arguments");
  trace->prefix_command();
  trace->add_option("--clock", f->clock, "virtual (exact, instant) or real (as it runs: servers, real I/O)")
      ->capture_default_str();
  trace->add_flag("--json", f->json,
                  "Print exactly one JSON object (the run summary, with the script's output) instead of text; the "
                  "script's stdout goes to stderr");
  trace->add_option("--trace", f->trace_path, "Write a Chrome trace (Perfetto, chrome://tracing) to FILE");
  auto* python =
      trace->add_option("--python", f->python, "The interpreter: a virtualenv's python, for its packages (FastAPI)")
          ->capture_default_str();
  trace->add_option("--limit-seconds", f->limit,
                    "Real time before the script is interrupted as Ctrl-C would (default 10 on the virtual clock, "
                    "60 on the real one; 0: none)");
  add_width(*trace, f->width);
  return {trace, [f, trace, python] {
            catch_interrupts();
            return run_trace(*f, trace->remaining(), python->count() > 0);
          }};
}

}  // namespace loopscope::cli
