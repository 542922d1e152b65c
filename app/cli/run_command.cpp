// loopscope run, loopscope compare: the sandbox's workload, headless.
#include <iostream>
#include <memory>

#include "app/cli/commands.hpp"
#include "app/cli/flags.hpp"
#include "app/cli/output.hpp"
#include "core/chrome_trace.hpp"
#include "core/report.hpp"

namespace loopscope::cli {

namespace {

finished_run run_one(strategy how, const workload& w, clock_kind clock) {
  loop_options options;
  options.clock = clock;
  return run_to_end(make_sandbox(how, w, options));
}

trace_source source_of(const finished_run& f) { return {f.run->variant(), &f.run->trace(), f.run->now()}; }

// The makespan of the same tasks run one after another, every one of them:
// what a speedup is measured against (sequential_makespan()). Where it is
// not a sum, its run is driven here so that Ctrl-C stops it too. Nothing
// once Ctrl-C has come: no speedup then.
std::optional<nanos> reference_makespan(const workload& w) {
  if (was_interrupted()) return std::nullopt;
  if (const auto sum = sequential_sum(w)) return sum;
  const auto reference = make_sequential_reference(w);
  drive(*reference);
  if (was_interrupted()) return std::nullopt;
  return reference->returned();
}

int width_or_terminal(int width) { return width > 0 ? width : terminal_width(); }

struct run_flags {
  workload_flags work;
  std::string strategy = "gather";
  bool json = false;
  std::string trace_path;
  int width = 0;
  lesson_request lesson;
};

int run_sandbox(const run_flags& f) {
  const strategy how = strategy_flag("--strategy", f.strategy);
  clock_kind clock{};
  const workload w = f.work.build(clock);
  std::ofstream trace_file;
  if (!f.trace_path.empty()) trace_file = open_output("--trace", f.trace_path);

  finished_run run = run_one(how, w, clock);
  const std::optional<nanos> sequential = reference_makespan(w);

  if (const int failed = write_trace(trace_file, f.trace_path, {source_of(run)})) return failed;
  if (f.json) {
    write_summary_json(std::cout, *run.run, run.metrics, sequential);
    std::cout << "\n";
    return finish_status();
  }
  print_summary(std::cout, *run.run, run.metrics, sequential);
  std::cout << "\n"
            << ascii_timeline({{run.run->variant(), &run.run->trace(), run.run->now()}}, run.metrics.window,
                              width_or_terminal(f.width))
            << ascii_legend();
  if (!f.trace_path.empty()) std::cout << "trace written to " << f.trace_path << " (open it in ui.perfetto.dev)\n";
  return finish_status();
}

}  // namespace

command add_run(CLI::App& app) {
  auto f = std::make_shared<run_flags>();
  auto* run = app.add_subcommand("run", "Run the sandbox workload headless and print a summary");
  run->add_option("--strategy", f->strategy, "sequential | gather | gather-return-exceptions | bounded | taskgroup")
      ->capture_default_str();
  f->work.add_to(*run);
  run->add_flag("--json", f->json, "Print exactly one JSON object (the run summary) instead of text");
  run->add_option("--trace", f->trace_path, "Write a Chrome trace (Perfetto, chrome://tracing) to FILE");
  add_width(*run, f->width);
  run->add_option("--lesson", f->lesson.id, "Run a lesson's variants instead of the sandbox (loopscope list)");
  run->add_option("--set", f->lesson.sets, "With --lesson: NAME=VALUE for one of its parameters (repeatable)");
  run->add_option("--variant", f->lesson.variant,
                  "With --lesson: print only this variant, its summary in the sandbox's shape");
  run->add_flag("--cpython", f->lesson.cpython,
                "With --lesson: also run each variant's Python twin under CPython (the tracer, virtual clock) and "
                "say whether it agrees, task by task");
  return {run, [f, run] {
            catch_interrupts();
            if (!f->lesson.id.empty()) {
              std::string flag = run->count("--strategy") > 0 ? "--strategy" : f->work.first_given(*run);
              if (!flag.empty())
                throw usage_error(flag + " is a sandbox flag; a lesson takes --set NAME=VALUE (loopscope list)");
              f->lesson.json = f->json;
              f->lesson.trace_path = f->trace_path;
              f->lesson.width = f->width;
              return run_lesson(f->lesson);
            }
            if (!f->lesson.sets.empty() || !f->lesson.variant.empty() || f->lesson.cpython)
              throw usage_error("--set, --variant and --cpython go with --lesson NAME");
            return run_sandbox(*f);
          }};
}

command add_compare(CLI::App& app) {
  struct compare_flags {
    workload_flags work;
    std::string strategies = "sequential,gather,bounded";
    std::string trace_path;
    int width = 0;
  };
  auto f = std::make_shared<compare_flags>();
  auto* compare = app.add_subcommand("compare", "Run one workload under several strategies on one time axis");
  compare->add_option("--strategies", f->strategies, "Strategies to compare, comma-separated")->capture_default_str();
  f->work.add_to(*compare);
  compare->add_option("--trace", f->trace_path, "Write every variant into one Chrome trace FILE");
  add_width(*compare, f->width);
  return {compare, [f] {
            catch_interrupts();
            const auto hows = strategies_flag("--strategies", f->strategies);
            clock_kind clock{};
            const workload w = f->work.build(clock);
            std::ofstream trace_file;
            if (!f->trace_path.empty()) trace_file = open_output("--trace", f->trace_path);

            const std::optional<nanos> sequential = reference_makespan(w);
            std::vector<finished_run> runs;
            nanos t_end = 0;
            for (strategy how : hows) {
              runs.push_back(run_one(how, w, clock));
              t_end = std::max(t_end, runs.back().metrics.window);
            }
            std::vector<ascii_variant> lanes;
            std::vector<trace_source> sources;
            for (const auto& r : runs) {
              lanes.push_back(lanes_of(*r.run, r.metrics));
              sources.push_back(source_of(r));
            }
            if (const int failed = write_trace(trace_file, f->trace_path, sources)) return failed;
            for (const auto& r : runs) print_summary(std::cout, *r.run, r.metrics, sequential);
            std::cout << "\n" << ascii_timeline(lanes, t_end, width_or_terminal(f->width)) << ascii_legend();
            if (!f->trace_path.empty()) std::cout << "trace written to " << f->trace_path << "\n";
            return finish_status();
          }};
}

}  // namespace loopscope::cli
