// The commands: each one adds its flags to the command line and gives back
// what runs it once the line is parsed. One file per command.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace loopscope::cli {

struct command {
  CLI::App* sub = nullptr;   // its subcommand; null for the window (the top level)
  std::function<int()> run;  // exit status: 0 ran, 1 failed while running, 2 bad input
};

command add_run(CLI::App& app);      // run: the sandbox headless, or a lesson's variants
command add_compare(CLI::App& app);  // compare: strategies on one time axis
command add_list(CLI::App& app);     // list: the lessons
command add_serve(CLI::App& app);    // serve: lesson 10's server alone
command add_trace(CLI::App& app);    // trace: a Python script under the tracer
// `trace [OPTIONS] -- script.py ...`: the "--" the tracer's own command line
// takes is dropped before parsing; what follows it is the script's.
void drop_script_separator(CLI::App& app, std::vector<char*>& args);
command add_window(CLI::App& app);  // no command: the window, its screenshot and frame-bench modes

// run --lesson ID: every variant of a lesson, from run's flags.
struct lesson_request {
  std::string id;
  std::vector<std::string> sets;
  std::string variant;
  bool json = false;
  std::string trace_path;
  int width = 0;
  bool cpython = false;  // also trace each variant's Python twin and compare
};
int run_lesson(const lesson_request& r);

}  // namespace loopscope::cli
